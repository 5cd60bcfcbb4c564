using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.Core.Tests.Claims;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Shop;

/// <summary>
/// The voucher state machine: issued → honoured, once, by its own merchant, before it expires. Each test arranges a
/// village of three households, a shop clerk, two partner merchants (a barber and a car wash, each with its login)
/// and a haircut voucher item of the barber's, and issues vouchers as a checkout would.
/// </summary>
public sealed class VoucherDeskTests
{
    internal sealed record ShopFixture(ArrangedVillage V, Guid Clerk, Guid Barber, Guid CarWash, Merchant BarberShop, Merchant CarWashShop,
        ShopItem Haircut, ShopItem WashCar)
    {
        public Guid VillageId => V.VillageId;
    }

    internal static async Task<ShopFixture> ArrangeAsync(TestDatabase database)
    {
        var v = await VillageBuilder.ArrangeAsync(database, 3);
        var clerk = await ClaimDeskTests.UserAsync(database, v, "周店员", Role.ShopClerk);
        var barber = await ClaimDeskTests.UserAsync(database, v, "吴永强", Role.PartnerMerchant);
        var carWash = await ClaimDeskTests.UserAsync(database, v, "林洗车", Role.PartnerMerchant);
        await using var db = database.NewContext();
        var barberShop = await ShopBuilder.AddMerchantAsync(db, v.VillageId, "yongqiang-barber", barber);
        var carWashShop = await ShopBuilder.AddMerchantAsync(db, v.VillageId, "lin-car-wash", carWash);
        var haircut = await ShopBuilder.AddItemAsync(db, v.VillageId, clerk, "haircut", 150, 50, ItemCategory.ServiceVoucher, barberShop.Id);
        var washCar = await ShopBuilder.AddItemAsync(db, v.VillageId, clerk, "car-wash", 200, 50, ItemCategory.ServiceVoucher, carWashShop.Id);
        return new ShopFixture(v, clerk, barber, carWash, barberShop, carWashShop, haircut, washCar);
    }

