using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;
using static VillagePoints.Web.Tests.Shop.VouchersApiTests;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>The merchant's phone page, the shop's merchant list and the settlements page, through their forms as a browser sends them.</summary>
public sealed class MerchantPagesTests
{
    private static async Task<HttpClient> SignedInAsync(TestApp app, UserAccount user)
    {
        var client = app.Anonymous();
        var token = await PageClients.FormTokenAsync(client, "/login");
        var response = await client.PostAsync("/login", Form(("Phone", user.Phone), ("Password", TestApp.Password), ("__RequestVerificationToken", token)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Refused means the error page: answered in place with 403, or reached by a redirect to it.</summary>
    private static Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var location = response.Headers.Location?.OriginalString ?? "";
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden
            || (response.StatusCode == HttpStatusCode.Redirect && Uri.UnescapeDataString(location).Contains("/error", StringComparison.Ordinal)),
            $"Expected a refusal but got {(int)response.StatusCode} {location}.");
        return Task.CompletedTask;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_merchant_checks_a_typed_code_honours_it_and_a_second_honour_is_refused_in_plain_words(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await ArrangeAsync(app);
        var voucher = await IssueAsync(app, a, household: 3);
        var merchant = await SignedInAsync(app, a.Barber);
        var page = $"/villages/{a.V.VillageCode}/merchant";
        var token = await PageClients.FormTokenAsync(merchant, page);
        var typed = VoucherCodes.Display(voucher.Code).ToLowerInvariant();

        var check = await (await merchant.PostAsync($"{page}?handler=Check", Form(("Code", typed), ("__RequestVerificationToken", token))))
            .Content.ReadAsStringAsync();
        Assert.Contains("测试商品haircut", check, StringComparison.Ordinal);
        Assert.Contains("0003", check, StringComparison.Ordinal);
        Assert.Contains(">核销</button>", check, StringComparison.Ordinal);
        await using (var db = app.NewContext())
            Assert.Equal(VoucherState.Issued, await db.Vouchers.Where(v => v.Id == voucher.Id).Select(v => v.State).SingleAsync());

        var honour = Form(("Code", voucher.Code), ("FormKey", "a1b2c3"), ("__RequestVerificationToken", token));
        var done = await (await merchant.PostAsync($"{page}?handler=Honour", honour)).Content.ReadAsStringAsync();
        Assert.Contains("核销成功", done, StringComparison.Ordinal);
        // The same form sent again (a double tap, a reload) is the same honour, not a refusal.
        var resent = await (await merchant.PostAsync($"{page}?handler=Honour",
            Form(("Code", voucher.Code), ("FormKey", "a1b2c3"), ("__RequestVerificationToken", token)))).Content.ReadAsStringAsync();
        Assert.Contains("核销成功", resent, StringComparison.Ordinal);

        var again = await (await merchant.PostAsync($"{page}?handler=Honour",
            Form(("Code", voucher.Code), ("FormKey", "d4e5f6"), ("__RequestVerificationToken", token)))).Content.ReadAsStringAsync();
        Assert.Contains("不能核销", again, StringComparison.Ordinal);
        Assert.Contains("已在", again, StringComparison.Ordinal);
        var recheck = await (await merchant.PostAsync($"{page}?handler=Check", Form(("Code", "ÿþ-garbage-\u202e"), ("__RequestVerificationToken", token))))
            .Content.ReadAsStringAsync();
        Assert.Contains("没有这张券", recheck, StringComparison.Ordinal);
        // A NUL in a form is refused before any page sees it: a 4xx error page, never a 500.
        var nul = await merchant.PostAsync($"{page}?handler=Check", Form(("Code", "\0\0"), ("__RequestVerificationToken", token)));
        Assert.True((int)nul.StatusCode is >= 400 and < 500, $"A NUL code gave {(int)nul.StatusCode}.");

        var home = await merchant.GetStringAsync(page);
        Assert.Contains("最近核销", home, StringComparison.Ordinal);
        Assert.Contains(VoucherCodes.Display(voucher.Code), home, StringComparison.Ordinal);
        Assert.Contains("15.00 元", home, StringComparison.Ordinal);
        Assert.Contains("settlements.xlsx?month=", home, StringComparison.Ordinal);
        Assert.Contains("月份格式不对", await merchant.GetStringAsync($"{page}?month=9999-99"), StringComparison.Ordinal);
        var english = await merchant.GetStringAsync($"{page}?culture=en-US&ui-culture=en-US");
        Assert.Contains("Honour a voucher", english, StringComparison.Ordinal);
        Assert.Contains("Latest honours", english, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_adds_a_merchant_links_its_login_and_reads_the_months_settlements(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await ArrangeAsync(app);
        var newcomer = await app.CreateUserAsync("陈理发", TestApp.In(a.V, Role.PartnerMerchant));
        var clerk = await SignedInAsync(app, a.Clerk);
        var page = $"/villages/{a.V.VillageCode}/shop/merchants";
        var token = await PageClients.FormTokenAsync(clerk, page);

        var bad = await clerk.PostAsync($"{page}?handler=Create", Form(("MerchantCode", "陈记"), ("Name", "陈记理发"), ("AccountId", ""),
            ("Active", "true"), ("Active", "false"), ("FormKey", "k1"), ("__RequestVerificationToken", token)));
        Assert.Contains("商户编码为 2 到 40 位", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var created = await clerk.PostAsync($"{page}?handler=Create", Form(("MerchantCode", "chen-barber"), ("Name", "陈记理发"),
            ("AccountId", newcomer.Id.ToString()), ("Active", "true"), ("Active", "false"), ("FormKey", "k2"), ("__RequestVerificationToken", token)));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var paused = await clerk.PostAsync($"{page}?handler=Update", Form(("MerchantCode", "chen-barber"), ("Name", "陈记理发店"),
            ("AccountId", newcomer.Id.ToString()), ("Active", "false"), ("FormKey", "k3"), ("__RequestVerificationToken", token)));
        Assert.Equal(HttpStatusCode.Redirect, paused.StatusCode);
        await using (var db = app.NewContext())
        {
            var m = await db.Merchants.SingleAsync(x => x.VillageId == a.V.VillageId && x.Code == "chen-barber");
            Assert.Equal(("陈记理发店", (Guid?)newcomer.Id, false), (m.Name, m.AccountId, m.Active));
        }

        var barber = await app.ClientAsync(a.Barber.Phone);
        var voucher = await IssueAsync(app, a);
        Assert.Equal(HttpStatusCode.OK, (await barber.PostAsync($"{a.Api}/vouchers/{voucher.Code}/honour", null)).StatusCode);
        var settlements = await clerk.GetStringAsync($"/villages/{a.V.VillageCode}/shop/settlements");
        Assert.Contains("测试商户yongqiang-barber", settlements, StringComparison.Ordinal);
        Assert.Contains("15.00 元", settlements, StringComparison.Ordinal);
        var csv = await clerk.GetAsync($"/villages/{a.V.VillageCode}/shop/settlements?handler=Csv");
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.StartsWith("商户编码,商户,结算月份", Encoding.UTF8.GetString(bytes.AsSpan(3)), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Villagers_and_merchants_cannot_open_the_shops_merchant_pages_and_the_clerk_cannot_honour(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await ArrangeAsync(app);
        var villager = await app.PageClientAsync(TestApp.In(a.V, Role.Villager, 1));
        var merchant = await SignedInAsync(app, a.Barber);
        var clerk = await SignedInAsync(app, a.Clerk);
        var village = $"/villages/{a.V.VillageCode}";

        Assert.Equal(HttpStatusCode.Forbidden, (await villager.GetAsync($"{village}/shop/merchants")).StatusCode);
        await AssertRefusedAsync(await villager.GetAsync($"{village}/shop/settlements"));
        Assert.Equal(HttpStatusCode.Forbidden, (await merchant.GetAsync($"{village}/shop/merchants")).StatusCode);
        await AssertRefusedAsync(await merchant.GetAsync($"{village}/shop/settlements?handler=Csv"));
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync($"{village}/merchant")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync($"{village}/shop/merchants")).StatusCode);
    }
}
