using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Shop;

/// <summary>
/// The committee's funding view on a small arranged village: three households (200 effective points; 100 effective and 50
/// publicised; 30 deducted), rice bought twice at different costs, oil only donated with a declared value, towels donated
/// without one, a haircut voucher, and a few checkouts, one of them cancelled and one older than a year.
/// </summary>
public sealed class ShopFundingTests
{
    private sealed record Arranged(ArrangedVillage Village, Guid Clerk, ShopItem Rice, ShopItem Haircut);

    private static async Task<Arranged> ArrangeAsync(TestDatabase database)
    {
        var v = await VillageBuilder.ArrangeAsync(database, 3);
        var clerk = await ClerkAsync(database, v);
        await using (var db = database.NewContext())
        {
            await Posting(db).PostBatchAsync(v.VillageId,
            [
                Award(v, 1, 200, state: EntryState.Effective),
                Award(v, 2, 100, state: EntryState.Effective),
                Award(v, 2, 50),
                Deduction(v, 3, 30, state: EntryState.Effective),
            ]);
        }

        await using var shop = database.NewContext();
        var rice = await ShopBuilder.AddItemAsync(shop, v.VillageId, clerk, "rice", 50, stock: 10);
        var today = BusinessCalendar.Today(TimeProvider.System);
        StockKeeping.Append(shop, rice, new StockChange(StockMovementKind.Purchase, 10, clerk, today, CostFen: 14_000, Counterparty: "沙琅镇粮油批发部"),
            DateTimeOffset.UtcNow);
        var oil = await ShopBuilder.AddItemAsync(shop, v.VillageId, clerk, "oil", 58, stock: 0);
        StockKeeping.Append(shop, oil, new StockChange(StockMovementKind.Donation, 5, clerk, today, CostFen: 15_000, Counterparty: "沙琅镇商会"),
            DateTimeOffset.UtcNow);
        var towel = await ShopBuilder.AddItemAsync(shop, v.VillageId, clerk, "towel", 10, stock: 0, ItemCategory.DailyGoods);
        StockKeeping.Append(shop, towel, new StockChange(StockMovementKind.Donation, 4, clerk, today, Counterparty: "乡贤陈先生"), DateTimeOffset.UtcNow);
        var barber = await ShopBuilder.AddMerchantAsync(shop, v.VillageId, "barber");
        var haircut = await ShopBuilder.AddItemAsync(shop, v.VillageId, clerk, "haircut", 15, stock: 20, ItemCategory.ServiceVoucher, barber.Id);
        await shop.SaveChangesAsync();
        return new Arranged(v, clerk, rice, haircut);
    }