    internal static async Task<List<Voucher>> IssueAsync(TestDatabase database, ShopFixture s, ShopItem? item = null, int household = 1, int count = 1,
        DateOnly? validUntil = null, long? priceFen = null)
    {
        await using var db = database.NewContext();
        return await VoucherArrange.IssueAsync(db, item ?? s.Haircut, s.V.HouseholdIds[household - 1], s.Clerk, count, validUntil, priceFen);
    }

    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);

    private static async Task<VoucherView> HonourAsync(TestDatabase database, HonourVoucher c, TimeProvider? time = null)
    {
        await using var db = database.NewContext();
        return await new VoucherDesk(db, time ?? Clock).HonourAsync(c);
    }

    private static async Task<string> TryHonourAsync(TestDatabase database, HonourVoucher c, TimeProvider? time = null) =>
        await OutcomeAsync(() => HonourAsync(database, c, time));

    internal static async Task<Voucher> ReloadAsync(TestDatabase database, Voucher voucher)
    {
        await using var db = database.NewContext();
        return await db.Vouchers.AsNoTracking().SingleAsync(v => v.VillageId == voucher.VillageId && v.Id == voucher.Id);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Honour_by_its_merchant_marks_the_voucher_honoured_with_its_time_and_village_settlement_month(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var voucher = (await IssueAsync(database, s, household: 2, priceFen: 1500)).Single();
        // 00:30 on the first of a month in the village is still the last day of the month before in UTC.
        var firstOfMonth = new DateTimeOffset(Clock.GetUtcNow().Year, Clock.GetUtcNow().Month, 1, 0, 30, 0, TimeSpan.FromHours(8));
        var time = new FakeTimeProvider(firstOfMonth);
        // Typed as a person would: lower case, groups of four, an O for the zero.
        var typed = VoucherCodes.Display(voucher.Code).ToLowerInvariant().Replace('0', 'o');

        var view = await HonourAsync(database, new HonourVoucher(s.VillageId, typed, s.Barber), time);

        var stored = await ReloadAsync(database, voucher);
        Assert.Equal(VoucherState.Honoured, stored.State);
        Assert.Equal(firstOfMonth.ToUniversalTime(), stored.HonouredAt);
        Assert.Equal(s.Barber, stored.HonouredBy);
        Assert.Equal(firstOfMonth.Year * 100 + firstOfMonth.Month, stored.SettlementMonth);
        Assert.Equal((VoucherState.Honoured, 2, "haircut", "yongqiang-barber", 1500L),
            (view.State, view.HouseholdNo, view.ItemCode, view.MerchantCode, view.SettlementPriceFen));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_second_honour_is_refused_and_says_when_the_first_was(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var voucher = (await IssueAsync(database, s)).Single();
        var first = await HonourAsync(database, new HonourVoucher(s.VillageId, voucher.Code, s.Barber));

        var refused = await Assert.ThrowsAsync<VoucherAlreadyHonouredException>(() =>
            HonourAsync(database, new HonourVoucher(s.VillageId, voucher.Code, s.Barber)));

        Assert.Equal(VoucherDesk.AlreadyHonoured, refused.Code);
        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);
        Assert.Equal(first.HonouredAt, refused.HonouredAt);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_voucher_is_honoured_on_its_last_valid_day_and_refused_as_expired_the_day_after(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var today = BusinessCalendar.Today(Clock);
        var lastDayToday = (await IssueAsync(database, s, validUntil: today)).Single();
        var endedYesterday = (await IssueAsync(database, s, validUntil: today.AddDays(-1))).Single();

        Assert.Equal("ok", await TryHonourAsync(database, new HonourVoucher(s.VillageId, lastDayToday.Code, s.Barber)));
        Assert.Equal(VoucherDesk.Expired, await TryHonourAsync(database, new HonourVoucher(s.VillageId, endedYesterday.Code, s.Barber)));
        Assert.Equal(VoucherState.Issued, (await ReloadAsync(database, endedYesterday)).State);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Another_merchants_voucher_is_refused_and_left_issued(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var carWashVoucher = (await IssueAsync(database, s, s.WashCar)).Single();

        var refused = await Assert.ThrowsAsync<DomainException>(() => HonourAsync(database, new HonourVoucher(s.VillageId, carWashVoucher.Code, s.Barber)));

        Assert.Equal((VoucherDesk.OtherMerchant, DomainErrorKind.Forbidden), (refused.Code, refused.Kind));
        Assert.Equal(VoucherState.Issued, (await ReloadAsync(database, carWashVoucher)).State);
        // Nor may the shop clerk honour it in the merchant's stead.
        Assert.Equal(VoucherDesk.OtherMerchant, await TryHonourAsync(database, new HonourVoucher(s.VillageId, carWashVoucher.Code, s.Clerk)));
        Assert.Equal("ok", await TryHonourAsync(database, new HonourVoucher(s.VillageId, carWashVoucher.Code, s.CarWash)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Another_villages_voucher_is_not_found_as_if_it_did_not_exist(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var other = await ArrangeAsync(database);
        var theirs = (await IssueAsync(database, other)).Single();

        var refused = await Assert.ThrowsAsync<DomainException>(() => HonourAsync(database, new HonourVoucher(s.VillageId, theirs.Code, s.Barber)));

        Assert.Equal((VoucherDesk.NotFound, DomainErrorKind.NotFound), (refused.Code, refused.Kind));
        Assert.Equal(VoucherState.Issued, (await ReloadAsync(database, theirs)).State);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_cancelled_voucher_is_refused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var voucher = (await IssueAsync(database, s)).Single();
        await using (var db = database.NewContext())
            await VoucherArrange.CancelAsync(db, voucher);

        Assert.Equal(VoucherDesk.Cancelled, await TryHonourAsync(database, new HonourVoucher(s.VillageId, voucher.Code, s.Barber)));
        Assert.Equal(VoucherState.Cancelled, (await ReloadAsync(database, voucher)).State);
    }

    public static TheoryData<DatabaseProvider, string> GarbageCodes()
    {
        var data = new TheoryData<DatabaseProvider, string>();
        string[] codes = ["", "   ", "\0\0\0\0", "7K2M\0QX9D-7K2M-QX9D", new string('A', 10_000), "ÿþ\u202e\u0001\u00ff\ud800", "7K2M-QX9D-7K2M-QX9",
            "'; DROP TABLE \"Vouchers\"; --", "UUUUUUUUUUUUUUUU"];
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
            foreach (var code in codes)
                data.Add(provider, code);
        return data;
    }

    [Theory, MemberData(nameof(GarbageCodes))]
    public async Task Garbage_or_unknown_codes_are_not_found(DatabaseProvider provider, string code)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);

        Assert.Equal(VoucherDesk.NotFound, await TryHonourAsync(database, new HonourVoucher(s.VillageId, code, s.Barber)));
        Assert.Equal(VoucherDesk.NotFound, await TryHonourAsync(database, new HonourVoucher(s.VillageId, VoucherCodes.New(), s.Barber)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Two_phones_scanning_one_voucher_at_once_honour_it_exactly_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var voucher = (await IssueAsync(database, s)).Single();

        var outcomes = await RunTogetherAsync(8, i => TryHonourAsync(database, new HonourVoucher(s.VillageId, voucher.Code, s.Barber, $"phone-{i}")));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal(VoucherDesk.AlreadyHonoured, o));
        await using var db = database.NewContext();
        var settlement = await new MerchantSettlements(db).ForMerchantAsync(s.VillageId, s.BarberShop,
            (await ReloadAsync(database, voucher)).SettlementMonth!.Value);
        Assert.Equal(1, settlement.Count);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retry_with_the_same_key_answers_the_first_honour_even_when_both_tap_at_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var voucher = (await IssueAsync(database, s)).Single();

        var together = await RunTogetherAsync(4, _ => HonourAsync(database, new HonourVoucher(s.VillageId, voucher.Code, s.Barber, "tap-1")));
        var later = await HonourAsync(database, new HonourVoucher(s.VillageId, VoucherCodes.Display(voucher.Code), s.Barber, "tap-1"));

        var stored = await ReloadAsync(database, voucher);
        Assert.All(together.Append(later), v => Assert.Equal((VoucherState.Honoured, stored.HonouredAt), (v.State, v.HonouredAt)));
        // The same key for another voucher is another request: a conflict, not the first answer.
        var another = (await IssueAsync(database, s)).Single();
        Assert.Equal("idempotency.conflict", await TryHonourAsync(database, new HonourVoucher(s.VillageId, another.Code, s.Barber, "tap-1")));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_inactive_merchant_or_a_login_without_the_merchant_role_cannot_honour(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var voucher = (await IssueAsync(database, s)).Single();
        await using (var db = database.NewContext())
            await db.Merchants.Where(m => m.VillageId == s.VillageId && m.Id == s.BarberShop.Id).ExecuteUpdateAsync(x => x.SetProperty(m => m.Active, false));

        Assert.Equal(VoucherDesk.MerchantInactive, await TryHonourAsync(database, new HonourVoucher(s.VillageId, voucher.Code, s.Barber)));

        await using (var db = database.NewContext())
        {
            await db.Merchants.Where(m => m.VillageId == s.VillageId && m.Id == s.BarberShop.Id).ExecuteUpdateAsync(x => x.SetProperty(m => m.Active, true));
            await db.RoleAssignments.Where(r => r.UserId == s.Barber).ExecuteDeleteAsync();
        }
        Assert.Equal(VoucherDesk.OtherMerchant, await TryHonourAsync(database, new HonourVoucher(s.VillageId, voucher.Code, s.Barber)));
        Assert.Equal(VoucherState.Issued, (await ReloadAsync(database, voucher)).State);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Check_runs_the_same_refusals_without_writing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var voucher = (await IssueAsync(database, s, household: 3)).Single();
        await using var db = database.NewContext();
        var desk = new VoucherDesk(db, Clock);

        var view = await desk.CheckAsync(new HonourVoucher(s.VillageId, voucher.Code, s.Barber));

        Assert.Equal((VoucherState.Issued, 3, "haircut"), (view.State, view.HouseholdNo, view.ItemCode));
        Assert.Equal(VoucherState.Issued, (await ReloadAsync(database, voucher)).State);
        Assert.Equal(VoucherDesk.OtherMerchant, await OutcomeAsync(() => desk.CheckAsync(new HonourVoucher(s.VillageId, voucher.Code, s.CarWash))));
    }
}
