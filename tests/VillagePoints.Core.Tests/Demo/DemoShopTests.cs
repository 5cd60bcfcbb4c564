using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Core.Reports;
using VillagePoints.Core.Shop;
using Xunit.Abstractions;

namespace VillagePoints.Core.Tests.Demo;

/// <summary>The demo's points supermarket: its catalogue, and a history of checkouts the ledger and the stock chains agree with.</summary>
public sealed class DemoShopTests(DemoVillageFixture fixture, ITestOutputHelper output) : IClassFixture<DemoVillageFixture>
{
    private static async Task<Village> ShuixinAsync(VillagePointsDb db) =>
        await db.Villages.AsNoTracking().SingleAsync(v => v.Code == DemoVillage.VillageCode);

    [Fact]
    public async Task Seed_StocksAboutFortyItems_OnFourShelves_WithTwoPartnerMerchants()
    {
        await using var db = fixture.Open();
        var village = await ShuixinAsync(db);
        var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == village.Id).ToListAsync();
        Assert.InRange(items.Count, 38, 45);
        Assert.All(new[] { ItemCategory.Staples, ItemCategory.DailyGoods, ItemCategory.LocalProduce, ItemCategory.ServiceVoucher },
            c => Assert.True(items.Count(i => i.Category == c) >= 3, $"few {c}"));
        Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.NameZh) || string.IsNullOrWhiteSpace(i.NameEn) || string.IsNullOrWhiteSpace(i.Unit)));
        Assert.Equal(55, items.Single(i => i.Code == "rice-5kg").PricePoints);
        Assert.Contains(items, i => i.LimitPerHousehold is not null);
        Assert.Contains(items, i => !i.Active);

        var merchants = await db.Merchants.AsNoTracking().Where(m => m.VillageId == village.Id).ToListAsync();
        var barber = Assert.Single(merchants, m => m.Name == "永强理发店");
        var account = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Id == barber.AccountId);
        Assert.Equal(("13900000015", "吴永强"), (account.Phone, account.DisplayName));
        Assert.Contains(merchants, m => m.Name == "志华洗车行" && m.AccountId != null);
        var vouchers = items.Where(i => i.IsVoucher).ToList();
        Assert.Contains(vouchers, i => i.MerchantId == barber.Id && i.Code == "haircut");
        Assert.All(vouchers, i => Assert.True(i.MerchantId is not null && i.SettlementPriceFen > 0 && i.VoucherValidDays > 0));

        // 周二、周五、周日 08:30–17:30.
        Assert.Equal([DayOfWeek.Tuesday, DayOfWeek.Friday, DayOfWeek.Sunday], ShopHours.Days(village.Settings));
        Assert.Equal((new TimeOnly(8, 30), new TimeOnly(17, 30)), (village.Settings.ShopOpensAt, village.Settings.ShopClosesAt));
    }

    [Fact]
    public async Task Seed_RedeemsTheSeedsFiveThousandItems_AndStatsCountThem()
    {
        await using var db = fixture.Open();
        var village = await ShuixinAsync(db);
        var stats = await new VillageStats(db).ComputeAsync(village.Id);
        output.WriteLine($"items redeemed {stats.ItemsRedeemed}, points redeemed {stats.PointsRedeemed}, issued {stats.PointsIssued}");
        Assert.InRange(stats.ItemsRedeemed, 5_000, 7_000);

        var completed = await db.Checkouts.AsNoTracking().Where(c => c.VillageId == village.Id && c.State == CheckoutState.Completed)
            .Include(c => c.Lines).ToListAsync();
        Assert.Equal(completed.Sum(c => c.Lines.Sum(l => (long)l.Quantity)), stats.ItemsRedeemed);
        // Every point redeemed is a line of a checkout that stands.
        Assert.Equal(completed.Sum(c => (long)c.PointsSpent), stats.PointsRedeemed);
        Assert.All(completed, c => Assert.Equal(c.PointsSpent, c.Lines.Sum(l => l.Points)));
        Assert.Equal(new DateOnly(2023, 3, 3), completed.Min(c => c.OccurredOn));
        Assert.All(completed, c => Assert.Contains(c.OccurredOn.DayOfWeek, DemoShop.Days));

        var numbers = await db.Checkouts.Where(c => c.VillageId == village.Id).OrderBy(c => c.Number).Select(c => c.Number).ToListAsync();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);
        Assert.Equal(0, (await new VillageStats(db).ComputeAsync((await db.Villages.SingleAsync(v => v.Code == DemoVillage.GaocunCode)).Id)).ItemsRedeemed);
    }

    [Fact]
    public async Task Seed_WritesEachCheckoutLineAsARedemptionEntry_OfItsCheckout()
    {
        await using var db = fixture.Open();
        var village = await ShuixinAsync(db);
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == village.Id && e.SourceKind == SourceKinds.Checkout)
            .ToDictionaryAsync(e => e.Id);
        var checkouts = await db.Checkouts.AsNoTracking().Where(c => c.VillageId == village.Id).Include(c => c.Lines).ToListAsync();
        Assert.Equal(checkouts.Sum(c => c.Lines.Count + (c.State == CheckoutState.Cancelled ? c.Lines.Count : 0)), entries.Count);
        foreach (var checkout in checkouts)
        {
            foreach (var line in checkout.Lines)
            {
                var entry = entries[line.EntryId];
                Assert.Equal((EntryKind.Redemption, -line.Points, checkout.HouseholdId, $"checkout:{checkout.Number}", checkout.OccurredOn),
                    (entry.Kind, entry.Amount, entry.HouseholdId, entry.SourceRef, entry.OccurredOn));
                Assert.Equal(checkout.State == CheckoutState.Cancelled, line.ReversalEntryId is not null);
                if (line.ReversalEntryId is { } reversal)
                    Assert.Equal((EntryKind.Reversal, line.Points, entry.Id), (entries[reversal].Kind, entries[reversal].Amount, entries[reversal].ReversesEntryId));
            }
        }
        var cancelled = checkouts.Where(c => c.State == CheckoutState.Cancelled).ToList();
        Assert.InRange(cancelled.Count, 3, 100);
        Assert.All(cancelled, c => Assert.Equal(c.OccurredOn, BusinessCalendar.DateOf(c.CancelledAt!.Value)));
        var returns = await db.StockMovements.AsNoTracking().Where(m => m.VillageId == village.Id && m.Kind == StockMovementKind.Return).ToListAsync();
        Assert.Equal(cancelled.Sum(c => c.Lines.Sum(l => l.Quantity)), returns.Sum(m => m.Quantity));
        Assert.All(returns, m => Assert.Contains(cancelled, c => c.Id == m.CheckoutId));
    }

    [Fact]
    public async Task Seed_NeverLetsARedemptionTakeSpendablePointsBelowZero()
    {
        await using var db = fixture.Open();
        var village = await ShuixinAsync(db);
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == village.Id).OrderBy(e => e.Number)
            .Select(e => new { e.Id, e.HouseholdId, e.Amount, e.Kind, e.State, e.ReversesEntryId }).ToListAsync();
        var kinds = entries.ToDictionary(e => e.Id, e => e.Kind);
        var balances = new Dictionary<Guid, HouseholdBalance>();
        var redemptions = 0;
        foreach (var e in entries)
        {
            if (!balances.TryGetValue(e.HouseholdId, out var balance))
                balances[e.HouseholdId] = balance = new HouseholdBalance();
            LedgerPosting.Apply(balance, new LedgerEntry { Amount = e.Amount, Kind = e.Kind, State = e.State, Reason = "", SourceKind = "", PreviousHash = "", Hash = "" },
                e.ReversesEntryId is { } r ? kinds[r] : null);
            if (e.Kind != EntryKind.Redemption)
                continue;
            redemptions++;
            Assert.True(LedgerPosting.Spendable(balance, village.Settings.AllowSpendBeforeEffective) >= 0, $"a redemption overdrew household {e.HouseholdId}");
        }
        Assert.True(redemptions > 4_000);
        // Nor did any later penalty find the points spent: no household ends below zero.
        Assert.All(balances.Values, b => Assert.True(b.Total >= 0));
    }

    [Fact]
    public async Task Seed_KeepsEveryItemsStockChainSound_AndItsStockTheSumOfItsMovements()
    {
        await using var db = fixture.Open();
        var village = await ShuixinAsync(db);
        var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == village.Id).ToListAsync();
        var movements = (await db.StockMovements.AsNoTracking().Where(m => m.VillageId == village.Id).ToListAsync()).ToLookup(m => m.ItemId);
        foreach (var item in items)
        {
            var chain = movements[item.Id].OrderBy(m => m.Sequence).ToList();
            Assert.Equal(Enumerable.Range(1, chain.Count).Select(n => (long)n), chain.Select(m => m.Sequence));
            var (stock, previous) = (0, "");
            foreach (var m in chain)
            {
                stock += m.Quantity;
                Assert.Equal((stock, previous), (m.StockAfter, m.PreviousHash));
                Assert.True(stock >= 0);
                Assert.Equal(StockHash.Compute(m), m.Hash);
                previous = m.Hash;
            }
            Assert.Equal((stock, (long)chain.Count, previous, 0), (item.Stock, item.MovementCount, item.LastMovementHash, item.Reserved));
        }

        var purchases = movements.SelectMany(g => g).Where(m => m.Kind == StockMovementKind.Purchase).ToList();
        var goods = items.Where(i => !i.IsVoucher).Select(i => i.Id).ToHashSet();
        Assert.All(purchases.Where(m => goods.Contains(m.ItemId)), m => Assert.True(m.CostFen > 0 && m.Counterparty is not null));
        var donations = movements.SelectMany(g => g).Where(m => m.Kind == StockMovementKind.Donation).ToList();
        Assert.InRange(donations.Count, 5, 20);
        Assert.All(donations, m => Assert.NotNull(m.Counterparty));
        Assert.Contains(donations, m => m.CostFen is null);

        // Two or three items run low for the clerk's alert; the rest are well stocked.
        var low = items.Where(i => i.Active && i.Stock <= i.LowStockThreshold).Select(i => i.Code).ToList();
        output.WriteLine("low: " + string.Join(", ", low));
        Assert.InRange(low.Count, 2, 4);
        Assert.All(items.Where(i => i.Active), i => Assert.True(i.Stock > 0, $"{i.Code} is sold out"));
    }

    [Fact]
    public async Task Seed_IssuesVouchers_SomeHonouredAndSettled_SomeExpired_SomeOpen()
    {
        await using var db = fixture.Open();
        var village = await ShuixinAsync(db);
        var today = BusinessCalendar.Today(fixture.Time);
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => v.VillageId == village.Id).ToListAsync();
        var honoured = vouchers.Where(v => v.State == VoucherState.Honoured).ToList();
        Assert.True(honoured.Count > 10);
        Assert.All(honoured, v => Assert.True(v.HonouredBy is not null && v.SettlementMonth is not null
                                               && BusinessCalendar.DateOf(v.HonouredAt!.Value) <= v.ValidUntil));
        Assert.True(honoured.Select(v => v.SettlementMonth).Distinct().Count() > 3);
        Assert.Contains(vouchers, v => v.State == VoucherState.Issued && v.ValidUntil < today);
        Assert.Contains(vouchers, v => v.State == VoucherState.Issued && v.ValidUntil >= today);
        Assert.Equal(vouchers.Count, vouchers.Select(v => v.Code).Distinct().Count());
        Assert.All(vouchers, v => Assert.Equal(v.Code, VoucherCodes.Normalise(v.Code)));

        var lines = await db.CheckoutLines.AsNoTracking().Where(l => l.VillageId == village.Id)
            .Join(db.Checkouts.Where(c => c.State == CheckoutState.Completed), l => l.CheckoutId, c => c.Id, (l, c) => l)
            .Join(db.ShopItems.Where(i => i.Category == ItemCategory.ServiceVoucher), l => l.ItemId, i => i.Id, (l, i) => l.Quantity).SumAsync();
        Assert.Equal(lines, vouchers.Count);
    }
}
