using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>A production deployment behind a proxy that ends TLS and reports the client in X-Forwarded-*.</summary>
public sealed class ReverseProxyTests
{
    private const string Proxy = "10.20.30.40";
    private const string Stranger = "198.51.100.9";
    // Not localhost, which HSTS leaves alone on purpose.
    private const string PublicAddress = "http://points.example/";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignInThroughTheKnownProxyOverHttps_GetsASecureCookie_AndHsts(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await using var production = BehindProxy(app, connectingFrom: Proxy);
        var user = await app.CreateUserAsync("吴委员", TestApp.In(await VillageBuilder.ArrangeAsync(app.Database, 1), Role.CommitteeMember));
        var visitor = PageVisitor.For(production, PublicAddress);
        visitor.Headers["X-Forwarded-Proto"] = "https";
        visitor.Headers["X-Forwarded-For"] = "203.0.113.7";

        var login = await visitor.SignInAsync(user.Phone, TestApp.Password);

        var authCookie = visitor.SetCookies.Single(c => c.StartsWith("vp.auth=", StringComparison.Ordinal));
        Assert.Contains("; secure", authCookie, StringComparison.OrdinalIgnoreCase);
        Assert.True(login.Headers.Contains("Strict-Transport-Security"), "HSTS header missing behind a TLS-ending proxy");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ForwardedHeadersFromAnUnknownAddress_AreIgnored(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await using var production = BehindProxy(app, connectingFrom: Stranger);
        var user = await app.CreateUserAsync("吴委员", TestApp.In(await VillageBuilder.ArrangeAsync(app.Database, 1), Role.CommitteeMember));
        var visitor = PageVisitor.For(production, PublicAddress);
        visitor.Headers["X-Forwarded-Proto"] = "https";
        visitor.Headers["X-Forwarded-For"] = "203.0.113.7";

        var login = await visitor.SignInAsync(user.Phone, TestApp.Password);

        var authCookie = visitor.SetCookies.Single(c => c.StartsWith("vp.auth=", StringComparison.Ordinal));
        Assert.DoesNotContain("; secure", authCookie, StringComparison.OrdinalIgnoreCase);
        Assert.False(login.Headers.Contains("Strict-Transport-Security"), "HSTS sent on a plain request that merely claimed HTTPS");
    }

    [Fact]
    public async Task LoginRateLimit_CountsEachClientBehindTheProxy_NotTheProxy()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        // Named the way an environment variable would: one value, comma-separated.
        await using var production = BehindProxy(app, connectingFrom: Proxy,
            ("ForwardedHeaders:KnownProxies", "192.0.2.1, " + Proxy), ("RateLimits:LoginPerMinute", "2"));
        var client = production.CreateClient();

        async Task<HttpStatusCode> AttemptFrom(string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token")
            {
                Content = JsonContent.Create(new { phone = "13900009999", password = "not-the-password" }),
            };
            request.Headers.Add("X-Forwarded-For", address);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await AttemptFrom("203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await AttemptFrom("203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await AttemptFrom("203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await AttemptFrom("203.0.113.2"));
    }

    [Fact]
    public async Task AForeignHostHeader_IsNotEchoedIntoRedirectsOrTheOpenApiServers()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        await using var production = BehindProxy(app, connectingFrom: Proxy);
        var client = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://evil.example/") });

        var redirect = await client.GetAsync("/my");
        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("/login", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", document, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(document);
        Assert.Equal("/", json.RootElement.GetProperty("servers")[0].GetProperty("url").GetString());
    }

    /// <summary>The app in Production, trusting <see cref="Proxy"/> only (unless the settings say otherwise), reached from <paramref name="connectingFrom"/>.</summary>
    private static WebApplicationFactory<Program> BehindProxy(TestApp app, string connectingFrom, params (string Key, string Value)[] settings) =>
        app.Factory.WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            if (!settings.Any(s => s.Key.StartsWith("ForwardedHeaders:", StringComparison.Ordinal)))
                b.UseSetting("ForwardedHeaders:KnownProxies:0", Proxy);
            foreach (var (key, value) in settings)
                b.UseSetting(key, value);
            b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new ConnectionFrom(IPAddress.Parse(connectingFrom))));
        });

    /// <summary>The test server has no sockets; this gives each request the address a real connection would have.</summary>
    private sealed class ConnectionFrom(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => builder =>
        {
            builder.Use((http, inner) =>
            {
                http.Connection.RemoteIpAddress = address;
                return inner(http);
            });
            next(builder);
        };
    }
}
