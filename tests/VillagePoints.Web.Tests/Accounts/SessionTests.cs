using System.Net;
using System.Net.Http.Json;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Accounts;

public sealed class SessionTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SavedCookie_AfterLogout_NoLongerSignsIn(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var browser = app.Factory.Client(cookies: true);
        var login = await browser.PostLoginFormAsync(user.Phone, TestApp.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var saved = app.Anonymous();
        saved.DefaultRequestHeaders.Add("Cookie", string.Join("; ", login.Headers.GetValues("Set-Cookie")
            .Where(c => c.StartsWith("vp.auth", StringComparison.Ordinal)).Select(c => c.Split(';')[0])));
        Assert.Equal(HttpStatusCode.OK, (await saved.GetAsync("/api/v1/me")).StatusCode);

        var token = await browser.AntiforgeryTokenAsync("/places");
        var logout = await browser.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await saved.GetAsync("/api/v1/me")).StatusCode);
        var page = await saved.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task LogoutApi_FromACookieSession_WithoutAntiforgeryToken_IsRefused(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var browser = app.Factory.Client(cookies: true);
        await browser.PostLoginFormAsync(user.Phone, TestApp.Password);

        var forged = await browser.PostAsync("/api/v1/auth/logout", null);

        Assert.Equal("request.antiforgery", await Problems.AssertProblemAsync(forged, HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task BearerToken_AfterTheAccountIsLocked_IsRefused_AndSignInFailsUntilUnlocked(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var client = app.Anonymous().WithBearer((await app.Anonymous().TokensAsync(user.Phone)).AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        await app.WithAccountSecurityAsync(s => s.LockAsync(user.Id, TimeSpan.FromHours(1)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal("login.failed", await Problems.AssertProblemAsync(
            await app.Anonymous().RequestTokenAsync(user.Phone, TestApp.Password), HttpStatusCode.Unauthorized));
        await app.WithAccountSecurityAsync(s => s.UnlockAsync(user.Id));
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().RequestTokenAsync(user.Phone, TestApp.Password)).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RefreshToken_IssuesANewWorkingBearerToken_ButAnAccessTokenIsNoRefreshToken(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var tokens = await app.Anonymous().TokensAsync(user.Phone);

        var refreshed = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken });
        var misused = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.AccessToken });

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var fresh = (await refreshed.Content.ReadFromJsonAsync<Tokens>())!;
        var me = await app.Anonymous().WithBearer(fresh.AccessToken).GetFromJsonAsync<MeView>("/api/v1/me");
        Assert.Equal("林委员", me!.DisplayName);
        Assert.Equal("login.refresh-failed", await Problems.AssertProblemAsync(misused, HttpStatusCode.Unauthorized));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task LogoutApi_EndsTheBearerToken_AndItsRefreshToken(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var tokens = await app.Anonymous().TokensAsync(user.Phone);
        var client = app.Anonymous().WithBearer(tokens.AccessToken);

        var logout = await client.PostAsync("/api/v1/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal("login.refresh-failed", await Problems.AssertProblemAsync(
            await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken }), HttpStatusCode.Unauthorized));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PasswordChange_EndsOtherSessions_AndOnlyTheNewPasswordSignsIn(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var laptop = app.Anonymous().WithBearer((await app.Anonymous().TokensAsync(user.Phone)).AccessToken);
        var phone = app.Anonymous().WithBearer((await app.Anonymous().TokensAsync(user.Phone)).AccessToken);
        const string NewPassword = "Another@Passw0rd";

        var wrongCurrent = await laptop.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = "not-it", newPassword = NewPassword });
        var changed = await laptop.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = TestApp.Password, newPassword = NewPassword });

        Assert.Equal("password.current-wrong", await Problems.AssertProblemAsync(wrongCurrent, HttpStatusCode.UnprocessableEntity));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var laptopAgain = app.Anonymous().WithBearer((await changed.Content.ReadFromJsonAsync<Tokens>())!.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await laptopAgain.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().RequestTokenAsync(user.Phone, TestApp.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().RequestTokenAsync(user.Phone, NewPassword)).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RemovingARole_EndsTheAccountsSessions(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var user = await app.CreateUserAsync("梁网格", TestApp.In(v, Role.GridWorker), TestApp.In(v, Role.ReviewGroup));
        var client = app.Anonymous().WithBearer((await app.Anonymous().TokensAsync(user.Phone)).AccessToken);

        await app.WithAccountSecurityAsync(s => s.RemoveRoleAsync(user.Roles.Single(r => r.Role == Role.ReviewGroup).Id));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        var again = app.Anonymous().WithBearer((await app.Anonymous().TokensAsync(user.Phone)).AccessToken);
        var me = await again.GetFromJsonAsync<MeView>("/api/v1/me");
        Assert.Equal(nameof(Role.GridWorker), Assert.Single(me!.Roles).Role);
    }
}
