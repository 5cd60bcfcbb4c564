using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Hosting;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>The body limit holds for bodies sent without a length (chunked), not only for honest Content-Length headers.</summary>
public sealed class RequestBodyLimitTests
{
    private const long TenMegabytes = 10L * 1024 * 1024;

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AChunkedTenMegabyteRegistration_Is413_AndNothingIsWritten(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var body = new JsonWithHugeName("{\"groupNumber\":1,\"headName\":\"", "\",\"members\":[]}", TenMegabytes);

        var response = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/households", body.Content());

        Assert.Equal("request.too-large", await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge));
        Assert.True(body.Produced < TenMegabytes, $"the server read {body.Produced} bytes");
        await using var db = app.NewContext();
        Assert.Equal(1, await db.Households.CountAsync(h => h.VillageId == v.VillageId));
    }

    [Fact]
    public async Task AChunkedTenMegabyteSignIn_Is413_WithoutSigningIn()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var body = new JsonWithHugeName("{\"phone\":\"13900000001\",\"password\":\"", "\"}", TenMegabytes);

        var response = await app.Anonymous().PostAsync("/api/v1/auth/token", body.Content());

        Assert.Equal("request.too-large", await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task AChunkedOversizedForm_OnAPage_IsTheFriendlyTooLargePage()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var visitor = PageVisitor.For(app.Factory);
        await visitor.GetAsync("/login");
        var body = new JsonWithHugeName("Phone=13900000001&Password=", "", TenMegabytes);
        var content = body.Content();
        content.Headers.ContentType = new("application/x-www-form-urlencoded");

        var response = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/login") { Content = content });

        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {response.Headers.Location}");
        Assert.Contains("提交的内容太大了", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChunkedBodyWithinTheLimit_IsReadAsUsual()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var body = new JsonWithHugeName("{\"phone\":\"13900000001\",\"password\":\"", "\"}", RequestSizeLimit.MaxBodyBytes / 2);

        var response = await app.Anonymous().PostAsync("/api/v1/auth/token", body.Content());

        // Read in full and judged on its merits: no such account.
        await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    /// <summary>A JSON document whose one string is padded to the given size, produced as it is read and never with a length.</summary>
    private sealed class JsonWithHugeName(string head, string tail, long size) : Stream
    {
        private readonly byte[] start = Encoding.UTF8.GetBytes(head);
        private readonly byte[] end = Encoding.UTF8.GetBytes(tail);

        public long Produced { get; private set; }

        public HttpContent Content()
        {
            var content = new StreamContent(this);
            content.Headers.ContentType = new("application/json");
            return content;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Produced; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = 0;
            while (n < count && Produced < size)
            {
                var at = Produced;
                buffer[offset + n] = at < start.Length ? start[at]
                    : at >= size - end.Length ? end[at - (size - end.Length)]
                    : (byte)'x';
                n++;
                Produced++;
            }
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
