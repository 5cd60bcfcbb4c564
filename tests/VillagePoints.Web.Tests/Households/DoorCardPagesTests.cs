using System.Net;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Households;

/// <summary>Door cards with their QR codes, where a scanned code leads each role, the clerk's lookup and the merchant's page.</summary>
public sealed class DoorCardPagesTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_chair_prints_one_card_per_household_with_a_QR_code_holding_its_door_link(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        var chair = await app.PageClientAsync(TestApp.In(v, Role.CommitteeChair));
        var worker = await app.PageClientAsync(TestApp.In(v, Role.GridWorker));

        var html = await chair.GetStringAsync($"/villages/{v.VillageCode}/households/door-cards");
        var grouped = await chair.GetStringAsync($"/villages/{v.VillageCode}/households/door-cards?group=1");

        Assert.Equal(3, html.Split("class=\"door-card\"").Length - 1);
        Assert.Equal(3, html.Split("<svg role=\"img\"").Length - 1);
        Assert.Contains("0003", html, StringComparison.Ordinal);
        Assert.Contains("测试户2", html, StringComparison.Ordinal);
        Assert.Contains("role=\"img\"", html, StringComparison.Ordinal);
        Assert.Contains("@media print", await chair.GetStringAsync("/css/site.css"), StringComparison.Ordinal);
        Assert.Equal(3, grouped.Split("class=\"door-card\"").Length - 1);
        Assert.Contains($"/villages/{v.VillageCode}/households/door-cards\"", await chair.GetStringAsync($"/villages/{v.VillageCode}"), StringComparison.Ordinal);
        Assert.DoesNotContain("door-cards", await worker.GetStringAsync($"/villages/{v.VillageCode}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await worker.GetAsync($"/villages/{v.VillageCode}/households/door-cards")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_scanned_door_card_leads_each_role_to_its_work_for_that_household(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        var door = $"/villages/{v.VillageCode}/door/2";

        async Task<string?> Lands(HttpClient client)
        {
            var response = await client.GetAsync(door);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return response.Headers.Location?.OriginalString;
        }

        Assert.Equal($"/villages/{v.VillageCode}/patrol/2", await Lands(await app.PageClientAsync(TestApp.In(v, Role.GridWorker))));
        Assert.Equal($"/villages/{v.VillageCode}/patrol/2", await Lands(await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember))));
        Assert.Equal($"/villages/{v.VillageCode}/claims/recommend?household=2", await Lands(await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1))));
        Assert.Equal($"/villages/{v.VillageCode}/claims/new", await Lands(await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 2))));
        var anonymous = await Lands(app.Anonymous());
        Assert.StartsWith("/login", anonymous, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString(door), anonymous, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.PageClientAsync(TestApp.In(v, Role.GridWorker))).GetAsync($"/villages/{v.VillageCode}/door/99")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_shop_clerk_looks_up_a_household_and_sees_its_name_number_and_balance_only(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 2);
        await using (var db = app.NewContext())
            await new LedgerPosting(db, TimeProvider.System).PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[1], 120, EntryKind.BaseGrant, "基础分",
                SourceKinds.Opening, State: EntryState.Effective));
        var clerk = await app.PageClientAsync(TestApp.In(v, Role.ShopClerk));
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        var html = await clerk.GetStringAsync($"/villages/{v.VillageCode}/households/lookup?q=0002");

        Assert.Contains("测试户2", html, StringComparison.Ordinal);
        Assert.Contains("积分 120", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/households/2\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("成员", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await villager.GetAsync($"/villages/{v.VillageCode}/households/lookup?q=0002")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_partner_merchant_has_an_honest_page_of_their_own(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var merchant = await app.PageClientAsync("村口超市", TestApp.In(v, Role.PartnerMerchant));

        var html = await merchant.GetStringAsync($"/villages/{v.VillageCode}/merchant");

        Assert.Contains("村口超市", html, StringComparison.Ordinal);
        Assert.Contains("合作商户", html, StringComparison.Ordinal);
        // Until the shop links this login to a merchant, the page says so instead of offering to honour anything.
        Assert.Contains("还没有关联商户", html, StringComparison.Ordinal);
        Assert.DoesNotContain("查验", html, StringComparison.Ordinal);
        Assert.DoesNotContain("测试户", html, StringComparison.Ordinal);
    }
}
