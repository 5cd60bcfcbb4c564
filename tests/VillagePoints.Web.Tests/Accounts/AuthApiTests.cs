using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Accounts;

public sealed partial class AuthApiTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Token_AcceptsPhoneTypedWithFullWidthDigitsAndSpaces(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var user = await app.CreateUserAsync("梁网格", TestApp.In(v, Role.GridWorker));
        var typed = string.Concat(user.Phone.Select(c => (char)(c - '0' + '０'))).Insert(3, " ").Insert(8, " ");

        var response = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { phone = typed, password = TestApp.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var client = await app.ClientAsync(user.Phone);
        var me = await client.GetFromJsonAsync<MeView>("/api/v1/me");
        Assert.Equal("梁网格", me!.DisplayName);
        Assert.Equal(v.VillageCode, Assert.Single(me.Roles).VillageCode);
        Assert.DoesNotContain(user.Phone, me.Phone, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginAttempts_BeyondTheRateLimit_AreRefusedWithProblemAndRetryAfter()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:LoginPerMinute"] = "3" });
        var client = app.Anonymous();
        for (var i = 0; i < 3; i++)
            await Problems.AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { phone = "13900000000", password = "x" }), HttpStatusCode.Unauthorized);

        var refused = await client.PostAsJsonAsync("/api/v1/auth/token", new { phone = "13900000000", password = "x" });

        Assert.Equal("login.rate-limited", await Problems.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests));
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(1), $"Retry-After was {refused.Headers.RetryAfter}");
        Assert.Contains("尝试次数过多，请 1 分钟后再试", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowingTheLoginForm_DoesNotUseUpTheRateLimit()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:LoginPerMinute"] = "2" });
        var client = app.Anonymous();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task Problem_SpeaksEnglish_WhenTheUserChoseEnglish()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var zh = await chair.GetAsync($"/api/v1/villages/{v.VillageCode}/households/99");
        var en = await chair.GetAsync($"/api/v1/villages/{v.VillageCode}/households/99?culture=en-US");

        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", await zh.Content.ReadAsStringAsync());
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", await en.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CookieSignedInWrite_WithoutAntiforgeryToken_IsRefused(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.CreateUserAsync("黄书记", TestApp.In(v, Role.CommitteeChair));
        var browser = app.Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

        var form = await browser.GetStringAsync("/login");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Phone"] = chair.Phone, ["Password"] = TestApp.Password, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/api/v1/villages/{v.VillageCode}/households/1")).StatusCode);

        var forged = await browser.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries", new { amount = 10, kind = "Award", reason = "伪造" });

        Assert.Equal("request.antiforgery", await Problems.AssertProblemAsync(forged, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task LoginForm_WithoutAntiforgeryToken_ShowsFriendlyChinesePage()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var browser = app.Factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["Phone"] = "13800000000", ["Password"] = "x" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"zh-CN\"", html, StringComparison.Ordinal);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", html);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
