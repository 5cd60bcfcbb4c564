using System.Net;
using VillagePoints.Core.Data;
using VillagePoints.Core.Accounts;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Accounts;

/// <summary>Each role lands where its work is, and the header says who is signed in and as what.</summary>
public sealed class LandingAndHeaderTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EachRole_LandsWhereItsWorkIs(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var b = await VillageBuilder.ArrangeAsync(app.Database, 1);

        async Task<string?> LandingOf(params RoleAssignment[] roles)
        {
            var client = await app.PageClientAsync(roles);
            var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return response.Headers.Location?.OriginalString;
        }

        var villagePage = $"/villages/{a.VillageCode}";
        Assert.Equal("/my", await LandingOf(TestApp.In(a, Role.Villager, householdNumber: 1)));
        foreach (var (cadre, work) in new[] { (Role.CommitteeChair, "/review"), (Role.CommitteeMember, "/review"), (Role.ReviewGroup, "/review"),
                     (Role.GridWorker, "/patrol"), (Role.ShopClerk, "/shop/checkout"), (Role.PartnerMerchant, "/merchant") })
            Assert.True(await LandingOf(TestApp.In(a, cadre)) == villagePage + work, $"{cadre} of one village should land on {villagePage}{work}.");
        Assert.Equal(villagePage + "/patrol", await LandingOf(TestApp.In(a, Role.Villager, householdNumber: 1), TestApp.In(a, Role.GridWorker)));
        Assert.Equal(villagePage + "/review", await LandingOf(TestApp.In(a, Role.GridWorker), TestApp.In(a, Role.CommitteeMember)));
        Assert.Equal("/places", await LandingOf(TestApp.In(a, Role.CommitteeMember), TestApp.In(b, Role.ShopClerk)));
        Assert.Equal("/places", await LandingOf(new RoleAssignment { Role = Role.TownViewer, TownId = a.TownId }));
        Assert.Equal("/places", await LandingOf(new RoleAssignment { Role = Role.DistrictViewer, DistrictId = a.DistrictId }));
        Assert.Equal("/places", await LandingOf(new RoleAssignment { Role = Role.Administrator }));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VillagePage_ForAMerchant_ShowsTheVillagesFigures_ButNoRegister(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 2);
        var merchant = await app.PageClientAsync(TestApp.In(a, Role.PartnerMerchant));

        var response = await merchant.GetAsync($"/villages/{a.VillageCode}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("测试村", html, StringComparison.Ordinal);
        Assert.DoesNotContain("测试户", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"q\"", html, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Header_ShowsTheNameAndTheRole_InTheUsersLanguage(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.PageClientAsync("陈秀梅", TestApp.In(a, Role.Villager, householdNumber: 1), TestApp.In(a, Role.CommitteeMember));

        var zh = await member.GetStringAsync("/my");
        var en = await member.GetStringAsync("/my?culture=en-US&ui-culture=en-US");

        Assert.Contains("<span class=\"who-name\">陈秀梅</span>", zh, StringComparison.Ordinal);
        Assert.Contains("<span class=\"who-role\">评分委员会委员</span>", zh, StringComparison.Ordinal);
        Assert.Contains("<span class=\"who-role\">Committee member</span>", en, StringComparison.Ordinal);
        Assert.Contains("action=\"/logout\"", zh, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordForm_WithADecimalAmount_SaysSoInChinese(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.PageClientAsync(TestApp.In(a, Role.CommitteeMember));
        var path = $"/villages/{a.VillageCode}/households/1";

        // The form's first step: checking what will be written, which the browser sends as a GET.
        var response = await member.GetAsync($"{path}?handler=Preview&FormKey=0123456789abcdef0123456789abcdef&Kind=Award"
            + $"&Amount=10.5&Reason={Uri.EscapeDataString("清理卫生死角")}");
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<a href=\"#record-amount\">“10.5”无效，请按提示填写。</a>", html, StringComparison.Ordinal);
        Assert.Contains("<span id=\"record-amount-error\" class=\"field-error\">“10.5”无效，请按提示填写。</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("is not valid for", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"confirm\"", html, StringComparison.Ordinal);
    }
}
