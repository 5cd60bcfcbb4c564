using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Shop;

/// <summary>How an item's stock on hand is valued.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StockValuation>))]
public enum StockValuation
{
    /// <summary>At the average unit cost of its purchase receipts.</summary>
    PurchaseCost,

    /// <summary>Only donated, at the donors' declared value per unit.</summary>
    DeclaredValue,

    /// <summary>Only donated, and no donor declared a value: counted, not valued.</summary>
    NotValued,
}

/// <summary>One item's stock on hand and what it is worth.</summary>
public sealed record FundingItem(string Code, ItemCategory Category, string NameZh, string NameEn, string Unit, int Stock, long? UnitCostFen,
    long ValueFen, StockValuation Valuation)
{
    public string Name(bool chinese) => chinese ? NameZh : NameEn;
}

/// <summary>Goods that came into stock in one year, by where they came from.</summary>
/// <param name="DonatedFen">The donors' declared value; <paramref name="DonatedUnvaluedUnits"/> came without one.</param>
public sealed record GoodsReceived(int Year, long PurchasedUnits, long PurchasedFen, long DonatedUnits, long DonatedFen, long DonatedUnvaluedUnits);

/// <summary>What the shop handed over in one month (checkouts that stand).</summary>
/// <param name="Month">The first day of the month.</param>
public sealed record RedemptionMonth(DateOnly Month, long Points, long Items, int Checkouts);

/// <summary>
/// The plain answer to "can we afford what we promised?": the points households may spend, at
/// <see cref="ShopFunding.AssumedFenPerPoint"/>, against the goods on the shelves at cost.
/// </summary>
/// <param name="OwedFen">Points outstanding in money.</param>
/// <param name="CoveredFen">Stock on hand at cost (purchase cost, or declared value where only donated).</param>
/// <param name="ShortfallFen">What more goods would cost to cover every spendable point at once; zero when covered.</param>
/// <param name="CoverPercent">Stock as a share of what is owed, rounded down; 100 or more when covered.</param>
/// <param name="MonthsOfStock">How long the stock lasts at the last twelve months' pace of redemptions; null without redemptions.</param>
public sealed record Affordability(long OwedFen, long CoveredFen, long ShortfallFen, int CoverPercent, bool Covered, decimal? MonthsOfStock);

/// <summary>The committee's funding view of its points supermarket (积分超市资金保障).</summary>
/// <param name="PointsOutstanding">What the village owes: the sum of the households' spendable balances (as the village's
/// <c>AllowSpendBeforeEffective</c> decides; a household below zero owes, it is not owed).</param>
/// <param name="PointsOutstandingWithPublicised">The same with every publicised point counted, as they will be once their notices close.</param>
/// <param name="OpenVouchers">Vouchers issued, not honoured and not expired: the merchants may still claim them.</param>
/// <param name="OpenVouchersFen">What the village pays the merchants if every open voucher is honoured.</param>
public sealed record FundingFigures(
    DateOnly AsOf,
    bool AllowSpendBeforeEffective,
    long PointsOutstanding,
    long PointsOutstandingWithPublicised,
    long StockValueFen,
    long StockValueAtPurchaseCostFen,
    long StockValueAtDeclaredValueFen,
    int UnitsNotValued,
    int OpenVouchers,
    long OpenVouchersFen,
    IReadOnlyList<FundingItem> Items,
    IReadOnlyList<GoodsReceived> Received,
    IReadOnlyList<RedemptionMonth> Redemptions,
    Affordability Affordability)
{
    /// <summary>The rate the comparison assumed, so that a reader of the figures sees it.</summary>
    public long AssumedFenPerPoint => ShopFunding.AssumedFenPerPoint;
}

/// <summary>Reads the funding view: points outstanding, stock at cost, goods received by source, redemptions by month.</summary>
public sealed class ShopFunding(VillagePointsDb db, TimeProvider time)
{
    /// <summary>
    /// The points-to-money rate of the comparison. Villages have no rate of their own yet; the shops price goods so that one
    /// point buys about one yuan of them, so the view assumes 1 point = 1 yuan (100 fen) and says so.
    /// </summary>
    public const long AssumedFenPerPoint = 100;

    public const int RedemptionMonths = 12;

    public async Task<FundingFigures> ReadAsync(Guid villageId, CancellationToken ct = default)
    {
        var today = BusinessCalendar.Today(time);
        var allowSpend = await db.Villages.AsNoTracking().Where(v => v.Id == villageId).Select(v => (bool?)v.Settings.AllowSpendBeforeEffective)
            .SingleOrDefaultAsync(ct) ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);

        var balances = await db.HouseholdBalances.AsNoTracking().Where(b => b.VillageId == villageId).ToListAsync(ct);
        var outstanding = balances.Sum(b => Math.Max(0, LedgerPosting.Spendable(b, allowSpend)));
        var outstandingWithPublicised = balances.Sum(b => Math.Max(0, b.Total));

