using System.Net;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Accounts;

public sealed class SignInFailureTests
{
    private const string Wrong = "wrong-password";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FailedSignIn_AnswersTheSame_ForAnUnknownPhone_AWrongPassword_AndAnAccountInItsDelay(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var owner = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var client = app.Anonymous();

        var unknownPhone = await client.RequestTokenAsync("13900000000", Wrong);
        var wrongPassword = await client.RequestTokenAsync(owner.Phone, Wrong);
        for (var i = 1; i < PasswordLogin.FreeFailures; i++)
            await client.RequestTokenAsync(owner.Phone, Wrong);
        var inDelay = await client.RequestTokenAsync(owner.Phone, Wrong);
        var rightPasswordInDelay = await client.RequestTokenAsync(owner.Phone, TestApp.Password);

        Assert.Equal("login.failed", await Problems.AssertProblemAsync(unknownPhone, HttpStatusCode.Unauthorized));
        var expected = await AccountTestKit.ProblemWithoutTraceIdAsync(unknownPhone);
        foreach (var (name, response) in new[] { ("wrong password", wrongPassword), ("in delay", inDelay), ("right password in delay", rightPasswordInDelay) })
        {
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode}");
            Assert.Equal(unknownPhone.Content.Headers.ContentType, response.Content.Headers.ContentType);
            Assert.Equal(expected, await AccountTestKit.ProblemWithoutTraceIdAsync(response));
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FailedSignIn_TakesAboutAsLong_ForAnUnknownPhone_AWrongPassword_AndAnAccountInItsDelay(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var owner = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var delayed = await app.CreateUserAsync("陈委员", new RoleAssignment { Role = Role.Administrator });
        var client = app.Anonymous();
        for (var i = 0; i < PasswordLogin.FreeFailures; i++)
            await client.RequestTokenAsync(delayed.Phone, Wrong);
        await client.RequestTokenAsync("13900000000", Wrong);

        // Medians of several tries, and a wide margin: the machine is shared, but skipping the hash was 50 times faster.
        var unknownPhone = await MedianAsync(() => client.RequestTokenAsync("13900000000", Wrong));
        var wrongPassword = await MedianAsync(() => client.RequestTokenAsync(owner.Phone, Wrong), tries: PasswordLogin.FreeFailures - 1);
        var inDelay = await MedianAsync(() => client.RequestTokenAsync(delayed.Phone, TestApp.Password));

        Assert.True(unknownPhone * 3 > wrongPassword, $"unknown phone {unknownPhone} vs wrong password {wrongPassword}");
        Assert.True(inDelay * 3 > wrongPassword, $"in delay {inDelay} vs wrong password {wrongPassword}");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ParallelGuesses_AreCheckedNoFasterThanOneAtATime_OnceTheFreeFailuresAreUsed(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var owner = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var client = app.Anonymous();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4 * PasswordLogin.FreeFailures).Select(_ => client.RequestTokenAsync(owner.Phone, Wrong)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        await using var db = app.NewContext();
        var checkedGuesses = db.UserAccounts.Single(u => u.Id == owner.Id).FailedLoginCount;
        Assert.InRange(checkedGuesses, 1, PasswordLogin.FreeFailures);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RightPassword_AfterTheDelay_SignsIn(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var owner = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var clock = AccountTestKit.NewClock();
        var client = app.WithClock(clock).Client();
        for (var i = 0; i < PasswordLogin.FreeFailures; i++)
            await client.RequestTokenAsync(owner.Phone, Wrong);

        var during = await client.RequestTokenAsync(owner.Phone, TestApp.Password);
        clock.Advance(PasswordLogin.FirstDelay + TimeSpan.FromSeconds(1));
        var after = await client.RequestTokenAsync(owner.Phone, TestApp.Password);

        Assert.Equal("login.failed", await Problems.AssertProblemAsync(during, HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FloodOfWrongPasswords_KeepsTheOwnerOutForOneDelayAtMost(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var owner = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var clock = AccountTestKit.NewClock();
        var attacker = app.WithClock(clock).Client();
        for (var i = 0; i < PasswordLogin.FreeFailures * 6; i++)
            await attacker.RequestTokenAsync(owner.Phone, Wrong);

        clock.Advance(PasswordLogin.DelayAfter(PasswordLogin.FreeFailures) + TimeSpan.FromSeconds(1));
        var owners = await app.WithClock(clock).Client().RequestTokenAsync(owner.Phone, TestApp.Password);

        Assert.Equal(HttpStatusCode.OK, owners.StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EachWrongPasswordAfterADelay_DoublesTheNextDelay(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var owner = await app.CreateUserAsync("林委员", new RoleAssignment { Role = Role.Administrator });
        var clock = AccountTestKit.NewClock();
        var client = app.WithClock(clock).Client();
        for (var i = 0; i < PasswordLogin.FreeFailures; i++)
            await client.RequestTokenAsync(owner.Phone, Wrong);
        clock.Advance(PasswordLogin.FirstDelay + TimeSpan.FromSeconds(1));
        await client.RequestTokenAsync(owner.Phone, Wrong);

        clock.Advance(PasswordLogin.FirstDelay + TimeSpan.FromSeconds(1));
        var afterOneDelay = await client.RequestTokenAsync(owner.Phone, TestApp.Password);
        clock.Advance(PasswordLogin.FirstDelay);
        var afterTwoDelays = await client.RequestTokenAsync(owner.Phone, TestApp.Password);

        Assert.Equal("login.failed", await Problems.AssertProblemAsync(afterOneDelay, HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, afterTwoDelays.StatusCode);
    }

    private static async Task<TimeSpan> MedianAsync(Func<Task<HttpResponseMessage>> attempt, int tries = 5)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < tries; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var response = await attempt();
            times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        return times.Order().ElementAt(tries / 2);
    }

    [Fact]
    public void Delay_StartsAfterTheFreeFailures_AndNeverExceedsTheLongest()
    {
        Assert.Equal(TimeSpan.Zero, PasswordLogin.DelayAfter(PasswordLogin.FreeFailures - 1));
        Assert.Equal(PasswordLogin.FirstDelay, PasswordLogin.DelayAfter(PasswordLogin.FreeFailures));
        Assert.Equal(PasswordLogin.FirstDelay * 2, PasswordLogin.DelayAfter(PasswordLogin.FreeFailures + 1));
        Assert.Equal(PasswordLogin.LongestDelay, PasswordLogin.DelayAfter(int.MaxValue));
    }

    [Fact]
    public async Task LoginPage_WrongPassword_SaysWhatFailedAndHowLongToWait_InChinese()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var browser = app.Factory.Client(cookies: true);

        var response = await browser.PostLoginFormAsync("13900000000", Wrong);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"如果已经连续输错 {PasswordLogin.FreeFailures} 次，请等 {PasswordLogin.LongestDelay.TotalMinutes} 分钟再试", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_BeyondTheRateLimit_ShowsTheFormAgain_WithAChineseMessageAndRetryAfter()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:LoginPerMinute"] = "1" });
        var browser = app.Factory.Client(cookies: true);
        Assert.Equal(HttpStatusCode.OK, (await browser.PostLoginFormAsync("13900000000", Wrong)).StatusCode);

        var refused = await browser.PostLoginFormAsync("13900000000", Wrong);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After was {refused.Headers.RetryAfter}");
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"zh-CN\"", html, StringComparison.Ordinal);
        Assert.Contains("尝试次数过多，请 1 分钟后再试。", html, StringComparison.Ordinal);
        Assert.Contains("name=\"Password\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"status\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_BeyondTheRateLimit_SpeaksEnglish_WhenTheUserChoseEnglish()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:LoginPerMinute"] = "1" });
        var browser = app.Factory.Client(cookies: true);
        await browser.PostLoginFormAsync("13900000000", Wrong, "?culture=en-US");

        var refused = await browser.PostLoginFormAsync("13900000000", Wrong, "?culture=en-US");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many sign-in attempts. Please try again in 1 minute(s).", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
