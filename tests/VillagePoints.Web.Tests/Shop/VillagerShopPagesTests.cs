using System.Net;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;
using static VillagePoints.Web.Tests.Shop.ReservationTestKit;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>The villager's side of the shop without JavaScript: browse, reserve, cancel; receipts and vouchers; the clerk's pickup list.</summary>
public sealed class VillagerShopPagesTests
{
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, Dictionary<string, string> fields, string? tokenFrom = null)
    {
        fields["__RequestVerificationToken"] = await PageClients.FormTokenAsync(client, tokenFrom ?? page);
        return await client.PostAsync(page, new FormUrlEncodedContent(fields));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_browses_the_shop_reserves_with_the_form_and_cancels_from_their_list(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var villager = await app.PageClientAsync("王建国", TestApp.In(v, Role.Villager, householdNumber: 1));
        var shop = $"/villages/{v.VillageCode}/shop";

        var html = await villager.GetStringAsync(shop);
        Assert.Contains("营业时间", html, StringComparison.Ordinal);
        Assert.Contains("0001 号户可用积分", html, StringComparison.Ordinal);
        Assert.Contains("取货时才扣除", html, StringComparison.Ordinal);
        Assert.Contains("可兑换", html, StringComparison.Ordinal);
        Assert.Contains("积分不足", html, StringComparison.Ordinal);
        Assert.Contains("已兑完", html, StringComparison.Ordinal);
        Assert.Contains("服务券请到超市柜台兑换", html, StringComparison.Ordinal);
        Assert.Contains("id=\"reserve-rice\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"reserve-haircut\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"reserve-caviar\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"reserve-salt-gone\"", html, StringComparison.Ordinal);

        var fields = new Dictionary<string, string> { ["FormKey"] = "reserve1", ["ItemCode"] = "rice", ["Quantity"] = "2" };
        var sent = await PostFormAsync(villager, shop, fields);
        // The same form sent again (a double tap) reserves nothing more.
        var again = await PostFormAsync(villager, shop, new Dictionary<string, string>(fields));

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal("/my/reservations?reserved=1", sent.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(2, (await ItemAsync(app, v, "rice")).Reserved);
        var mine = await villager.GetStringAsync("/my/reservations?reserved=1");
        Assert.Contains("预约成功（1 号）", mine, StringComparison.Ordinal);
        Assert.Contains("待取货", mine, StringComparison.Ordinal);
        Assert.Contains("测试商品rice × 2 袋", mine, StringComparison.Ordinal);

        var cancelled = await PostFormAsync(villager, "/my/reservations", new Dictionary<string, string> { ["FormKey"] = "cancel1", ["Number"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        Assert.Equal(0, (await ItemAsync(app, v, "rice")).Reserved);
        Assert.Contains("已取消", await villager.GetStringAsync("/my/reservations"), StringComparison.Ordinal);
    }

    public static TheoryData<DatabaseProvider, string, string, string> RefusedForms()
    {
        var data = new TheoryData<DatabaseProvider, string, string, string>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(provider, "rice", "0", "数量要填 1 到 99 之间的整数");
            data.Add(provider, "rice", "abc", "数量要填 1 到 99 之间的整数");
            data.Add(provider, "rice", "1000000000", "数量要填 1 到 99 之间的整数");
            data.Add(provider, "caviar", "1", "这户的可用积分不够这次兑换");
            data.Add(provider, "no-such", "1", "商品目录里没有这件商品");
        }
        return data;
    }

    [Theory, MemberData(nameof(RefusedForms))]
    public async Task A_refused_reservation_shows_its_message_on_the_page_and_holds_nothing(DatabaseProvider provider, string item, string quantity, string message)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var shop = $"/villages/{v.VillageCode}/shop";

        var response = await PostFormAsync(villager, shop, new Dictionary<string, string> { ["FormKey"] = "bad1", ["ItemCode"] = item, ["Quantity"] = quantity });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.False(await db.Reservations.AnyAsync(r => r.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Staff_see_the_shelf_without_a_reserve_form_and_cannot_post_one(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var chair = await app.PageClientAsync(TestApp.In(v, Role.CommitteeChair));
        var shop = $"/villages/{v.VillageCode}/shop";

        var html = await chair.GetStringAsync(shop);
        Assert.Contains("测试商品rice", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"reserve-rice\"", html, StringComparison.Ordinal);
        var response = await PostFormAsync(chair, shop, new Dictionary<string, string> { ["FormKey"] = "x1", ["ItemCode"] = "rice", ["Quantity"] = "1" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, (await ItemAsync(app, v, "rice")).Reserved);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_sees_open_reservations_with_a_pickup_link_and_cancels_one_but_villagers_may_not_open_the_list(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 2));
        await PostFormAsync(villager, $"/villages/{v.VillageCode}/shop", new Dictionary<string, string> { ["FormKey"] = "r1", ["ItemCode"] = "rice", ["Quantity"] = "1" });
        var clerk = await app.PageClientAsync(TestApp.In(v, Role.ShopClerk));
        var list = $"/villages/{v.VillageCode}/shop/reservations";

        var html = await clerk.GetStringAsync(list);
        Assert.Contains("0002 号户 测试户2", html, StringComparison.Ordinal);
        Assert.Contains($"/villages/{v.VillageCode}/shop/checkout?reservation=1", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await villager.GetAsync(list)).StatusCode);
        var cancelled = await PostFormAsync(clerk, list, new Dictionary<string, string> { ["FormKey"] = "c1", ["Number"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        Assert.Equal(ReservationState.Cancelled, (await ReservationAsync(app, v, 1)).State);
        var unknown = await PostFormAsync(clerk, list, new Dictionary<string, string> { ["FormKey"] = "c2", ["Number"] = "99" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_reads_their_own_receipts_and_vouchers_but_not_a_neighbours(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, clerk) = await ArrangeAsync(app);
        await CheckoutAsync(app, v, 1, clerk, "rice", 3);
        await CheckoutAsync(app, v, 2, clerk, "rice", 1);
        await CheckoutAsync(app, v, 1, clerk, "haircut", 1, voucherCode: "7K2MQX9D0A1B2C3D");
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        var receipts = await villager.GetStringAsync("/my/receipts");
        Assert.Contains("/my/receipts/1", receipts, StringComparison.Ordinal);
        Assert.Contains("/my/receipts/3", receipts, StringComparison.Ordinal);
        Assert.DoesNotContain("/my/receipts/2", receipts, StringComparison.Ordinal);
        Assert.Contains("兑换后余额 70 分", receipts, StringComparison.Ordinal);
        var receipt = await villager.GetStringAsync("/my/receipts/1");
        Assert.Contains("测试商品rice", receipt, StringComparison.Ordinal);
        Assert.Contains("\u221230", receipt, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await villager.GetAsync("/my/receipts/2")).StatusCode);

        var vouchers = await villager.GetStringAsync("/my/vouchers");
        Assert.Contains("7K2M-QX9D-0A1B-2C3D", vouchers, StringComparison.Ordinal);
        Assert.Contains("测试商户barber", vouchers, StringComparison.Ordinal);
        Assert.Contains("<svg", vouchers, StringComparison.Ordinal);
        var neighbour = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 2));
        Assert.DoesNotContain("7K2M-QX9D", await neighbour.GetStringAsync("/my/vouchers"), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_villagers_home_links_to_the_shop_their_receipts_and_their_vouchers(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        var home = await villager.GetStringAsync("/my");

        Assert.Contains($"href=\"/villages/{v.VillageCode}/shop\"", home, StringComparison.Ordinal);
        Assert.Contains("href=\"/my/receipts\"", home, StringComparison.Ordinal);
        Assert.Contains("href=\"/my/vouchers\"", home, StringComparison.Ordinal);
    }
}
