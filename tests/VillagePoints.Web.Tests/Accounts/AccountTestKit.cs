using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Accounts;

public sealed record Tokens(string AccessToken, string RefreshToken);

/// <summary>Signing in the ways a browser and an API client do, and a clock the test moves.</summary>
public static partial class AccountTestKit
{
    /// <summary>The same app and database, reading the time from <paramref name="clock"/>.</summary>
    public static WebApplicationFactory<Program> WithClock(this TestApp app, FakeTimeProvider clock) =>
        app.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));

    public static FakeTimeProvider NewClock() => new(DateTimeOffset.UtcNow);

    public static HttpClient Client(this WebApplicationFactory<Program> factory, bool cookies = false) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = cookies });

    public static Task<HttpResponseMessage> RequestTokenAsync(this HttpClient client, string phone, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/token", new { phone, password });

    public static async Task<Tokens> TokensAsync(this HttpClient client, string phone, string password = TestApp.Password)
    {
        var response = await client.RequestTokenAsync(phone, password);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sign-in failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Tokens>())!;
    }

    public static HttpClient WithBearer(this HttpClient client, string accessToken)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>Fills in and posts the sign-in form, as a browser would.</summary>
    public static async Task<HttpResponseMessage> PostLoginFormAsync(this HttpClient browser, string phone, string password, string query = "")
    {
        var token = await AntiforgeryTokenAsync(browser, "/login" + query);
        return await browser.PostAsync("/login" + query, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Phone"] = phone, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
    }

    public static async Task<string> AntiforgeryTokenAsync(this HttpClient browser, string page)
    {
        var html = await browser.GetStringAsync(page);
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, $"No antiforgery field on {page}");
        return match.Groups[1].Value;
    }

    /// <summary>A problem document without its per-request trace id, to compare two answers byte for byte.</summary>
    public static async Task<string> ProblemWithoutTraceIdAsync(HttpResponseMessage response)
    {
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>Runs an account use case the way the app would, in its own scope.</summary>
    public static async Task WithAccountSecurityAsync(this TestApp app, Func<AccountSecurity, Task> action)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<AccountSecurity>());
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
