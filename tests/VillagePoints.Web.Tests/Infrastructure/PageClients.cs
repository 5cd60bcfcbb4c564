using System.Net;
using System.Text.RegularExpressions;
using VillagePoints.Core.Accounts;

namespace VillagePoints.Web.Tests.Infrastructure;

/// <summary>Browser-like clients for the pages: signed in through the login form, cookies kept, redirects not followed.</summary>
public static partial class PageClients
{
    /// <summary>A cookie client signed in as a new user with these roles.</summary>
    public static async Task<HttpClient> PageClientAsync(this TestApp app, string name, params RoleAssignment[] roles)
    {
        var user = await app.CreateUserAsync(name, roles);
        var client = app.Anonymous();
        var token = await FormTokenAsync(client, "/login");
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Phone"] = user.Phone,
            ["Password"] = TestApp.Password,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Sign-in through the form gave {(int)response.StatusCode}.");
        return client;
    }

    public static Task<HttpClient> PageClientAsync(this TestApp app, params RoleAssignment[] roles) => app.PageClientAsync("测试用户", roles);

    /// <summary>The antiforgery token a page's forms carry, as a browser would send it back.</summary>
    public static async Task<string> FormTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, $"{path} has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
