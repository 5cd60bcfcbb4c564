using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Shop;

/// <summary>One price within a month's settlement: a merchant settled at two prices in one month gets two groups.</summary>
public sealed record SettlementGroup(long PriceFen, int Count, long TotalFen);

/// <summary>One honoured voucher on a settlement.</summary>
public sealed record SettlementLine(string Code, string ItemCode, string ItemNameZh, string ItemNameEn, int HouseholdNo, DateTimeOffset HonouredAt,
    long PriceFen);

/// <summary>A merchant's settlement (结算) for one month: what the village owes it for the vouchers it honoured.</summary>
public sealed record MerchantSettlement(string MerchantCode, string MerchantName, int Month, int Count, long TotalFen,
    IReadOnlyList<SettlementGroup> Groups, IReadOnlyList<SettlementLine> Lines)
{
    public string MonthText => SettlementMonths.Format(Month);
}

/// <summary>A merchant's line on the village's view of a month.</summary>
public sealed record MerchantMonthSummary(string MerchantCode, string MerchantName, bool Active, int Count, long TotalFen,
    IReadOnlyList<SettlementGroup> Groups);

/// <summary>The village's view of a month: every merchant with what it is owed.</summary>
public sealed record VillageSettlement(int Month, IReadOnlyList<MerchantMonthSummary> Merchants, int Count, long TotalFen)
{
    public string MonthText => SettlementMonths.Format(Month);
}

/// <summary>Settlement months as the API and pages write them (<c>yyyy-MM</c>) and as vouchers store them (yyyymm).</summary>
public static class SettlementMonths
{
    public const int FirstYear = 2000;
    public const int LastYear = 2100;

    /// <summary>The month in <c>yyyy-MM</c>, or a clear refusal for anything else.</summary>
    public static int Parse(string? text)
    {
        if (text is { Length: 7 } && text[4] == '-'
            && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            && year is >= FirstYear and <= LastYear && month is >= 1 and <= 12)
            return year * 100 + month;
        throw new DomainException("settlement.month-invalid", $"A month is written yyyy-MM, e.g. 2026-03, from {FirstYear} to {LastYear}.");
    }

    public static string Format(int month) => string.Create(CultureInfo.InvariantCulture, $"{month / 100:D4}-{month % 100:D2}");

    public static int Previous(int month) => month % 100 == 1 ? (month / 100 - 1) * 100 + 12 : month - 1;
}

/// <summary>
/// Monthly settlements with partner merchants: per merchant and month, the honoured vouchers counted at the
/// settlement price each carried when it was issued (count × agreed price in fen), grouped by price when the
/// price changed within the month. Read from the vouchers themselves, so the figures cannot drift from them.
/// </summary>
public sealed class MerchantSettlements(VillagePointsDb db)
{
    public async Task<MerchantSettlement> ForMerchantAsync(Guid villageId, Merchant merchant, int month, CancellationToken ct = default)
    {
        var vouchers = await db.Vouchers.AsNoTracking()
            .Where(v => v.VillageId == villageId && v.MerchantId == merchant.Id && v.SettlementMonth == month && v.State == VoucherState.Honoured)
            .Select(v => new { v.Code, v.ItemId, v.HouseholdId, v.HonouredAt, v.SettlementPriceFen })
            .ToListAsync(ct);
        var itemIds = vouchers.Select(v => v.ItemId).Distinct().ToList();
        var householdIds = vouchers.Select(v => v.HouseholdId).Distinct().ToList();
        var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == villageId && itemIds.Contains(i.Id))
            .ToDictionaryAsync(i => i.Id, i => new { i.Code, i.NameZh, i.NameEn }, ct);
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && householdIds.Contains(h.Id))
            .ToDictionaryAsync(h => h.Id, h => h.Number, ct);
        var lines = vouchers
            .Select(v => new SettlementLine(v.Code, items[v.ItemId].Code, items[v.ItemId].NameZh, items[v.ItemId].NameEn, households[v.HouseholdId],
                v.HonouredAt!.Value, v.SettlementPriceFen))
            .OrderBy(l => l.HonouredAt).ThenBy(l => l.Code, StringComparer.Ordinal).ToList();
        var groups = Group(lines.Select(l => l.PriceFen));
        return new MerchantSettlement(merchant.Code, merchant.Name, month, lines.Count, groups.Sum(g => g.TotalFen), groups, lines);
    }

    public async Task<VillageSettlement> ForVillageAsync(Guid villageId, int month, CancellationToken ct = default)
    {
        var merchants = await db.Merchants.AsNoTracking().Where(m => m.VillageId == villageId).OrderBy(m => m.Code).ToListAsync(ct);
        var prices = await db.Vouchers.AsNoTracking()
            .Where(v => v.VillageId == villageId && v.SettlementMonth == month && v.State == VoucherState.Honoured)
            .GroupBy(v => new { v.MerchantId, v.SettlementPriceFen })
            .Select(g => new { g.Key.MerchantId, g.Key.SettlementPriceFen, Count = g.Count() })
            .ToListAsync(ct);
        var summaries = merchants.Select(m =>
        {
            var groups = prices.Where(p => p.MerchantId == m.Id).OrderBy(p => p.SettlementPriceFen)
                .Select(p => new SettlementGroup(p.SettlementPriceFen, p.Count, p.SettlementPriceFen * p.Count)).ToList();
            return new MerchantMonthSummary(m.Code, m.Name, m.Active, groups.Sum(g => g.Count), groups.Sum(g => g.TotalFen), groups);
        }).ToList();
        return new VillageSettlement(month, summaries, summaries.Sum(s => s.Count), summaries.Sum(s => s.TotalFen));
    }

    /// <summary>The months in which the merchant honoured vouchers, latest first.</summary>
    public Task<List<int>> MonthsAsync(Guid villageId, Guid merchantId, CancellationToken ct = default) =>
        db.Vouchers.AsNoTracking()
            .Where(v => v.VillageId == villageId && v.MerchantId == merchantId && v.SettlementMonth != null && v.State == VoucherState.Honoured)
            .Select(v => v.SettlementMonth!.Value).Distinct().OrderByDescending(m => m).ToListAsync(ct);

    /// <summary>The months in which any merchant of the village honoured vouchers, latest first.</summary>
    public Task<List<int>> VillageMonthsAsync(Guid villageId, CancellationToken ct = default) =>
        db.Vouchers.AsNoTracking()
            .Where(v => v.VillageId == villageId && v.SettlementMonth != null && v.State == VoucherState.Honoured)
            .Select(v => v.SettlementMonth!.Value).Distinct().OrderByDescending(m => m).ToListAsync(ct);

    private static List<SettlementGroup> Group(IEnumerable<long> prices) =>
        prices.GroupBy(p => p).OrderBy(g => g.Key).Select(g => new SettlementGroup(g.Key, g.Count(), g.Key * g.Count())).ToList();
}
