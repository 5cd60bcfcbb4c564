using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>GET shop/funding and its page: who may read them, and the figures in camelCase JSON and on the page.</summary>
public sealed class FundingApiTests
{
    /// <summary>Two households with 120 and 80 effective points, 30 bags of rice bought at 40 yuan, 5 bottles of oil donated at 50 yuan.</summary>
    private static async Task<ArrangedVillage> ArrangeAsync(TestApp app)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, 2);
        var clerk = await app.CreateUserAsync("李美玲", TestApp.In(v, Role.ShopClerk));
        await using var db = app.NewContext();
        await new LedgerPosting(db, TimeProvider.System).PostBatchAsync(v.VillageId,
        [
            new PostEntry(v.VillageId, v.HouseholdIds[0], 120, EntryKind.Award, "打扫村道", SourceKinds.Committee, State: EntryState.Effective),
            new PostEntry(v.VillageId, v.HouseholdIds[1], 80, EntryKind.Award, "打扫村道", SourceKinds.Committee, State: EntryState.Effective),
        ]);
        var rice = await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "rice-5kg", 55, stock: 0);
        StockKeeping.Append(db, rice, new StockChange(StockMovementKind.Purchase, 30, clerk.Id, BusinessCalendar.Today(TimeProvider.System),
            CostFen: 30 * 4_000, Counterparty: "沙琅镇粮油批发部"), DateTimeOffset.UtcNow);
        var oil = await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "oil", 58, stock: 0);
        StockKeeping.Append(db, oil, new StockChange(StockMovementKind.Donation, 5, clerk.Id, BusinessCalendar.Today(TimeProvider.System),
            CostFen: 5 * 5_000, Counterparty: "沙琅镇商会"), DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
        return v;
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_committee_reads_the_funding_figures_in_camelCase(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeAsync(app);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var json = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/villages/{v.VillageCode}/shop/funding");

        Assert.Equal(200, json.GetProperty("pointsOutstanding").GetInt64());
        Assert.Equal(200, json.GetProperty("pointsOutstandingWithPublicised").GetInt64());
        Assert.Equal(30 * 4_000 + 5 * 5_000, json.GetProperty("stockValueFen").GetInt64());
        Assert.Equal(100, json.GetProperty("assumedFenPerPoint").GetInt64());
        var items = json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["DeclaredValue", "PurchaseCost"], items.Select(i => i.GetProperty("valuation").GetString()).Order());
        Assert.Equal(12, json.GetProperty("redemptions").GetArrayLength());
        var received = Assert.Single(json.GetProperty("received").EnumerateArray());
        Assert.Equal((30, 5), (received.GetProperty("purchasedUnits").GetInt64(), received.GetProperty("donatedUnits").GetInt64()));
        // 200 points are 20,000 fen; 145,000 fen of goods cover them.
        var answer = json.GetProperty("affordability");
        Assert.Equal((20_000, 725, true), (answer.GetProperty("owedFen").GetInt64(), answer.GetProperty("coverPercent").GetInt32(),
            answer.GetProperty("covered").GetBoolean()));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_and_the_town_read_it_a_villager_is_refused_and_another_village_does_not_exist(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeAsync(app);
        var other = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var url = $"/api/v1/villages/{v.VillageCode}/shop/funding";

        var clerk = await app.ClientAsync(TestApp.In(v, Role.ShopClerk));
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync(url)).StatusCode);
        var town = await app.ClientAsync(new RoleAssignment { Role = Role.TownViewer, TownId = v.TownId });
        Assert.Equal(HttpStatusCode.OK, (await town.GetAsync(url)).StatusCode);

        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, 1));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await villager.GetAsync(url), HttpStatusCode.Forbidden));
        var merchant = await app.ClientAsync(TestApp.In(v, Role.PartnerMerchant));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await merchant.GetAsync(url), HttpStatusCode.Forbidden));
        var foreignChair = await app.ClientAsync(TestApp.In(other, Role.CommitteeChair));
        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(await foreignChair.GetAsync(url), HttpStatusCode.NotFound));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_page_answers_the_question_with_its_bars_and_tables_and_the_village_page_links_to_it(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeAsync(app);
        var chair = await app.PageClientAsync(TestApp.In(v, Role.CommitteeChair));
        var worker = await app.PageClientAsync(TestApp.In(v, Role.GridWorker));
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, 1));

        var html = await chair.GetStringAsync($"/villages/{v.VillageCode}/shop/funding");

        Assert.Contains("积分超市资金保障", html, StringComparison.Ordinal);
        Assert.Contains("兑付得起", html, StringComparison.Ordinal);
        Assert.Contains("¥1,450", html, StringComparison.Ordinal);
        Assert.Contains("1 积分 = 1 元", html, StringComparison.Ordinal);
        Assert.Equal(12, html.Split("class=\"funding-bar\"").Length - 1);
        Assert.Contains("测试商品rice-5kg", html, StringComparison.Ordinal);
        Assert.Contains($"/villages/{v.VillageCode}/shop/funding\"", await chair.GetStringAsync($"/villages/{v.VillageCode}"), StringComparison.Ordinal);
        Assert.DoesNotContain("shop/funding", await worker.GetStringAsync($"/villages/{v.VillageCode}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await villager.GetAsync($"/villages/{v.VillageCode}/shop/funding")).StatusCode);
    }
}
