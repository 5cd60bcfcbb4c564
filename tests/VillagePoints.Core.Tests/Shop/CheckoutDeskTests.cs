using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Shop;

/// <summary>
/// The point of sale. Each test arranges a village of households (household 1 holds <see cref="Opening"/> effective points
/// unless it says otherwise), a shop clerk, and the items it needs. Parallel writers each have their own DbContext, as
/// separate requests or app nodes would.
/// </summary>
public sealed class CheckoutDeskTests
{
    private const int Opening = 100;

    internal sealed record Shop(ArrangedVillage V, Guid Clerk);

    private static CheckoutDesk Desk(VillagePointsDb db, TimeProvider? time = null) =>
        new(db, Posting(db, time ?? TimeProvider.System), time ?? TimeProvider.System);

    private static async Task<Shop> ArrangeAsync(TestDatabase database, int households = 2, int opening = Opening)
    {
        var v = await VillageBuilder.ArrangeAsync(database, households);
        var clerk = await Claims.ClaimDeskTests.UserAsync(database, v, "积分超市管理员", Role.ShopClerk);
        await using var db = database.NewContext();
        for (var n = 1; n <= households; n++)
            await Posting(db).PostAsync(Award(v, n, opening, state: EntryState.Effective));
        return new Shop(v, clerk);
    }

    private static async Task<ShopItem> ItemAsync(TestDatabase database, Shop s, string code, int price, int stock,
        ItemCategory category = ItemCategory.Staples, Guid? merchant = null, int? limit = null)
    {
        await using var db = database.NewContext();
        return await ShopBuilder.AddItemAsync(db, s.V.VillageId, s.Clerk, code, price, stock, category, merchant, limit);
    }

    private static CheckoutCommand Cart(Shop s, int household, params (string Code, int Quantity)[] lines) =>
        new(s.V.VillageId, household, lines.Select(l => new CartLine(l.Code, l.Quantity)).ToList(), s.Clerk);

    private static async Task<Checkout> CheckoutAsync(TestDatabase database, CheckoutCommand c, TimeProvider? time = null)
    {
        await using var db = database.NewContext();
        return await Desk(db, time).CheckoutAsync(c);
    }

    private static async Task<string> OutcomeOfAsync(TestDatabase database, CheckoutCommand c)
    {
        await using var db = database.NewContext();
        return await OutcomeAsync(() => Desk(db).CheckoutAsync(c));
    }

    private static async Task<string> CancelOutcomeAsync(TestDatabase database, Shop s, long number, TimeProvider? time = null, string? key = null)
    {
        await using var db = database.NewContext();
        return await OutcomeAsync(() => Desk(db, time).CancelAsync(new CancelCheckout(s.V.VillageId, number, s.Clerk, "拿错了商品", key)));
    }

    private static async Task<int> StockAsync(TestDatabase database, Shop s, string code)
    {
        await using var db = database.NewContext();
        return await db.ShopItems.Where(i => i.VillageId == s.V.VillageId && i.Code == code).Select(i => i.Stock).SingleAsync();
    }

    private static async Task<(int Checkouts, int Redemptions, int CheckoutMovements)> WrittenAsync(TestDatabase database, Shop s)
    {
        await using var db = database.NewContext();
        return (await db.Checkouts.CountAsync(x => x.VillageId == s.V.VillageId),
            await db.LedgerEntries.CountAsync(e => e.VillageId == s.V.VillageId && e.Kind == EntryKind.Redemption),
            await db.StockMovements.CountAsync(m => m.VillageId == s.V.VillageId && m.Kind == StockMovementKind.Checkout));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_OfTwoItems_WritesOneRedemptionAndOneMovementPerLineAndTheReceipt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "rice-5kg", 30, 10);
        await ItemAsync(database, s, "soap", 5, 10);

        var checkout = await CheckoutAsync(database, Cart(s, 1, ("rice-5kg", 2), ("soap", 3)));

