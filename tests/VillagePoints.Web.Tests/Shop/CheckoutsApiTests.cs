using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>
/// The checkouts API. Each test arranges a village whose households hold 100 effective points, a shop clerk, and
/// items: rice (30 points, 10 in stock), soap (5 points, 1 in stock) and a haircut voucher (20 points) of a merchant.
/// </summary>
public sealed class CheckoutsApiTests
{
    private sealed record Shop(TestApp App, ArrangedVillage V, HttpClient Clerk, string Path);

    private static async Task<Shop> ArrangeAsync(TestApp app, int households = 2)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, households);
        var clerk = await app.CreateUserAsync("超市管理员", TestApp.In(v, Role.ShopClerk));
        await using (var db = app.NewContext())
        {
            var posting = new LedgerPosting(db, TimeProvider.System);
            for (var n = 0; n < households; n++)
                await posting.PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[n], 100, EntryKind.Award, "打扫村道", SourceKinds.Committee,
                    State: EntryState.Effective));
            await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "rice", 30, 10);
            await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "soap", 5, 1);
            var barber = await ShopBuilder.AddMerchantAsync(db, v.VillageId, "barber");
            await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "haircut", 20, 5, ItemCategory.ServiceVoucher, barber.Id);
        }
        return new Shop(app, v, await app.ClientAsync(clerk.Phone), $"/api/v1/villages/{v.VillageCode}/shop/checkouts");
    }

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string url, string json, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static async Task<(int Checkouts, int Entries, int Movements)> WrittenAsync(Shop s)
    {
        await using var db = s.App.NewContext();
        return (await db.Checkouts.CountAsync(x => x.VillageId == s.V.VillageId),
            await db.LedgerEntries.CountAsync(e => e.VillageId == s.V.VillageId && e.Kind == EntryKind.Redemption),
            await db.StockMovements.CountAsync(m => m.VillageId == s.V.VillageId && m.Kind == StockMovementKind.Checkout));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_checkout_answers_201_with_the_receipt_its_points_balance_and_voucher_codes(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var s = await ArrangeAsync(app);

        var response = await s.Clerk.PostAsJsonAsync(s.Path,
            new { householdNo = 1, lines = new[] { new { itemCode = "rice", quantity = 2 }, new { itemCode = "haircut", quantity = 1 } } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal((1L, 80, 20L), (root.GetProperty("number").GetInt64(), root.GetProperty("pointsSpent").GetInt32(), root.GetProperty("balanceAfter").GetInt64()));
        Assert.Equal(["rice", "haircut"], root.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("itemCode").GetString()));
        var code = root.GetProperty("vouchers").EnumerateArray().Single().GetProperty("code").GetString();
        Assert.Equal(code, VoucherCodes.Normalise(code));
        Assert.Contains(root.GetProperty("outsideShopHours").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.Equal(BusinessCalendar.Today(TimeProvider.System).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            root.GetProperty("occurredOn").GetString());
        Assert.Equal($"{s.Path}/1", response.Headers.Location?.OriginalString);
        var again = await s.Clerk.GetFromJsonAsync<JsonElement>(response.Headers.Location);
        Assert.Equal(80, again.GetProperty("pointsSpent").GetInt32());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_cart_beyond_the_balance_or_the_stock_is_a_409_with_its_code_and_writes_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var s = await ArrangeAsync(app);

        var tooDear = await s.Clerk.PostAsJsonAsync(s.Path, new { householdNo = 1, lines = new[] { new { itemCode = "rice", quantity = 4 } } });
        var tooMany = await s.Clerk.PostAsJsonAsync(s.Path,
            new { householdNo = 1, lines = new[] { new { itemCode = "rice", quantity = 1 }, new { itemCode = "soap", quantity = 2 } } });

        Assert.Equal("balance.insufficient", await Problems.AssertProblemAsync(tooDear, HttpStatusCode.Conflict));
        Assert.Equal("stock.insufficient", await Problems.AssertProblemAsync(tooMany, HttpStatusCode.Conflict));
        Assert.Equal((0, 0, 0), await WrittenAsync(s));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bad_quantities_are_refused_with_a_4xx_and_write_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var s = await ArrangeAsync(app);

        foreach (var quantity in new[] { "0", "-1", "1000000000", "1000" })
        {
            var response = await PostRawAsync(s.Clerk, s.Path, $$"""{"householdNo":1,"lines":[{"itemCode":"rice","quantity":{{quantity}}}]}""");
            Assert.Equal("checkout.quantity-invalid", await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
        }
        foreach (var quantity in new[] { "\"1\"", "１", "10000000000", "1.5", "null" })
        {
            var response = await PostRawAsync(s.Clerk, s.Path, $$"""{"householdNo":1,"lines":[{"itemCode":"rice","quantity":{{quantity}}}]}""");
            Assert.Equal("request.malformed", await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest));
        }
        Assert.Equal((0, 0, 0), await WrittenAsync(s));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Unknown_items_empty_carts_other_villages_households_and_garbage_are_refused(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var s = await ArrangeAsync(app, households: 1);
        var other = await VillageBuilder.ArrangeAsync(app.Database, 5);

        var unknown = await s.Clerk.PostAsJsonAsync(s.Path, new { householdNo = 1, lines = new[] { new { itemCode = "caviar", quantity = 1 } } });
        var empty = await s.Clerk.PostAsJsonAsync(s.Path, new { householdNo = 1, lines = Array.Empty<object>() });
        var noHousehold = await s.Clerk.PostAsJsonAsync(s.Path, new { lines = new[] { new { itemCode = "rice", quantity = 1 } } });
        // Household 5 exists only in the other village.
        var elsewhere = await s.Clerk.PostAsJsonAsync(s.Path, new { householdNo = 5, lines = new[] { new { itemCode = "rice", quantity = 1 } } });
        var otherShop = await s.Clerk.PostAsJsonAsync($"/api/v1/villages/{other.VillageCode}/shop/checkouts",
            new { householdNo = 1, lines = new[] { new { itemCode = "rice", quantity = 1 } } });
        var garbage = await PostRawAsync(s.Clerk, s.Path, "\u0001{{not json at all]]");

        Assert.Equal("item.not-found", await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound));
        Assert.Equal("checkout.empty", await Problems.AssertProblemAsync(empty, HttpStatusCode.UnprocessableEntity));
        Assert.Equal("checkout.household-required", await Problems.AssertProblemAsync(noHousehold, HttpStatusCode.UnprocessableEntity));
        Assert.Equal("household.not-found", await Problems.AssertProblemAsync(elsewhere, HttpStatusCode.NotFound));
        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(otherShop, HttpStatusCode.NotFound));
        Assert.Equal("request.malformed", await Problems.AssertProblemAsync(garbage, HttpStatusCode.BadRequest));
        Assert.Equal((0, 0, 0), await WrittenAsync(s));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retry_with_the_same_Idempotency_Key_answers_the_first_receipt(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var s = await ArrangeAsync(app);
        const string body = """{"householdNo":1,"lines":[{"itemCode":"rice","quantity":1}]}""";

        var first = await PostRawAsync(s.Clerk, s.Path, body, key: "pos-1");
        var retry = await PostRawAsync(s.Clerk, s.Path, body, key: "pos-1");
        var changed = await PostRawAsync(s.Clerk, s.Path, body.Replace("\"quantity\":1", "\"quantity\":2", StringComparison.Ordinal), key: "pos-1");
        var badKey = await PostRawAsync(s.Clerk, s.Path, body, key: new string('k', 101));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode));
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt64(),
            (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt64());
        Assert.Equal("idempotency.conflict", await Problems.AssertProblemAsync(changed, HttpStatusCode.Conflict));
        Assert.Equal("idempotency.key-invalid", await Problems.AssertProblemAsync(badKey, HttpStatusCode.UnprocessableEntity));
        Assert.Equal((1, 1, 1), await WrittenAsync(s));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_cancellation_needs_a_reason_restores_the_points_and_happens_once(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var s = await ArrangeAsync(app);
        await s.Clerk.PostAsJsonAsync(s.Path, new { householdNo = 1, lines = new[] { new { itemCode = "rice", quantity = 3 } } });

        var noReason = await s.Clerk.PostAsJsonAsync($"{s.Path}/1/cancellation", new { reason = " " });
        var cancelled = await s.Clerk.PostAsJsonAsync($"{s.Path}/1/cancellation", new { reason = "户主改主意了" });
        var again = await s.Clerk.PostAsJsonAsync($"{s.Path}/1/cancellation", new { reason = "户主改主意了" });
        var missing = await s.Clerk.PostAsJsonAsync($"{s.Path}/99/cancellation", new { reason = "户主改主意了" });

        Assert.Equal("checkout.cancel-reason-required", await Problems.AssertProblemAsync(noReason, HttpStatusCode.UnprocessableEntity));
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var receipt = await cancelled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Cancelled", "户主改主意了"), (receipt.GetProperty("state").GetString(), receipt.GetProperty("cancelReason").GetString()));
        Assert.Equal("checkout.already-cancelled", await Problems.AssertProblemAsync(again, HttpStatusCode.Conflict));
        Assert.Equal("checkout.not-found", await Problems.AssertProblemAsync(missing, HttpStatusCode.NotFound));
        await using var db = app.NewContext();
        Assert.Equal(100, await db.HouseholdBalances.Where(b => b.VillageId == s.V.VillageId && b.HouseholdId == s.V.HouseholdIds[0])
            .Select(b => b.Total).SingleAsync());
        Assert.Equal(10, await db.ShopItems.Where(i => i.VillageId == s.V.VillageId && i.Code == "rice").Select(i => i.Stock).SingleAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_reads_only_their_own_households_receipts_and_others_without_the_shop_are_refused(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var s = await ArrangeAsync(app);
        await s.Clerk.PostAsJsonAsync(s.Path, new { householdNo = 1, lines = new[] { new { itemCode = "rice", quantity = 1 } } });
        await s.Clerk.PostAsJsonAsync(s.Path, new { householdNo = 2, lines = new[] { new { itemCode = "rice", quantity = 1 } } });
        var villager = await app.ClientAsync(TestApp.In(s.V, Role.Villager, householdNumber: 1));
        var gridWorker = await app.ClientAsync(TestApp.In(s.V, Role.GridWorker));

        var own = await villager.GetFromJsonAsync<List<JsonElement>>(s.Path);
        var ownByNumber = await villager.GetAsync($"{s.Path}?householdNo=1");
        var neighbours = await villager.GetAsync($"{s.Path}?householdNo=2");
        var neighboursReceipt = await villager.GetAsync($"{s.Path}/2");
        var villagerCheckout = await villager.PostAsJsonAsync(s.Path, new { householdNo = 1, lines = new[] { new { itemCode = "rice", quantity = 1 } } });
        var workerList = await gridWorker.GetAsync(s.Path);
        var workerReceipt = await gridWorker.GetAsync($"{s.Path}/1");
        var all = await s.Clerk.GetFromJsonAsync<List<JsonElement>>(s.Path);

        Assert.Equal([1L], own!.Select(c => c.GetProperty("number").GetInt64()));
        Assert.Equal(HttpStatusCode.OK, ownByNumber.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await villager.GetAsync($"{s.Path}/1")).StatusCode);
        Assert.Equal("household.not-found", await Problems.AssertProblemAsync(neighbours, HttpStatusCode.NotFound));
        Assert.Equal("checkout.not-found", await Problems.AssertProblemAsync(neighboursReceipt, HttpStatusCode.NotFound));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(villagerCheckout, HttpStatusCode.Forbidden));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(workerList, HttpStatusCode.Forbidden));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(workerReceipt, HttpStatusCode.Forbidden));
        Assert.Equal([2L, 1L], all!.Select(c => c.GetProperty("number").GetInt64()));
    }
}
