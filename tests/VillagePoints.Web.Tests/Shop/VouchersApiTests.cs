using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>
/// Merchants, vouchers and settlements through the API. Each test arranges a village of three households with a
/// shop clerk, two partner merchants with their logins (a barber and a car wash), a haircut voucher item of the
/// barber's, and vouchers issued to household 1 as a checkout leaves them.
/// </summary>
public sealed class VouchersApiTests
{
    internal sealed record Arranged(ArrangedVillage V, UserAccount Clerk, UserAccount Barber, UserAccount CarWash, Merchant BarberShop,
        Merchant CarWashShop, ShopItem Haircut, ShopItem WashCar)
    {
        public string Api => $"/api/v1/villages/{V.VillageCode}";
    }

    internal static async Task<Arranged> ArrangeAsync(TestApp app)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        var clerk = await app.CreateUserAsync("周店员", TestApp.In(v, Role.ShopClerk));
        var barber = await app.CreateUserAsync("吴永强", TestApp.In(v, Role.PartnerMerchant));
        var carWash = await app.CreateUserAsync("林洗车", TestApp.In(v, Role.PartnerMerchant));
        await using var db = app.NewContext();
        var barberShop = await ShopBuilder.AddMerchantAsync(db, v.VillageId, "yongqiang-barber", barber.Id);
        var carWashShop = await ShopBuilder.AddMerchantAsync(db, v.VillageId, "lin-car-wash", carWash.Id);
        var haircut = await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "haircut", 150, 50, ItemCategory.ServiceVoucher, barberShop.Id);
        var washCar = await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "car-wash", 200, 50, ItemCategory.ServiceVoucher, carWashShop.Id);
        return new Arranged(v, clerk, barber, carWash, barberShop, carWashShop, haircut, washCar);
    }

    internal static async Task<Voucher> IssueAsync(TestApp app, Arranged a, ShopItem? item = null, int household = 1, long? priceFen = null)
    {
        await using var db = app.NewContext();
        return (await VoucherArrange.IssueAsync(db, item ?? a.Haircut, a.V.HouseholdIds[household - 1], a.Clerk.Id, priceFen: priceFen)).Single();
    }

    private static Task<HttpResponseMessage> HonourAsync(HttpClient client, Arranged a, string code, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{a.Api}/vouchers/{Uri.EscapeDataString(code)}/honour");
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<VoucherState> StateAsync(TestApp app, Voucher voucher)
    {
        await using var db = app.NewContext();
        return await db.Vouchers.Where(v => v.VillageId == voucher.VillageId && v.Id == voucher.Id).Select(v => v.State).SingleAsync();
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_merchant_honours_its_voucher_once_and_a_second_honour_is_a_409_that_says_when(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await ArrangeAsync(app);
        var voucher = await IssueAsync(app, a, household: 2);
        var barber = await app.ClientAsync(a.Barber.Phone);

        var first = await JsonAsync(await HonourAsync(barber, a, VoucherCodes.Display(voucher.Code).ToLowerInvariant()), HttpStatusCode.OK);
        var second = await HonourAsync(barber, a, voucher.Code);

        Assert.Equal(("Honoured", 2, "haircut", "yongqiang-barber"), (first.GetProperty("state").GetString(), first.GetProperty("householdNo").GetInt32(),
            first.GetProperty("itemCode").GetString(), first.GetProperty("merchantCode").GetString()));
        Assert.Equal("voucher.already-honoured", await Problems.AssertProblemAsync(second, HttpStatusCode.Conflict));
        var problem = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(first.GetProperty("honouredAt").GetDateTimeOffset(), problem.GetProperty("honouredAt").GetDateTimeOffset());
        Assert.Contains("已在", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retried_honour_with_the_same_key_answers_the_first_honour(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await ArrangeAsync(app);
        var voucher = await IssueAsync(app, a);
        var barber = await app.ClientAsync(a.Barber.Phone);

        var first = await JsonAsync(await HonourAsync(barber, a, voucher.Code, "scan-7"), HttpStatusCode.OK);
        var retry = await JsonAsync(await HonourAsync(barber, a, voucher.Code, "scan-7"), HttpStatusCode.OK);

        Assert.Equal(first.GetRawText(), retry.GetRawText());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Who_may_see_and_honour_a_voucher(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await ArrangeAsync(app);
        var other = await ArrangeAsync(app);
        var voucher = await IssueAsync(app, a, household: 1);
        var villager = await app.ClientAsync(TestApp.In(a.V, Role.Villager, householdNumber: 1));
        var neighbour = await app.ClientAsync(TestApp.In(a.V, Role.Villager, householdNumber: 2));
        var clerk = await app.ClientAsync(a.Clerk.Phone);
        var foreignMerchant = await app.ClientAsync(a.CarWash.Phone);
        var clerkElsewhere = await app.ClientAsync(other.Clerk.Phone);
        var url = $"{a.Api}/vouchers/{voucher.Code}";

        Assert.Equal("Issued", (await JsonAsync(await villager.GetAsync(url), HttpStatusCode.OK)).GetProperty("state").GetString());
        Assert.Equal(1, (await JsonAsync(await villager.GetAsync($"{a.Api}/households/1/vouchers"), HttpStatusCode.OK)).GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync($"{a.Api}/households/1/vouchers")).StatusCode);
        Assert.Equal("voucher.not-found", await Problems.AssertProblemAsync(await neighbour.GetAsync(url), HttpStatusCode.NotFound));
        Assert.Equal("household.not-found", await Problems.AssertProblemAsync(await neighbour.GetAsync($"{a.Api}/households/1/vouchers"), HttpStatusCode.NotFound));
        Assert.Equal("voucher.not-found", await Problems.AssertProblemAsync(await foreignMerchant.GetAsync(url), HttpStatusCode.NotFound));
        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(await clerkElsewhere.GetAsync(url), HttpStatusCode.NotFound));

        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await HonourAsync(villager, a, voucher.Code), HttpStatusCode.Forbidden));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await HonourAsync(clerk, a, voucher.Code), HttpStatusCode.Forbidden));
        Assert.Equal("voucher.other-merchant", await Problems.AssertProblemAsync(await HonourAsync(foreignMerchant, a, voucher.Code), HttpStatusCode.Forbidden));
        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(await HonourAsync(clerkElsewhere, a, voucher.Code), HttpStatusCode.NotFound));
        // Another village's merchant, in its own village, with this village's code: as if the code did not exist.
        var merchantElsewhere = await app.ClientAsync(other.Barber.Phone);
        var viaOwnVillage = await merchantElsewhere.PostAsync($"{other.Api}/vouchers/{voucher.Code}/honour", null);
        Assert.Equal("voucher.not-found", await Problems.AssertProblemAsync(viaOwnVillage, HttpStatusCode.NotFound));
        Assert.Equal(VoucherState.Issued, await StateAsync(app, voucher));

        var settlement = $"{a.Api}/merchants/yongqiang-barber/settlements";
        Assert.Equal("merchant.not-found", await Problems.AssertProblemAsync(await foreignMerchant.GetAsync(settlement), HttpStatusCode.NotFound));
        Assert.Equal("merchant.not-found", await Problems.AssertProblemAsync(await villager.GetAsync(settlement), HttpStatusCode.NotFound));
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync(settlement)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsync(a.Barber.Phone)).GetAsync(settlement)).StatusCode);
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await foreignMerchant.GetAsync($"{a.Api}/merchants"), HttpStatusCode.Forbidden));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bad_codes_and_months_are_clear_4xx_problems_and_change_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await ArrangeAsync(app);
        var voucher = await IssueAsync(app, a);
        var barber = await app.ClientAsync(a.Barber.Phone);
        var random = new byte[48];
        Random.Shared.NextBytes(random);
        // NUL is tried on its own below; here it would make the case flaky.
        for (var i = 0; i < random.Length; i++)
            random[i] = random[i] == 0 ? (byte)1 : random[i];

        foreach (var code in new[] { Encoding.Latin1.GetString(random), "\u0001\u0002\u007f", "券码券码券码券码", new string('7', 200), voucher.Code + "X" })
        {
            Assert.Equal("voucher.not-found", await Problems.AssertProblemAsync(await HonourAsync(barber, a, code), HttpStatusCode.NotFound));
            Assert.Equal("voucher.not-found", await Problems.AssertProblemAsync(await barber.GetAsync($"{a.Api}/vouchers/{Uri.EscapeDataString(code)}"),
                HttpStatusCode.NotFound));
        }
        // A 10,000-character code is no voucher code (behind Kestrel the long request line may be refused first, with 414).
        var longCode = await barber.PostAsync($"{a.Api}/vouchers/{new string('A', 10_000)}/honour", null);
        Assert.Equal("voucher.not-found", await Problems.AssertProblemAsync(longCode, HttpStatusCode.NotFound));
        var settlement = $"{a.Api}/merchants/yongqiang-barber/settlements";
        foreach (var month in new[] { "9999-99", "2026-13", "x", "2026-03%00", new string('9', 5000) })
        {
            foreach (var suffix in new[] { "", ".csv", ".xlsx" })
                Assert.Equal("settlement.month-invalid",
                    await Problems.AssertProblemAsync(await barber.GetAsync($"{settlement}{suffix}?month={month}"), HttpStatusCode.UnprocessableEntity));
        }
        Assert.Equal("idempotency.key-invalid",
            await Problems.AssertProblemAsync(await HonourAsync(barber, a, voucher.Code, "密钥"), HttpStatusCode.UnprocessableEntity));
        Assert.Equal(VoucherState.Issued, await StateAsync(app, voucher));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_settlement_downloads_as_csv_with_bom_and_chinese_headers_and_as_xlsx_that_reads_back(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await ArrangeAsync(app);
        var barber = await app.ClientAsync(a.Barber.Phone);
        foreach (var price in new long[] { 1500, 1500, 1800 })
            await JsonAsync(await HonourAsync(barber, a, (await IssueAsync(app, a, priceFen: price)).Code), HttpStatusCode.OK);
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var url = $"{a.Api}/merchants/yongqiang-barber/settlements";

        var json = await JsonAsync(await barber.GetAsync($"{url}?month={month}"), HttpStatusCode.OK);
        var csv = await barber.GetAsync($"{url}.csv?month={month}");
        var xlsx = await barber.GetAsync($"{url}.xlsx?month={month}");

        Assert.Equal((3, 4800L), (json.GetProperty("count").GetInt32(), json.GetProperty("totalFen").GetInt64()));
        Assert.Equal(2, json.GetProperty("groups").GetArrayLength());
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = Encoding.UTF8.GetString(bytes.AsSpan(3)).Split("\r\n");
        Assert.Equal("序号,券码,服务项目,户号,核销时间,结算价（元）", rows[0]);
        Assert.Contains($"合计,{month},,3,48.00", rows);
        Assert.Equal(SettlementExport.XlsxContentType, xlsx.Content.Headers.ContentType?.ToString());
        using var workbook = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var lines = workbook.Query(useHeaderRow: true, sheetName: SettlementExport.LinesSheet, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal(1m, Convert.ToDecimal(l["户号"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(48m, lines.Sum(l => Convert.ToDecimal(l["结算价（元）"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_shop_adds_and_edits_merchants_and_links_only_partner_merchant_logins(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await ArrangeAsync(app);
        var newcomer = await app.CreateUserAsync("陈理发", TestApp.In(a.V, Role.PartnerMerchant));
        var villager = await app.CreateUserAsync("王建国", TestApp.In(a.V, Role.Villager, 1));
        var clerk = await app.ClientAsync(a.Clerk.Phone);

        var refused = await clerk.PostAsJsonAsync($"{a.Api}/merchants", new { code = "chen-barber", name = "陈记理发", accountPhone = villager.Phone });
        Assert.Equal("merchant.account-not-merchant", await Problems.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity));
        var created = await clerk.PostAsJsonAsync($"{a.Api}/merchants", new { code = "chen-barber", name = "陈记理发", accountPhone = newcomer.Phone });
        var body = await JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal(("陈记理发", "陈理发", true), (body.GetProperty("name").GetString(), body.GetProperty("accountName").GetString(),
            body.GetProperty("active").GetBoolean()));
        Assert.Contains("****", body.GetProperty("accountPhone").GetString(), StringComparison.Ordinal);
        Assert.Equal("merchant.code-taken", await Problems.AssertProblemAsync(
            await clerk.PostAsJsonAsync($"{a.Api}/merchants", new { code = "chen-barber", name = "又一家" }), HttpStatusCode.Conflict));

        var edited = await JsonAsync(await clerk.PutAsJsonAsync($"{a.Api}/merchants/chen-barber", new { name = "陈记理发店", active = false }),
            HttpStatusCode.OK);
        Assert.Equal(("陈记理发店", JsonValueKind.Null, false), (edited.GetProperty("name").GetString(), edited.GetProperty("accountName").ValueKind,
            edited.GetProperty("active").GetBoolean()));
        Assert.Equal("merchant.not-found", await Problems.AssertProblemAsync(
            await clerk.PutAsJsonAsync($"{a.Api}/merchants/nobody", new { name = "x" }), HttpStatusCode.NotFound));
        var list = await JsonAsync(await clerk.GetAsync($"{a.Api}/merchants"), HttpStatusCode.OK);
        Assert.Equal(["chen-barber", "lin-car-wash", "yongqiang-barber"], list.EnumerateArray().Select(m => m.GetProperty("code").GetString()));
    }
}