        Assert.Equal((1L, 75, 25L, CheckoutState.Completed), (checkout.Number, checkout.PointsSpent, checkout.BalanceAfter, checkout.State));
        Assert.Equal([("rice-5kg", 2, 30, 60), ("soap", 3, 5, 15)],
            checkout.Lines.OrderBy(l => l.LineNo).Select(l => (l.ItemCode, l.Quantity, l.UnitPoints, l.Points)));
        var entries = (await EntriesAsync(database, s.V)).Where(e => e.Kind == EntryKind.Redemption).ToList();
        Assert.Equal([(-60, "兑换 测试商品rice-5kg ×2"), (-15, "兑换 测试商品soap ×3")], entries.Select(e => (e.Amount, e.Reason)));
        Assert.All(entries, e => Assert.Equal(("checkout", "checkout:1", EntryState.Effective), (e.SourceKind, e.SourceRef, e.State)));
        Assert.Equal(entries.Select(e => e.Id), checkout.Lines.OrderBy(l => l.LineNo).Select(l => l.EntryId));
        Assert.Equal((25L, 25L), ((await BalanceAsync(database, s.V, 1))!.Total, (await BalanceAsync(database, s.V, 1))!.Effective));
        Assert.Equal((8, 7), (await StockAsync(database, s, "rice-5kg"), await StockAsync(database, s, "soap")));
        await using var db = database.NewContext();
        var movements = await db.StockMovements.Where(m => m.VillageId == s.V.VillageId && m.Kind == StockMovementKind.Checkout)
            .OrderBy(m => m.Quantity).ToListAsync();
        Assert.Equal([-3, -2], movements.Select(m => m.Quantity));
        Assert.All(movements, m => Assert.Equal(checkout.Id, m.CheckoutId));
        Assert.True((await VerifyAsync(database, s.V)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_OfAVoucherItem_IssuesOneVoucherPerUnitForItsMerchant(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        Merchant barber;
        await using (var db = database.NewContext())
            barber = await ShopBuilder.AddMerchantAsync(db, s.V.VillageId, "barber");
        await ItemAsync(database, s, "haircut", 20, 5, ItemCategory.ServiceVoucher, barber.Id);

        var checkout = await CheckoutAsync(database, Cart(s, 1, ("haircut", 2)));

        await using var read = database.NewContext();
        var vouchers = await read.Vouchers.Where(v => v.VillageId == s.V.VillageId).ToListAsync();
        Assert.Equal(2, vouchers.Count);
        Assert.Equal(2, vouchers.Select(v => v.Code).Distinct().Count());
        var today = BusinessCalendar.Today(TimeProvider.System);
        Assert.All(vouchers, v => Assert.Equal((checkout.Id, barber.Id, s.V.HouseholdIds[0], VoucherState.Issued, today.AddDays(90), 1500L),
            (v.CheckoutId, v.MerchantId, v.HouseholdId, v.State, v.ValidUntil, v.SettlementPriceFen)));
        Assert.All(vouchers, v => Assert.Equal(v.Code, VoucherCodes.Normalise(v.Code)));
        var receipt = await new CheckoutQueries(read).ReceiptAsync(s.V.VillageId, checkout.Number, default);
        Assert.Equal(vouchers.Select(v => v.Code).Order(), receipt!.Vouchers.Select(v => v.Code).Order());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_WhoseSecondLineIsOutOfStock_WritesNothingAtAll(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "oil", 10, 5);
        await ItemAsync(database, s, "flour", 10, 1);

        var outcome = await OutcomeOfAsync(database, Cart(s, 1, ("oil", 2), ("flour", 2)));

        Assert.Equal("stock.insufficient", outcome);
        Assert.Equal((0, 0, 0), await WrittenAsync(database, s));
        Assert.Equal((5, 1), (await StockAsync(database, s, "oil"), await StockAsync(database, s, "flour")));
        Assert.Equal((long)Opening, (await BalanceAsync(database, s.V, 1))!.Total);
        // The failed attempt took no receipt number.
        Assert.Equal(1, (await CheckoutAsync(database, Cart(s, 1, ("oil", 1)))).Number);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_BeyondTheSpendableBalance_IsRefusedAndWritesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "tv", 101, 5);

        Assert.Equal("balance.insufficient", await OutcomeOfAsync(database, Cart(s, 1, ("tv", 1))));

        Assert.Equal((0, 0, 0), await WrittenAsync(database, s));
        Assert.Equal(5, await StockAsync(database, s, "tv"));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_SpendsPublicisedPointsOnlyWhereTheVillageAllowsIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database, opening: 50);
        await using (var db = database.NewContext())
            await Posting(db).PostAsync(Award(s.V, 1, 50));
        await ItemAsync(database, s, "rice", 80, 5);
        await ChangeVillageAsync(database, s.V, v => v.Settings.AllowSpendBeforeEffective = false);

        Assert.Equal("balance.insufficient", await OutcomeOfAsync(database, Cart(s, 1, ("rice", 1))));
        await using (var db = database.NewContext())
            Assert.Equal(50, (await new CheckoutQueries(db).WalletAsync(s.V.VillageId, 1, default))!.Spendable);

        await ChangeVillageAsync(database, s.V, v => v.Settings.AllowSpendBeforeEffective = true);
        Assert.Equal(20L, (await CheckoutAsync(database, Cart(s, 1, ("rice", 1)))).BalanceAfter);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_TwentyAtOnceForAHouseholdThatCanAffordOne_LetsExactlyOneThrough(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "rice", 60, 100);

        var outcomes = await RunTogetherAsync(20, _ => OutcomeOfAsync(database, Cart(s, 1, ("rice", 1))));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("balance.insufficient", o));
        var balance = await BalanceAsync(database, s.V, 1);
        Assert.Equal((40L, 40L), (balance!.Total, balance.Effective));
        Assert.Equal(99, await StockAsync(database, s, "rice"));
        Assert.Equal((1, 1, 1), await WrittenAsync(database, s));
        Assert.True((await VerifyAsync(database, s.V)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_TwentyHouseholdsAtOnceForTheLastUnit_SellsItOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database, households: 20);
        await ItemAsync(database, s, "oil", 10, 1);

        var outcomes = await RunTogetherAsync(20, i => OutcomeOfAsync(database, Cart(s, i + 1, ("oil", 1))));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("stock.insufficient", o));
        Assert.Equal(0, await StockAsync(database, s, "oil"));
        Assert.Equal((1, 1, 1), await WrittenAsync(database, s));
        await using var db = database.NewContext();
        Assert.Equal(19, await db.HouseholdBalances.CountAsync(b => b.VillageId == s.V.VillageId && b.Total == Opening));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_RetriedWithTheSameKey_ReturnsTheFirstReceipt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "soap", 5, 20);
        var command = Cart(s, 1, ("soap", 2)) with { IdempotencyKey = "pos-tap-1" };

        var first = await CheckoutAsync(database, command);
        var retried = await CheckoutAsync(database, command);
        var changed = await OutcomeOfAsync(database, command with { Lines = [new CartLine("soap", 3)] });

        Assert.Equal((first.Id, first.Number, 90L), (retried.Id, retried.Number, retried.BalanceAfter));
        Assert.Equal("idempotency.conflict", changed);
        Assert.Equal((1, 1, 1), await WrittenAsync(database, s));
        Assert.Equal(18, await StockAsync(database, s, "soap"));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_DoubleTappedTenTimesAtOnceWithOneKey_WritesOneReceiptThatAllGet(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "soap", 5, 20);
        var command = Cart(s, 1, ("soap", 1)) with { IdempotencyKey = "pos-double-tap" };

        var receipts = await RunTogetherAsync(10, _ => CheckoutAsync(database, command));

        Assert.Single(receipts.Select(r => r.Number).Distinct());
        Assert.Equal((1, 1, 1), await WrittenAsync(database, s));
        Assert.Equal(95L, (await BalanceAsync(database, s.V, 1))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Cancel_OnTheSameDay_RestoresPointsAndStockOnceAndLinksBothToTheCheckout(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        Merchant barber;
        await using (var db = database.NewContext())
            barber = await ShopBuilder.AddMerchantAsync(db, s.V.VillageId, "barber");
        await ItemAsync(database, s, "rice", 30, 10);
        await ItemAsync(database, s, "haircut", 20, 5, ItemCategory.ServiceVoucher, barber.Id);
        var checkout = await CheckoutAsync(database, Cart(s, 1, ("rice", 2), ("haircut", 1)));

        var first = await CancelOutcomeAsync(database, s, checkout.Number);
        var second = await CancelOutcomeAsync(database, s, checkout.Number);

        Assert.Equal(("ok", "checkout.already-cancelled"), (first, second));
        Assert.Equal((long)Opening, (await BalanceAsync(database, s.V, 1))!.Total);
        Assert.Equal((10, 5), (await StockAsync(database, s, "rice"), await StockAsync(database, s, "haircut")));
        await using var read = database.NewContext();
        var cancelled = await read.Checkouts.Include(x => x.Lines).SingleAsync(x => x.VillageId == s.V.VillageId);
        Assert.Equal((CheckoutState.Cancelled, "拿错了商品"), (cancelled.State, cancelled.CancelReason));
        var reversals = await read.LedgerEntries.Where(e => e.VillageId == s.V.VillageId && e.Kind == EntryKind.Reversal).ToListAsync();
        Assert.Equal(cancelled.Lines.Select(l => l.ReversalEntryId).Order(), reversals.Select(e => (Guid?)e.Id).Order());
        Assert.All(reversals, e => Assert.Equal("checkout:1", e.SourceRef));
        var returns = await read.StockMovements.Where(m => m.VillageId == s.V.VillageId && m.Kind == StockMovementKind.Return).ToListAsync();
        Assert.Equal([1, 2], returns.Select(m => m.Quantity).Order());
        Assert.All(returns, m => Assert.Equal(checkout.Id, m.CheckoutId));
        Assert.Equal(VoucherState.Cancelled, (await read.Vouchers.SingleAsync(v => v.VillageId == s.V.VillageId)).State);
        Assert.True((await VerifyAsync(database, s.V)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Cancel_FiveAtOnceWithoutKeys_CancelsOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "rice", 30, 10);
        var checkout = await CheckoutAsync(database, Cart(s, 1, ("rice", 1)));

        var outcomes = await RunTogetherAsync(5, _ => CancelOutcomeAsync(database, s, checkout.Number));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("checkout.already-cancelled", o));
        Assert.Equal((long)Opening, (await BalanceAsync(database, s.V, 1))!.Total);
        Assert.Equal(10, await StockAsync(database, s, "rice"));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Cancel_RetriedWithItsKey_AnswersTheCancellationAgain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "rice", 30, 10);
        var checkout = await CheckoutAsync(database, Cart(s, 1, ("rice", 1)));

        var outcomes = await RunTogetherAsync(4, _ => CancelOutcomeAsync(database, s, checkout.Number, key: "cancel-1"));

        Assert.All(outcomes, o => Assert.Equal("ok", o));
        Assert.Equal(10, await StockAsync(database, s, "rice"));
        Assert.Equal((long)Opening, (await BalanceAsync(database, s.V, 1))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Cancel_OnALaterDay_IsTooLate(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "rice", 30, 10);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-1));
        var checkout = await CheckoutAsync(database, Cart(s, 1, ("rice", 1)), clock);

        Assert.Equal("checkout.cancel-too-late", await CancelOutcomeAsync(database, s, checkout.Number));

        Assert.Equal(70L, (await BalanceAsync(database, s.V, 1))!.Total);
        Assert.Equal(9, await StockAsync(database, s, "rice"));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Cancel_AfterAVoucherWasHonoured_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        Merchant barber;
        await using (var db = database.NewContext())
            barber = await ShopBuilder.AddMerchantAsync(db, s.V.VillageId, "barber");
        await ItemAsync(database, s, "haircut", 20, 5, ItemCategory.ServiceVoucher, barber.Id);
        var checkout = await CheckoutAsync(database, Cart(s, 1, ("haircut", 1)));
        await using (var db = database.NewContext())
        {
            var voucher = await db.Vouchers.SingleAsync(v => v.VillageId == s.V.VillageId);
            voucher.State = VoucherState.Honoured;
            voucher.HonouredAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
        }

        Assert.Equal("checkout.voucher-honoured", await CancelOutcomeAsync(database, s, checkout.Number));
        Assert.Equal(80L, (await BalanceAsync(database, s.V, 1))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_BeyondTheHouseholdsMonthlyLimit_IsRefusedAndACancelledOneDoesNotCount(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "eggs", 5, 50, limit: 3);
        var first = await CheckoutAsync(database, Cart(s, 1, ("eggs", 2)));

        Assert.Equal("item.limit-reached", await OutcomeOfAsync(database, Cart(s, 1, ("eggs", 2))));
        Assert.Equal("ok", await OutcomeOfAsync(database, Cart(s, 2, ("eggs", 3))));
        Assert.Equal("ok", await CancelOutcomeAsync(database, s, first.Number));
        Assert.Equal("ok", await OutcomeOfAsync(database, Cart(s, 1, ("eggs", 3))));
        Assert.Equal("item.limit-reached", await OutcomeOfAsync(database, Cart(s, 1, ("eggs", 1))));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_OfABadCart_IsRefusedWithItsOwnCodeAndWritesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var other = await ArrangeAsync(database);
        await ItemAsync(database, s, "rice", 10, 10);
        var old = await ItemAsync(database, s, "old", 10, 10);
        await using (var db = database.NewContext())
        {
            await db.ShopItems.Where(i => i.VillageId == s.V.VillageId && i.Id == old.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.Active, false));
        }

        Assert.Equal("checkout.empty", await OutcomeOfAsync(database, Cart(s, 1)));
        Assert.Equal("checkout.quantity-invalid", await OutcomeOfAsync(database, Cart(s, 1, ("rice", 0))));
        Assert.Equal("checkout.quantity-invalid", await OutcomeOfAsync(database, Cart(s, 1, ("rice", -1))));
        Assert.Equal("checkout.quantity-invalid", await OutcomeOfAsync(database, Cart(s, 1, ("rice", 1_000_000_000))));
        Assert.Equal("checkout.quantity-invalid", await OutcomeOfAsync(database, Cart(s, 1, ("rice", 600), ("rice", 600))));
        Assert.Equal("checkout.too-many-lines", await OutcomeOfAsync(database,
            Cart(s, 1, [.. Enumerable.Range(0, CheckoutDesk.MaxLines + 1).Select(i => ($"x{i}", 1))])));
        Assert.Equal("item.not-found", await OutcomeOfAsync(database, Cart(s, 1, ("no-such-item", 1))));
        Assert.Equal("item.inactive", await OutcomeOfAsync(database, Cart(s, 1, ("old", 1))));
        Assert.Equal("household.not-found", await OutcomeOfAsync(database, Cart(s, 99, ("rice", 1))));
        // Another village's household number 3 does not exist here, and the other village's items are not this shop's.
        Assert.Equal("household.not-found", await OutcomeOfAsync(database, Cart(other, 3, ("rice", 1))));
        Assert.Equal("item.not-found", await OutcomeOfAsync(database, Cart(other, 1, ("rice", 1))));
        Assert.Equal((0, 0, 0), await WrittenAsync(database, s));
        Assert.Equal((0, 0, 0), await WrittenAsync(database, other));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_WithTheSameItemOnTwoLines_MergesThemIntoOneLine(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "soap", 5, 10);

        var checkout = await CheckoutAsync(database, Cart(s, 1, ("soap", 1), ("soap", 2)));

        Assert.Equal(("soap", 3, 15), checkout.Lines.Select(l => (l.ItemCode, l.Quantity, l.Points)).Single());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_OfAReservation_ReleasesItsHoldTakesTheStockAndFulfilsIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        var rice = await ItemAsync(database, s, "rice", 30, 3);
        var reservationId = Ids.New();
        await using (var db = database.NewContext())
        {
            var item = await db.ShopItems.SingleAsync(i => i.VillageId == s.V.VillageId && i.Id == rice.Id);
            item.Reserved = 2;
            db.Reservations.Add(new Reservation
            {
                VillageId = s.V.VillageId, Id = reservationId, Number = 7, HouseholdId = s.V.HouseholdIds[0], State = ReservationState.Reserved,
                ReservedBy = s.Clerk, ReservedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(3),
                Lines = [new ReservationLine { VillageId = s.V.VillageId, ReservationId = reservationId, LineNo = 1, ItemId = rice.Id, Quantity = 2, UnitPoints = 30 }],
            });
            await db.SaveChangesAsync();
        }

        // The one unit not held cannot be sold twice over the hold, and another household cannot take the reservation.
        Assert.Equal("stock.insufficient", await OutcomeOfAsync(database, Cart(s, 2, ("rice", 2))));
        Assert.Equal("reservation.other-household", await OutcomeOfAsync(database, Cart(s, 2) with { ReservationNumber = 7 }));
        Assert.Equal("checkout.reservation-with-lines", await OutcomeOfAsync(database, Cart(s, 1, ("rice", 1)) with { ReservationNumber = 7 }));
        var checkout = await CheckoutAsync(database, Cart(s, 1) with { ReservationNumber = 7 });

        Assert.Equal((60, reservationId), (checkout.PointsSpent, checkout.ReservationId));
        await using var read = database.NewContext();
        var after = await read.ShopItems.SingleAsync(i => i.VillageId == s.V.VillageId && i.Id == rice.Id);
        Assert.Equal((1, 0), (after.Stock, after.Reserved));
        var reservation = await read.Reservations.SingleAsync(r => r.VillageId == s.V.VillageId && r.Id == reservationId);
        Assert.Equal((ReservationState.Fulfilled, (Guid?)checkout.Id), (reservation.State, reservation.CheckoutId));
        Assert.Equal("reservation.not-open", await OutcomeOfAsync(database, Cart(s, 1) with { ReservationNumber = 7 }));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_NumbersReceiptsOneByOneWithinTheVillage(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database, households: 5);
        await ItemAsync(database, s, "soap", 1, 100);

        var receipts = await RunTogetherAsync(10, i => CheckoutAsync(database, Cart(s, i % 5 + 1, ("soap", 1))));

        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), receipts.Select(r => r.Number).Order());
        Assert.Equal(90, await StockAsync(database, s, "soap"));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkout_OutsideShopHours_IsAllowedButMarked(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var s = await ArrangeAsync(database);
        await ItemAsync(database, s, "soap", 1, 10);
        var yesterday = DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1);
        // The village's shop opens 08:00–18:00 every day (Asia/Shanghai, UTC+8).
        var lateEvening = new FakeTimeProvider(new DateTimeOffset(yesterday.AddHours(15), TimeSpan.Zero));
        var morning = new FakeTimeProvider(new DateTimeOffset(yesterday.AddHours(2), TimeSpan.Zero));

        var late = await CheckoutAsync(database, Cart(s, 1, ("soap", 1)), lateEvening);
        var open = await CheckoutAsync(database, Cart(s, 2, ("soap", 1)), morning);

        Assert.Equal((true, false), (late.OutsideShopHours, open.OutsideShopHours));
    }
}