    /// <summary>A checkout as the till writes one: Redemption entries, stock taken, the receipt; cancelled by reversal if asked.</summary>
    private static async Task<Checkout> SellAsync(TestDatabase database, Arranged a, int household, ShopItem item, int quantity, long number,
        DateOnly? on = null, bool cancel = false)
    {
        await using var db = database.NewContext();
        var day = on ?? BusinessCalendar.Today(TimeProvider.System);
        var tracked = await db.ShopItems.SingleAsync(i => i.VillageId == a.Village.VillageId && i.Id == item.Id);
        var points = quantity * tracked.PricePoints;
        await using var tx = await db.Database.BeginTransactionAsync();
        var posting = Posting(db);
        var entry = (await posting.AppendAsync(a.Village.VillageId,
        [
            new PostEntry(a.Village.VillageId, a.Village.HouseholdIds[household - 1], -points, EntryKind.Redemption, "积分超市兑换",
                SourceKinds.Checkout, $"checkout:{number}", OccurredOn: day),
        ], default))[0];
        var checkout = new Checkout
        {
            VillageId = a.Village.VillageId, Id = Ids.New(), Number = number, HouseholdId = a.Village.HouseholdIds[household - 1],
            PointsSpent = points, OccurredOn = day, RecordedAt = BusinessCalendar.Truncate(DateTimeOffset.UtcNow), ClerkId = a.Clerk,
            Lines =
            [
                new CheckoutLine
                {
                    VillageId = a.Village.VillageId, LineNo = 1, ItemId = tracked.Id, ItemCode = tracked.Code, ItemName = tracked.NameZh, Unit = tracked.Unit,
                    Quantity = quantity, UnitPoints = tracked.PricePoints, Points = points, EntryId = entry.Id,
                },
            ],
        };
        db.Checkouts.Add(checkout);
        StockKeeping.Append(db, tracked, new StockChange(StockMovementKind.Checkout, -quantity, a.Clerk, day, CheckoutId: checkout.Id), DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
        if (cancel)
        {
            var reversal = await posting.AppendReversalAsync(new ReverseEntry(a.Village.VillageId, entry.Number, "撤销兑换", a.Clerk),
                SourceKinds.Checkout, $"checkout:{number}", default);
            checkout.State = CheckoutState.Cancelled;
            checkout.CancelledAt = checkout.RecordedAt;
            checkout.CancelledBy = a.Clerk;
            checkout.Lines[0].ReversalEntryId = reversal.Id;
            StockKeeping.Append(db, tracked, new StockChange(StockMovementKind.Return, quantity, a.Clerk, day, CheckoutId: checkout.Id), DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }
        await tx.CommitAsync();
        return checkout;
    }

    private static async Task AddVoucherAsync(TestDatabase database, Arranged a, Checkout checkout, DateOnly validUntil, VoucherState state)
    {
        await using var db = database.NewContext();
        db.Vouchers.Add(new Voucher
        {
            VillageId = a.Village.VillageId, Id = Ids.New(), Code = VoucherCodes.New(), CheckoutId = checkout.Id, LineNo = 1, ItemId = a.Haircut.Id,
            MerchantId = a.Haircut.MerchantId!.Value, HouseholdId = checkout.HouseholdId, State = state, ValidUntil = validUntil,
            SettlementPriceFen = 1_500, IssuedAt = checkout.RecordedAt,
        });
        await db.SaveChangesAsync();
    }

    private static async Task<Arranged> ArrangeWithCheckoutsAsync(TestDatabase database)
    {
        var a = await ArrangeAsync(database);
        var today = BusinessCalendar.Today(TimeProvider.System);
        await SellAsync(database, a, 1, a.Rice, 2, 1);
        var haircut = await SellAsync(database, a, 1, a.Haircut, 1, 2);
        await SellAsync(database, a, 2, a.Rice, 1, 3, cancel: true);
        await SellAsync(database, a, 1, a.Rice, 1, 4, on: new DateOnly(today.Year, today.Month, 1).AddMonths(-13));
        await AddVoucherAsync(database, a, haircut, today.AddDays(90), VoucherState.Issued);
        await AddVoucherAsync(database, a, haircut, today.AddDays(-1), VoucherState.Issued);
        await AddVoucherAsync(database, a, haircut, today.AddDays(90), VoucherState.Honoured);
        return a;
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReadAsync_OwesTheSpendableBalances_AndShowsThemWithPublicisedPointsToo(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var a = await ArrangeWithCheckoutsAsync(database);

        await using var db = database.NewContext();
        var figures = await new ShopFunding(db, TimeProvider.System).ReadAsync(a.Village.VillageId);

        // Household 1: 200 − 165 spent (115 this month, 50 a year ago); household 2: 100, its 50 publicised do not count yet, and its
        // cancelled checkout gave its points back; household 3 is below zero and owed nothing.
        Assert.False(figures.AllowSpendBeforeEffective);
        Assert.Equal(35 + 100, figures.PointsOutstanding);
        Assert.Equal(35 + 150, figures.PointsOutstandingWithPublicised);

        await ChangeVillageAsync(database, a.Village, village => village.Settings.AllowSpendBeforeEffective = true);
        await using var again = database.NewContext();
        Assert.Equal(35 + 150, (await new ShopFunding(again, TimeProvider.System).ReadAsync(a.Village.VillageId)).PointsOutstanding);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReadAsync_ValuesStockAtAveragePurchaseCost_DonatedOnlyGoodsAtTheirDeclaredValue_AndCountsTheUnvalued(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var a = await ArrangeWithCheckoutsAsync(database);

        await using var db = database.NewContext();
        var figures = await new ShopFunding(db, TimeProvider.System).ReadAsync(a.Village.VillageId);

        // Rice: 10 bought for 10,000 fen and 10 for 14,000: 1,200 fen each; 20 − 2 − 1 sold, the cancelled one came back.
        var rice = Assert.Single(figures.Items, i => i.Code == "rice");
        Assert.Equal((17, 1_200L, 17 * 1_200L, StockValuation.PurchaseCost), (rice.Stock, rice.UnitCostFen, rice.ValueFen, rice.Valuation));
        var oil = Assert.Single(figures.Items, i => i.Code == "oil");
        Assert.Equal((5, 3_000L, 15_000L, StockValuation.DeclaredValue), (oil.Stock, oil.UnitCostFen, oil.ValueFen, oil.Valuation));
        var towel = Assert.Single(figures.Items, i => i.Code == "towel");
        Assert.Equal((4, (long?)null, 0L, StockValuation.NotValued), (towel.Stock, towel.UnitCostFen, towel.ValueFen, towel.Valuation));
        // A voucher's quota is a merchant's promise, not goods on the shelf.
        Assert.DoesNotContain(figures.Items, i => i.Code == "haircut");

        Assert.Equal((20_400L, 15_000L, 35_400L, 4), (figures.StockValueAtPurchaseCostFen, figures.StockValueAtDeclaredValueFen, figures.StockValueFen,
            figures.UnitsNotValued));
        // One voucher is still open; one expired yesterday, one was honoured.
        Assert.Equal((1, 1_500L), (figures.OpenVouchers, figures.OpenVouchersFen));

        var year = Assert.Single(figures.Received);
        Assert.Equal(new GoodsReceived(BusinessCalendar.Today(TimeProvider.System).Year, 20, 24_000, 9, 15_000, 4), year);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReadAsync_CountsRedemptionsOfTheLastTwelveMonths_LeavingOutCancelledCheckouts(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var a = await ArrangeWithCheckoutsAsync(database);

        await using var db = database.NewContext();
        var figures = await new ShopFunding(db, TimeProvider.System).ReadAsync(a.Village.VillageId);

        var today = BusinessCalendar.Today(TimeProvider.System);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => thisMonth.AddMonths(k - 11)), figures.Redemptions.Select(m => m.Month));
        Assert.Equal(new RedemptionMonth(thisMonth, 115, 3, 2), figures.Redemptions[^1]);
        Assert.All(figures.Redemptions.SkipLast(1), m => Assert.Equal((0L, 0L, 0), (m.Points, m.Items, m.Checkouts)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReadAsync_AnswersWhetherTheStockCoversThePointsOwed_AtOnePointToTheYuan(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var a = await ArrangeWithCheckoutsAsync(database);

        await using var db = database.NewContext();
        var answer = (await new ShopFunding(db, TimeProvider.System).ReadAsync(a.Village.VillageId)).Affordability;

        // 135 points owed are 13,500 fen; 35,400 fen of goods cover them 2.6 times; 115 points a year is 958⅓ fen a month.
        Assert.Equal(100, ShopFunding.AssumedFenPerPoint);
        Assert.Equal(new Affordability(13_500, 35_400, 0, 262, true, 36.9m), answer);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VillageStats_CountsTheItemsOfCheckoutsThatStand_NotOfCancelledOnes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var a = await ArrangeWithCheckoutsAsync(database);
        var other = await ArrangeWithCheckoutsAsync(database);

        await using var db = database.NewContext();
        var stats = await new Reports.VillageStats(db).ComputeAsync(a.Village.VillageId);

        // Two bags and a haircut this month, a bag a year ago; the cancelled bag came back.
        Assert.Equal((4L, 165L), (stats.ItemsRedeemed, stats.PointsRedeemed));
        Assert.Equal(8L, (await new Reports.VillageStats(db).ComputeAsync(null)).ItemsRedeemed);
        Assert.NotEqual(a.Village.VillageId, other.Village.VillageId);
    }

    [Fact]
    public void Afford_WhenTheStockFallsShort_SaysByHowMuch()
    {
        var months = Enumerable.Range(0, 12).Select(k => new RedemptionMonth(new DateOnly(2026, 1, 1).AddMonths(k), 500, 20, 10)).ToList();
        Assert.Equal(new Affordability(100_000, 50_000, 50_000, 50, false, 1.0m), ShopFunding.Afford(1_000, 50_000, months));
        Assert.Equal(new Affordability(0, 0, 0, 100, true, null), ShopFunding.Afford(0, 0, []));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReadAsync_ForAnUnknownVillage_IsNotFound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var ex = await Assert.ThrowsAsync<DomainException>(() => new ShopFunding(db, TimeProvider.System).ReadAsync(Guid.NewGuid()));
        Assert.Equal("village.not-found", ex.Code);
    }

    private static async Task<Guid> ClerkAsync(TestDatabase database, ArrangedVillage v)
    {
        await using var db = database.NewContext();
        var user = new UserAccount
        {
            Id = Ids.New(), Phone = "177" + Random.Shared.Next(0, 99_999_999).ToString("D8", System.Globalization.CultureInfo.InvariantCulture),
            DisplayName = "李美玲", PasswordHash = "-", CreatedAt = DateTimeOffset.UtcNow,
        };
        user.Roles.Add(new RoleAssignment { Id = Ids.New(), UserId = user.Id, Role = Role.ShopClerk, VillageId = v.VillageId });
        db.UserAccounts.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }
}
