using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>Answers built by the error handling carry the same browser protections as any page.</summary>
public sealed class ErrorResponseTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AServerError_CarriesTheSecurityHeaders(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        await using (var db = app.NewContext())
        {
            // Breaking the accounts table makes the next sign-in fail unexpectedly.
            await db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Postgres
                ? "DROP TABLE \"UserAccounts\" CASCADE"
                : "PRAGMA foreign_keys = OFF; DROP TABLE \"UserAccounts\";");
        }

        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { phone = "13900001111", password = "whatever-it-is" });

        Assert.Equal("server.error", await Problems.AssertProblemAsync(response, HttpStatusCode.InternalServerError));
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task ANotFoundProblem_CarriesTheSecurityHeaders()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);

        var response = await app.Anonymous().GetAsync("/api/v1/nothing-here");

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task ATooLargeBody_IsAProblem_CarryingTheSecurityHeaders()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var content = new ByteArrayContent(new byte[300 * 1024]);
        content.Headers.ContentType = new("application/json");

        var response = await app.Anonymous().PostAsync("/api/v1/auth/token", content);

        Assert.Equal("request.too-large", await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge));
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task TheFriendlyNotFoundPage_CarriesTheSecurityHeaders()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);

        var response = await app.Anonymous().GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        string Header(string name) => response.Headers.TryGetValues(name, out var values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} answer has no {name} header");
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Contains("frame-ancestors 'none'", Header("Content-Security-Policy"), StringComparison.Ordinal);
    }
}