        var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == villageId).ToListAsync(ct);
        var goodsIds = items.Where(i => !i.IsVoucher).Select(i => i.Id).ToHashSet();
        var receipts = (await db.StockMovements.AsNoTracking()
                .Where(m => m.VillageId == villageId && (m.Kind == StockMovementKind.Purchase || m.Kind == StockMovementKind.Donation))
                .Select(m => new { m.ItemId, m.Kind, m.Quantity, m.CostFen, m.OccurredOn }).ToListAsync(ct))
            .Where(m => goodsIds.Contains(m.ItemId)).ToList();

        var fundingItems = new List<FundingItem>();
        foreach (var item in items.Where(i => !i.IsVoucher).OrderBy(i => i.Category).ThenBy(i => i.Code, StringComparer.Ordinal))
        {
            var mine = receipts.Where(r => r.ItemId == item.Id && r.CostFen is not null && r.Quantity > 0).ToList();
            var bought = mine.Where(r => r.Kind == StockMovementKind.Purchase).ToList();
            var given = mine.Where(r => r.Kind == StockMovementKind.Donation).ToList();
            var (unitCost, valuation) = bought.Count > 0
                ? (Average(bought.Sum(r => r.CostFen!.Value), bought.Sum(r => (long)r.Quantity)), StockValuation.PurchaseCost)
                : given.Count > 0
                    ? (Average(given.Sum(r => r.CostFen!.Value), given.Sum(r => (long)r.Quantity)), StockValuation.DeclaredValue)
                    : ((long?)null, StockValuation.NotValued);
            fundingItems.Add(new FundingItem(item.Code, item.Category, item.NameZh, item.NameEn, item.Unit, item.Stock, unitCost,
                (unitCost ?? 0) * item.Stock, valuation));
        }

        var received = receipts.GroupBy(r => r.OccurredOn.Year).OrderBy(g => g.Key).Select(g =>
        {
            var bought = g.Where(r => r.Kind == StockMovementKind.Purchase).ToList();
            var given = g.Where(r => r.Kind == StockMovementKind.Donation).ToList();
            return new GoodsReceived(g.Key, bought.Sum(r => (long)r.Quantity), bought.Sum(r => r.CostFen ?? 0),
                given.Sum(r => (long)r.Quantity), given.Sum(r => r.CostFen ?? 0), given.Where(r => r.CostFen is null).Sum(r => (long)r.Quantity));
        }).ToList();

        var firstMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-(RedemptionMonths - 1));
        var sold = await db.CheckoutLines.AsNoTracking().Where(l => l.VillageId == villageId)
            .Join(db.Checkouts.Where(c => c.VillageId == villageId && c.State == CheckoutState.Completed && c.OccurredOn >= firstMonth),
                l => new { l.VillageId, Id = l.CheckoutId }, c => new { c.VillageId, c.Id }, (l, c) => new { c.Id, c.OccurredOn, l.Quantity, l.Points })
            .ToListAsync(ct);
        var redemptions = Enumerable.Range(0, RedemptionMonths).Select(k => firstMonth.AddMonths(k)).Select(month =>
        {
            var lines = sold.Where(s => s.OccurredOn >= month && s.OccurredOn < month.AddMonths(1)).ToList();
            return new RedemptionMonth(month, lines.Sum(s => (long)s.Points), lines.Sum(s => (long)s.Quantity), lines.Select(s => s.Id).Distinct().Count());
        }).ToList();

        var openVouchers = await db.Vouchers.AsNoTracking()
            .Where(v => v.VillageId == villageId && v.State == VoucherState.Issued && v.ValidUntil >= today)
            .Select(v => v.SettlementPriceFen).ToListAsync(ct);

        var atCost = fundingItems.Where(i => i.Valuation == StockValuation.PurchaseCost).Sum(i => i.ValueFen);
        var atDeclared = fundingItems.Where(i => i.Valuation == StockValuation.DeclaredValue).Sum(i => i.ValueFen);
        return new FundingFigures(today, allowSpend, outstanding, outstandingWithPublicised, atCost + atDeclared, atCost, atDeclared,
            fundingItems.Where(i => i.Valuation == StockValuation.NotValued).Sum(i => i.Stock), openVouchers.Count, openVouchers.Sum(),
            fundingItems, received, redemptions, Afford(outstanding, atCost + atDeclared, redemptions));
    }

    /// <summary>Stock against what is owed, and how long the stock lasts at the pace of the last twelve months.</summary>
    public static Affordability Afford(long pointsOutstanding, long stockFen, IReadOnlyList<RedemptionMonth> months)
    {
        var owed = pointsOutstanding * AssumedFenPerPoint;
        var covered = stockFen >= owed;
        var percent = owed == 0 ? 100 : (int)Math.Min(int.MaxValue, stockFen * 100 / owed);
        var monthly = months.Count == 0 ? 0 : months.Sum(m => m.Points) * AssumedFenPerPoint / (decimal)months.Count;
        decimal? lasts = monthly == 0 ? null : Math.Round(stockFen / monthly, 1, MidpointRounding.ToZero);
        return new Affordability(owed, stockFen, covered ? 0 : owed - stockFen, percent, covered, lasts);
    }

    private static long Average(long totalFen, long units) => units == 0 ? 0 : (long)Math.Round(totalFen / (decimal)units, MidpointRounding.AwayFromZero);
}
