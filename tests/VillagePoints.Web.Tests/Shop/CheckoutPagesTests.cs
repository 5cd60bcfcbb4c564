using System.Net;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>
/// The point of sale as a browser without JavaScript uses it: plain GETs and form posts. The arranged village's households
/// hold 100 effective points; the shop has rice (30 points, 10 in stock) and oil (50 points, 1 in stock).
/// </summary>
public sealed class CheckoutPagesTests
{
    private sealed record Counter(TestApp App, ArrangedVillage V, HttpClient Clerk, string Path);

    private static async Task<Counter> ArrangeAsync(TestApp app)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, 12);
        var keeper = await app.CreateUserAsync("库管", TestApp.In(v, Role.ShopClerk));
        await using (var db = app.NewContext())
        {
            var posting = new LedgerPosting(db, TimeProvider.System);
            foreach (var id in v.HouseholdIds)
                await posting.PostAsync(new PostEntry(v.VillageId, id, 100, EntryKind.Award, "打扫村道", SourceKinds.Committee, State: EntryState.Effective));
            await ShopBuilder.AddItemAsync(db, v.VillageId, keeper.Id, "rice", 30, 10);
            await ShopBuilder.AddItemAsync(db, v.VillageId, keeper.Id, "oil", 50, 1);
        }
        var clerk = await app.PageClientAsync("王收银", TestApp.In(v, Role.ShopClerk));
        return new Counter(app, v, clerk, $"/villages/{v.VillageCode}/shop/checkout");
    }

    private static async Task<HttpResponseMessage> PostFormAsync(Counter c, string handler, params (string Name, string Value)[] fields)
    {
        var token = await PageClients.FormTokenAsync(c.Clerk, $"{c.Path}?household=1");
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token));
        return await c.Clerk.PostAsync($"{c.Path}?handler={handler}", new FormUrlEncodedContent(form));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_counter_opens_a_household_from_a_scanned_door_card_or_a_typed_number(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var c = await ArrangeAsync(app);

        var scanned = await c.Clerk.GetAsync($"{c.Path}?q={Uri.EscapeDataString($"https://points.example.cn/villages/{c.V.VillageCode}/door/12")}");
        var fullWidth = await c.Clerk.GetAsync($"{c.Path}?q={Uri.EscapeDataString("０００５")}");
        var missing = await c.Clerk.GetStringAsync($"{c.Path}?q=0099");
        var byName = await c.Clerk.GetStringAsync($"{c.Path}?q={Uri.EscapeDataString("测试户1")}");
        var opened = await c.Clerk.GetStringAsync($"{c.Path}?household=12");

        Assert.Equal((HttpStatusCode.Redirect, $"{c.Path}?household=12"), (scanned.StatusCode, scanned.Headers.Location?.OriginalString));
        Assert.Equal($"{c.Path}?household=5", fullWidth.Headers.Location?.OriginalString);
        Assert.Contains("找不到这户", missing, StringComparison.Ordinal);
        Assert.Contains($"{c.Path}?household=10", byName, StringComparison.Ordinal);
        Assert.Contains("测试户12", opened, StringComparison.Ordinal);
        Assert.Contains("可兑换积分", opened, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await c.Clerk.GetAsync($"{c.Path}?household=99")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Without_javascript_the_clerk_fills_the_cart_checks_the_summary_confirms_and_gets_the_receipt(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var c = await ArrangeAsync(app);

        var plus = await PostFormAsync(c, "Cart", ("household", "1"), ("qty[rice]", "1"), ("step", "plus:rice"));
        var plusHtml = await plus.Content.ReadAsStringAsync();
        var review = await PostFormAsync(c, "Cart", ("household", "1"), ("qty[rice]", "２"), ("qty[oil]", ""), ("step", "review"));
        var reviewHtml = await review.Content.ReadAsStringAsync();
        var confirm = await PostFormAsync(c, "Confirm", ("household", "1"), ("qty[rice]", "2"), ("FormKey", "abc123"));

        Assert.Contains("id=\"qty-rice\" name=\"qty[rice]\" value=\"2\"", plusHtml, StringComparison.Ordinal);
        Assert.Contains("请核对后确认", reviewHtml, StringComparison.Ordinal);
        Assert.Contains("id=\"summary-total\">60<", reviewHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        var receiptPath = confirm.Headers.Location!.OriginalString;
        Assert.Equal($"/villages/{c.V.VillageCode}/shop/checkouts/1?done=1", receiptPath);
        var receipt = await c.Clerk.GetStringAsync(receiptPath);
        Assert.Contains("id=\"points-spent\">60<", receipt, StringComparison.Ordinal);
        Assert.Contains("id=\"balance-after\">40<", receipt, StringComparison.Ordinal);
        var slip = await c.Clerk.GetStringAsync($"/villages/{c.V.VillageCode}/shop/checkouts/1/print?paper=58mm");
        Assert.Contains("receipt-58mm.css", slip, StringComparison.Ordinal);
        Assert.Contains("测试村", slip, StringComparison.Ordinal);
        var a4 = await c.Clerk.GetStringAsync($"/villages/{c.V.VillageCode}/shop/checkouts/1/print?paper=a4");
        Assert.DoesNotContain("receipt-58mm.css", a4, StringComparison.Ordinal);
        // The same form sent again (a double tap) is the same checkout.
        var twice = await PostFormAsync(c, "Confirm", ("household", "1"), ("qty[rice]", "2"), ("FormKey", "abc123"));
        Assert.Equal(receiptPath, twice.Headers.Location!.OriginalString);
        await using var db = app.NewContext();
        Assert.Equal(1, await db.Checkouts.CountAsync(x => x.VillageId == c.V.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_refused_checkout_says_why_beside_the_cart_in_chinese_and_writes_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var c = await ArrangeAsync(app);

        var dear = await PostFormAsync(c, "Confirm", ("household", "1"), ("qty[rice]", "4"), ("FormKey", "k1"));
        var dearHtml = await dear.Content.ReadAsStringAsync();
        var short_ = await PostFormAsync(c, "Cart", ("household", "1"), ("qty[oil]", "2"), ("step", "review"));
        var shortHtml = await short_.Content.ReadAsStringAsync();
        var typo = await PostFormAsync(c, "Cart", ("household", "1"), ("qty[rice]", "两"), ("step", "review"));

        Assert.Equal(HttpStatusCode.OK, dear.StatusCode);
        Assert.Contains("余额不足", dearHtml, StringComparison.Ordinal);
        Assert.Contains("库存不足，只剩 1 袋", shortHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("请核对后确认", shortHtml, StringComparison.Ordinal);
        Assert.Contains("数量要填 1 到 999 之间的整数", await typo.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(0, await db.Checkouts.CountAsync(x => x.VillageId == c.V.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_cancels_todays_checkout_with_a_reason_after_a_confirmation_step(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var c = await ArrangeAsync(app);
        await PostFormAsync(c, "Confirm", ("household", "1"), ("qty[rice]", "1"), ("FormKey", "k2"));
        var receiptPath = $"/villages/{c.V.VillageCode}/shop/checkouts/1";

        var list = await c.Clerk.GetStringAsync($"/villages/{c.V.VillageCode}/shop/checkouts");
        var ask = await c.Clerk.GetStringAsync($"{receiptPath}?cancel=true");
        var token = await PageClients.FormTokenAsync(c.Clerk, $"{receiptPath}?cancel=true");
        var noReason = await c.Clerk.PostAsync($"{receiptPath}?handler=Cancel", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Reason"] = "", ["FormKey"] = "c1", ["__RequestVerificationToken"] = token,
        }));
        var done = await c.Clerk.PostAsync($"{receiptPath}?handler=Cancel", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Reason"] = "拿错了", ["FormKey"] = "c2", ["__RequestVerificationToken"] = token,
        }));

        Assert.Contains($"{receiptPath}?cancel=true", list, StringComparison.Ordinal);
        Assert.Contains("确认撤销", ask, StringComparison.Ordinal);
        Assert.Contains("请写明撤销原因", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Redirect, receiptPath), (done.StatusCode, done.Headers.Location?.OriginalString));
        Assert.Contains("已撤销", await c.Clerk.GetStringAsync(receiptPath), StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(10, await db.ShopItems.Where(i => i.VillageId == c.V.VillageId && i.Code == "rice").Select(i => i.Stock).SingleAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_reservation_opened_at_the_counter_shows_its_lines_and_is_checked_out_as_reserved(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var c = await ArrangeAsync(app);
        await using (var db = app.NewContext())
        {
            var rice = await db.ShopItems.SingleAsync(i => i.VillageId == c.V.VillageId && i.Code == "rice");
            rice.Reserved = 2;
            var id = VillagePoints.Core.Data.Ids.New();
            var villager = await app.CreateUserAsync("李村民", TestApp.In(c.V, Role.Villager, householdNumber: 3));
            db.Reservations.Add(new Reservation
            {
                VillageId = c.V.VillageId, Id = id, Number = 4, HouseholdId = c.V.HouseholdIds[2], State = ReservationState.Reserved,
                ReservedBy = villager.Id, ReservedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(2),
                Lines = [new ReservationLine { VillageId = c.V.VillageId, ReservationId = id, LineNo = 1, ItemId = rice.Id, Quantity = 2, UnitPoints = 30 }],
            });
            await db.SaveChangesAsync();
        }

        var pickup = await c.Clerk.GetStringAsync($"{c.Path}?reservation=4");
        var token = await PageClients.FormTokenAsync(c.Clerk, $"{c.Path}?reservation=4");
        var confirm = await c.Clerk.PostAsync($"{c.Path}?handler=Confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["household"] = "3", ["reservation"] = "4", ["FormKey"] = "p1", ["__RequestVerificationToken"] = token,
        }));

        Assert.Contains("预约取货 #4", pickup, StringComparison.Ordinal);
        Assert.Contains("测试户3", pickup, StringComparison.Ordinal);
        Assert.Contains("id=\"summary-total\">60<", pickup, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        Assert.Contains("id=\"points-spent\">60<", await c.Clerk.GetStringAsync(confirm.Headers.Location!.OriginalString), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await c.Clerk.GetAsync($"{c.Path}?reservation=99")).StatusCode);
        await using var read = app.NewContext();
        var after = await read.ShopItems.SingleAsync(i => i.VillageId == c.V.VillageId && i.Code == "rice");
        Assert.Equal((8, 0), (after.Stock, after.Reserved));
    }
}
