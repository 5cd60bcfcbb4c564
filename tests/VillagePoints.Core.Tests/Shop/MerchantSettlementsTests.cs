using System.Text;
using Microsoft.Extensions.Time.Testing;
using MiniExcelLibs;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.Core.Tests.Claims;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;
using static VillagePoints.Core.Tests.Shop.VoucherDeskTests;

namespace VillagePoints.Core.Tests.Shop;

/// <summary>Monthly settlements with partner merchants, their exports, and keeping the merchants themselves.</summary>
public sealed class MerchantSettlementsTests
{
    /// <summary>Noon on the 10th of the month before last and of last month, village time: two settlement months.</summary>
    private static readonly DateTimeOffset ThisMonth = NoonOnTheTenth(DateTimeOffset.UtcNow.AddMonths(-1));
    private static readonly DateTimeOffset MonthBefore = NoonOnTheTenth(DateTimeOffset.UtcNow.AddMonths(-2));

    private static DateTimeOffset NoonOnTheTenth(DateTimeOffset at) => new(at.Year, at.Month, 10, 12, 0, 0, TimeSpan.FromHours(8));

    private static int MonthOf(DateTimeOffset at) => at.Year * 100 + at.Month;

    private static async Task HonourAllAsync(TestDatabase database, ShopFixture s, IEnumerable<Voucher> vouchers, Guid merchant, DateTimeOffset at)
    {
        foreach (var v in vouchers)
        {
            await using var db = database.NewContext();
            await new VoucherDesk(db, new FakeTimeProvider(at)).HonourAsync(new HonourVoucher(s.VillageId, v.Code, merchant));
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_merchants_month_counts_its_honoured_vouchers_at_their_agreed_prices_grouped_by_price(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var atOldPrice = await IssueAsync(database, s, household: 1, count: 3, priceFen: 1500);
        var atNewPrice = await IssueAsync(database, s, household: 2, count: 2, priceFen: 1800);
        var earlier = await IssueAsync(database, s, household: 3, count: 1, priceFen: 1500);
        var notHonoured = await IssueAsync(database, s, household: 3, count: 1, priceFen: 1500);
        var carWash = await IssueAsync(database, s, s.WashCar, household: 1, count: 2, priceFen: 2000);
        await HonourAllAsync(database, s, atOldPrice.Concat(atNewPrice), s.Barber, ThisMonth);
        await HonourAllAsync(database, s, earlier, s.Barber, MonthBefore);
        await HonourAllAsync(database, s, carWash, s.CarWash, ThisMonth);

        await using var db = database.NewContext();
        var settlements = new MerchantSettlements(db);
        var month = await settlements.ForMerchantAsync(s.VillageId, s.BarberShop, MonthOf(ThisMonth));

        Assert.Equal((5, 3 * 1500L + 2 * 1800L), (month.Count, month.TotalFen));
        Assert.Equal([new SettlementGroup(1500, 3, 4500), new SettlementGroup(1800, 2, 3600)], month.Groups);
        Assert.Equal(atOldPrice.Concat(atNewPrice).Select(v => v.Code).Order(), month.Lines.Select(l => l.Code).Order());
        Assert.Equal([1, 1, 1, 2, 2], month.Lines.Select(l => l.HouseholdNo).Order());
        Assert.All(month.Lines, l => Assert.Equal("haircut", l.ItemCode));
        Assert.DoesNotContain(notHonoured[0].Code, month.Lines.Select(l => l.Code));

        var before = await settlements.ForMerchantAsync(s.VillageId, s.BarberShop, MonthOf(MonthBefore));
        Assert.Equal((1, 1500L), (before.Count, before.TotalFen));
        Assert.Equal([MonthOf(ThisMonth), MonthOf(MonthBefore)], await settlements.MonthsAsync(s.VillageId, s.BarberShop.Id));

        var village = await settlements.ForVillageAsync(s.VillageId, MonthOf(ThisMonth));
        Assert.Equal((7, 8100L + 4000L), (village.Count, village.TotalFen));
        Assert.Equal([("lin-car-wash", 2, 4000L), ("yongqiang-barber", 5, 8100L)], village.Merchants.Select(m => (m.MerchantCode, m.Count, m.TotalFen)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_csv_has_a_byte_order_mark_chinese_headers_and_the_settlements_figures(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var vouchers = await IssueAsync(database, s, household: 2, count: 2, priceFen: 1550);
        await HonourAllAsync(database, s, vouchers, s.Barber, ThisMonth);
        await using var db = database.NewContext();
        var settlement = await new MerchantSettlements(db).ForMerchantAsync(s.VillageId, s.BarberShop, MonthOf(ThisMonth));

        var bytes = SettlementExport.Csv(settlement);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = Encoding.UTF8.GetString(bytes.AsSpan(3)).Split("\r\n");
        Assert.Equal("序号,券码,服务项目,户号,核销时间,结算价（元）", rows[0]);
        Assert.StartsWith($"1,{VoucherCodes.Display(settlement.Lines[0].Code)},测试商品haircut,2,", rows[1], StringComparison.Ordinal);
        Assert.EndsWith(",15.50", rows[1], StringComparison.Ordinal);
        Assert.Equal("", rows[3]);
        Assert.Equal("商户,结算月份,单价（元）,张数,金额（元）", rows[4]);
        Assert.Equal($"测试商户yongqiang-barber,{settlement.MonthText},15.50,2,31.00", rows[5]);
        Assert.Equal($"合计,{settlement.MonthText},,2,31.00", rows[6]);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_xlsx_reads_back_with_the_same_lines_and_totals(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await HonourAllAsync(database, s, await IssueAsync(database, s, household: 1, count: 2, priceFen: 1500), s.Barber, ThisMonth);
        await HonourAllAsync(database, s, await IssueAsync(database, s, household: 3, count: 1, priceFen: 1800), s.Barber, ThisMonth);
        await using var db = database.NewContext();
        var settlement = await new MerchantSettlements(db).ForMerchantAsync(s.VillageId, s.BarberShop, MonthOf(ThisMonth));

        using var file = new MemoryStream(SettlementExport.Xlsx(settlement));
        var lines = file.Query(useHeaderRow: true, sheetName: SettlementExport.LinesSheet, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object>>().ToList();
        file.Position = 0;
        var summary = file.Query(useHeaderRow: true, sheetName: SettlementExport.SummarySheet, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object>>().ToList();

        Assert.Equal(3, lines.Count);
        Assert.Equal(settlement.Lines.Select(l => VoucherCodes.Display(l.Code)), lines.Select(l => (string)l["券码"]));
        Assert.Equal([15m, 15m, 18m], lines.Select(l => Convert.ToDecimal(l["结算价（元）"], System.Globalization.CultureInfo.InvariantCulture)).Order());
        Assert.Equal(3, summary.Count);
        Assert.Equal("合计", summary[2]["商户"]);
        Assert.Equal(3m, Convert.ToDecimal(summary[2]["张数"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(48m, Convert.ToDecimal(summary[2]["金额（元）"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_month_is_read_as_yyyy_MM_and_anything_else_is_refused()
    {
        Assert.Equal(202603, SettlementMonths.Parse("2026-03"));
        foreach (var bad in new[] { null, "", "9999-99", "2026-13", "2026-00", "2026-3", "202603", "２０２６-03", "2026-03\0", "1999-12", "+026-03" })
            Assert.Equal("settlement.month-invalid", Assert.Throws<DomainException>(() => SettlementMonths.Parse(bad)).Code);
        Assert.Equal(202512, SettlementMonths.Previous(202601));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_shop_links_a_merchant_only_to_a_partner_merchant_login_of_the_village(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var villager = await ClaimDeskTests.UserAsync(database, s.V, "王建国", Role.Villager, household: 1);
        var newcomer = await ClaimDeskTests.UserAsync(database, s.V, "陈理发", Role.PartnerMerchant);
        var other = await ArrangeAsync(database);

        async Task<string> CreateAsync(CreateMerchant c)
        {
            await using var db = database.NewContext();
            return await OutcomeAsync(() => new MerchantDesk(db, TimeProvider.System).CreateAsync(c));
        }

        Assert.Equal("merchant.account-not-merchant",
            await CreateAsync(new CreateMerchant(s.VillageId, "chen-barber", "陈记理发", villager, true, s.Clerk)));
        Assert.Equal("merchant.account-not-merchant",
            await CreateAsync(new CreateMerchant(s.VillageId, "chen-barber", "陈记理发", other.Barber, true, s.Clerk)));
        Assert.Equal("merchant.account-taken",
            await CreateAsync(new CreateMerchant(s.VillageId, "chen-barber", "陈记理发", s.Barber, true, s.Clerk)));
        Assert.Equal("merchant.shop-staff-only",
            await CreateAsync(new CreateMerchant(s.VillageId, "chen-barber", "陈记理发", newcomer, true, villager)));
        Assert.Equal("merchant.code-invalid", await CreateAsync(new CreateMerchant(s.VillageId, "陈记", "陈记理发", newcomer, true, s.Clerk)));
        Assert.Equal("merchant.code-taken", await CreateAsync(new CreateMerchant(s.VillageId, "yongqiang-barber", "陈记理发", newcomer, true, s.Clerk)));
        Assert.Equal("text.forbidden-characters", await CreateAsync(new CreateMerchant(s.VillageId, "chen-barber", "陈记\u202e理发", newcomer, true, s.Clerk)));
        Assert.Equal("ok", await CreateAsync(new CreateMerchant(s.VillageId, "chen-barber", " 陈记理发 ", newcomer, true, s.Clerk, "create-1")));
        Assert.Equal("ok", await CreateAsync(new CreateMerchant(s.VillageId, "chen-barber", " 陈记理发 ", newcomer, true, s.Clerk, "create-1")));

        await using var read = database.NewContext();
        var desk = new MerchantDesk(read, TimeProvider.System);
        var created = (await desk.ListAsync(s.VillageId)).Single(m => m.Code == "chen-barber");
        Assert.Equal(("陈记理发", newcomer, "陈理发"), (created.Name, created.AccountId, created.AccountName));
        var edited = await desk.UpdateAsync(new UpdateMerchant(s.VillageId, "chen-barber", "陈记理发店", null, false, s.Clerk));
        Assert.Equal(("陈记理发店", (Guid?)null, false), (edited.Name, edited.AccountId, edited.Active));
        Assert.Equal("merchant.not-found", await OutcomeAsync(() => desk.UpdateAsync(new UpdateMerchant(s.VillageId, "nobody", "x", null, true, s.Clerk))));
    }
}
