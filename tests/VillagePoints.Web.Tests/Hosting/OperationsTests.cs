using System.Net;
using System.Text.Json;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

public sealed class OperationsTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task HealthAndReadiness_AnswerOk_WhenTheDatabaseIsReachable(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Readiness_FailsWhenTheDatabaseCannotBeReached_WhileLivenessHolds()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Postgres);
        await using var broken = app.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Username=nobody;Timeout=2");
            b.UseSetting("Database:MigrateOnStartup", "false");
        });
        var client = broken.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheVillageEndpoints()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var json = await app.Anonymous().GetStringAsync("/openapi/v1.json");
        using var doc = JsonDocument.Parse(json);
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/villages/{villageCode}/households/{householdNo}/ledger", paths);
        Assert.Contains("/api/v1/auth/token", paths);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/api/docs/index.html")).StatusCode);
    }

    [Fact]
    public async Task EveryResponse_CarriesSecurityHeaders()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var response = await app.Anonymous().GetAsync("/login");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownApiRoute_IsAProblem()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        await Problems.AssertProblemAsync(await app.Anonymous().GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/login/../no-such-page")]
    [InlineData("/villages/nowhere/households/1/more")]
    public async Task UnknownPage_IsTheFriendlyNotFoundPage(string rawPath)
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);

        // Sent as written, through the test server directly: HttpClient would fold the dot segments first.
        var context = await app.Factory.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = rawPath;
        });

        var html = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.True(context.Response.StatusCode == 404, $"{rawPath}: {context.Response.StatusCode}");
        Assert.StartsWith("text/html", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"zh-CN\"", html, StringComparison.Ordinal);
        Assert.Contains("找不到这个页面，或者你没有权限查看", html, StringComparison.Ordinal);
    }
}
