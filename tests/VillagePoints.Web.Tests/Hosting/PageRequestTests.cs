using System.Net;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>Odd but possible page requests end on a clear page in the user's language, never a 500.</summary>
public sealed class PageRequestTests
{
    private const string CannotSubmit = "这个页面不能这样提交";
    private const string NotAllowed = "你的账号没有权限查看这个页面";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AFormPostedToAPageWithoutAHandler_Is405_OnTheFriendlyPage(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.CreateUserAsync("黄书记", TestApp.In(v, Role.CommitteeChair));
        var visitor = PageVisitor.For(app.Factory);
        await visitor.SignInAsync(chair.Phone, TestApp.Password);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/villages/{v.VillageCode}")).StatusCode);

        foreach (var page in new[] { $"/villages/{v.VillageCode}", $"/villages/{v.VillageCode}/households/1", "/my", "/places" })
        {
            var response = await visitor.PostFormAsync(page, new Dictionary<string, string> { ["anything"] = "1" });

            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, $"POST {page}: {(int)response.StatusCode}");
            Assert.Contains(CannotSubmit, html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task Preferences_WithAnUnsafeReturnAddress_GoHome(string returnUrl)
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var visitor = PageVisitor.For(app.Factory);
        await visitor.GetAsync("/login");

        var response = await visitor.PostFormAsync("/preferences", new Dictionary<string, string> { ["elder"] = "1", ["returnUrl"] = returnUrl });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Preferences_ReturnToTheLocalPageTheyWereChangedOn()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var visitor = PageVisitor.For(app.Factory);
        await visitor.GetAsync("/login");

        var response = await visitor.PostFormAsync("/preferences", new Dictionary<string, string> { ["elder"] = "1", ["returnUrl"] = "/login?ReturnUrl=%2Fmy" });

        Assert.Equal("/login?ReturnUrl=%2Fmy", response.Headers.Location!.OriginalString);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AVillagerDeniedAPageWrite_LandsOnTheFriendly403Page(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var villager = await app.CreateUserAsync("罗大妈", TestApp.In(v, Role.Villager, householdNumber: 1));
        var visitor = PageVisitor.For(app.Factory);
        await visitor.SignInAsync(villager.Phone, TestApp.Password);
        var household = $"/villages/{v.VillageCode}/households/1";
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(household)).StatusCode);

        var denied = await visitor.PostFormAsync(household + "?handler=Record",
            new Dictionary<string, string> { ["Amount"] = "100", ["Kind"] = "Award", ["Reason"] = "自己加分", ["FormKey"] = "abc123" });
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        var landing = await visitor.GetAsync(denied.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Forbidden, landing.StatusCode);
        Assert.Contains(NotAllowed, await landing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
