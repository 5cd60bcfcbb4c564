using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Shop;

/// <summary>A household at the counter: who it is, what it holds and what of that it may spend.</summary>
public sealed record HouseholdWallet(int Number, string HeadName, long Balance, long Spendable, bool AllowSpendBeforeEffective);

public sealed record ReceiptLine(int LineNo, string ItemCode, string ItemName, string Unit, int Quantity, int UnitPoints, int Points);

public sealed record ReceiptVoucher(string Code, string ItemName, string MerchantName, DateOnly ValidUntil, VoucherState State);

/// <summary>A receipt (兑换凭证) as it is shown and printed.</summary>
public sealed record CheckoutReceipt(
    long Number,
    CheckoutState State,
    int HouseholdNo,
    string HouseholdHead,
    int PointsSpent,
    long BalanceAfter,
    bool OutsideShopHours,
    DateOnly OccurredOn,
    DateTimeOffset RecordedAt,
    string Clerk,
    long? ReservationNumber,
    IReadOnlyList<ReceiptLine> Lines,
    IReadOnlyList<ReceiptVoucher> Vouchers,
    DateTimeOffset? CancelledAt,
    string? CancelledBy,
    string? CancelReason);

/// <summary>A checkout in a list: the day's counter, a household's receipts.</summary>
public sealed record CheckoutSummary(long Number, CheckoutState State, int HouseholdNo, string HouseholdHead, int PointsSpent,
    int Items, DateOnly OccurredOn, DateTimeOffset RecordedAt, bool OutsideShopHours);

/// <summary>An item on the counter's shelf: what the clerk can put in a cart.</summary>
public sealed record ShelfItem(string Code, ItemCategory Category, string NameZh, string NameEn, string Unit, int PricePoints, int Available,
    bool IsVoucher, int? LimitPerHousehold, LimitPeriod LimitPeriod)
{
    public string Name(bool chinese) => chinese ? NameZh : NameEn;
}

/// <summary>A reservation waiting for pickup, as the counter loads it.</summary>
public sealed record PickupView(long Number, int HouseholdNo, ReservationState State, DateTimeOffset ExpiresAt, IReadOnlyList<(string Code, int Quantity)> Lines);

/// <summary>Reads of checkouts, always within one village.</summary>
public sealed class CheckoutQueries(VillagePointsDb db)
{
    public const int MaxTake = 200;

    public async Task<HouseholdWallet?> WalletAsync(Guid villageId, int householdNo, CancellationToken ct)
    {
        var household = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && h.Number == householdNo)
            .Select(h => new { h.Id, h.Number, h.HeadName }).SingleOrDefaultAsync(ct);
        if (household is null)
            return null;
        var allow = await db.Villages.AsNoTracking().Where(v => v.Id == villageId).Select(v => v.Settings.AllowSpendBeforeEffective).SingleAsync(ct);
        var balance = await db.HouseholdBalances.AsNoTracking()
            .SingleOrDefaultAsync(b => b.VillageId == villageId && b.HouseholdId == household.Id, ct) ?? new HouseholdBalance();
        return new HouseholdWallet(household.Number, household.HeadName, balance.Total, Math.Max(0, LedgerPosting.Spendable(balance, allow)), allow);
    }

    public async Task<CheckoutReceipt?> ReceiptAsync(Guid villageId, long number, CancellationToken ct)
    {
        var checkout = await db.Checkouts.AsNoTracking().Include(x => x.Lines)
            .SingleOrDefaultAsync(x => x.VillageId == villageId && x.Number == number, ct);
        return checkout is null ? null : await ReceiptAsync(checkout, ct);
    }

    /// <summary>The household a checkout belongs to, for the scope check before it is shown.</summary>
    public Task<Guid?> HouseholdOfAsync(Guid villageId, long number, CancellationToken ct) =>
        db.Checkouts.AsNoTracking().Where(x => x.VillageId == villageId && x.Number == number).Select(x => (Guid?)x.HouseholdId)
            .SingleOrDefaultAsync(ct);

    public async Task<CheckoutReceipt> ReceiptAsync(Checkout checkout, CancellationToken ct)
    {
        var villageId = checkout.VillageId;
        var household = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && h.Id == checkout.HouseholdId)
            .Select(h => new { h.Number, h.HeadName }).SingleAsync(ct);
        var people = new[] { checkout.ClerkId, checkout.CancelledBy ?? Guid.Empty };
        var names = await db.UserAccounts.AsNoTracking().Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => v.VillageId == villageId && v.CheckoutId == checkout.Id)
            .OrderBy(v => v.LineNo).ThenBy(v => v.Id).ToListAsync(ct);
        var merchantIds = vouchers.Select(v => v.MerchantId).Distinct().ToList();
        var merchants = await db.Merchants.AsNoTracking().Where(m => m.VillageId == villageId && merchantIds.Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        long? reservationNumber = checkout.ReservationId is { } rid
            ? await db.Reservations.AsNoTracking().Where(r => r.VillageId == villageId && r.Id == rid).Select(r => (long?)r.Number).SingleOrDefaultAsync(ct)
            : null;
        var lines = checkout.Lines.OrderBy(l => l.LineNo).ToList();
        return new CheckoutReceipt(checkout.Number, checkout.State, household.Number, household.HeadName, checkout.PointsSpent, checkout.BalanceAfter,
            checkout.OutsideShopHours, checkout.OccurredOn, checkout.RecordedAt, names.GetValueOrDefault(checkout.ClerkId) ?? "", reservationNumber,
            lines.Select(l => new ReceiptLine(l.LineNo, l.ItemCode, l.ItemName, l.Unit, l.Quantity, l.UnitPoints, l.Points)).ToList(),
            vouchers.Select(v => new ReceiptVoucher(v.Code, lines.FirstOrDefault(l => l.LineNo == v.LineNo)?.ItemName ?? "",
                merchants.GetValueOrDefault(v.MerchantId) ?? "", v.ValidUntil, v.State)).ToList(),
            checkout.CancelledAt, checkout.CancelledBy is { } by ? names.GetValueOrDefault(by) : null, checkout.CancelReason);
    }

    /// <summary>The active items, by category then name, with what can be sold now (stock not held for reservations).</summary>
    /// <param name="includeInactive">Also items no longer offered: a reservation made before still holds them.</param>
    public async Task<List<ShelfItem>> ShelfAsync(Guid villageId, CancellationToken ct, bool includeInactive = false)
    {
        var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == villageId && (i.Active || includeInactive)).ToListAsync(ct);
        return items.OrderBy(i => i.Category).ThenBy(i => i.Code, StringComparer.Ordinal)
            .Select(i => new ShelfItem(i.Code, i.Category, i.NameZh, i.NameEn, i.Unit, i.PricePoints, i.Available, i.IsVoucher,
                i.LimitPerHousehold, i.LimitPeriod)).ToList();
    }

    public async Task<PickupView?> PickupAsync(Guid villageId, long number, CancellationToken ct)
    {
        var reservation = await db.Reservations.AsNoTracking().Include(r => r.Lines)
            .SingleOrDefaultAsync(r => r.VillageId == villageId && r.Number == number, ct);
        if (reservation is null)
            return null;
        var itemIds = reservation.Lines.Select(l => l.ItemId).ToList();
        var codes = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == villageId && itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Code, ct);
        var householdNo = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && h.Id == reservation.HouseholdId)
            .Select(h => h.Number).SingleAsync(ct);
        return new PickupView(reservation.Number, householdNo, reservation.State, reservation.ExpiresAt,
            reservation.Lines.OrderBy(l => l.LineNo).Select(l => (codes[l.ItemId], l.Quantity)).ToList());
    }

    /// <summary>Newest first; <paramref name="householdId"/> narrows to one household, <paramref name="day"/> to one business day.</summary>
    public async Task<List<CheckoutSummary>> ListAsync(Guid villageId, Guid? householdId, DateOnly? day, int take, CancellationToken ct)
    {
        var rows = await db.Checkouts.AsNoTracking()
            .Where(x => x.VillageId == villageId && (householdId == null || x.HouseholdId == householdId) && (day == null || x.OccurredOn == day))
            .OrderByDescending(x => x.Number).Take(Math.Clamp(take, 1, MaxTake))
            .Select(x => new
            {
                x.Number, x.State, x.HouseholdId, x.PointsSpent, x.OccurredOn, x.RecordedAt, x.OutsideShopHours,
                Items = db.CheckoutLines.Where(l => l.VillageId == villageId && l.CheckoutId == x.Id).Sum(l => (int?)l.Quantity) ?? 0,
            }).ToListAsync(ct);
        var ids = rows.Select(r => r.HouseholdId).Distinct().ToList();
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && ids.Contains(h.Id))
            .ToDictionaryAsync(h => h.Id, h => new { h.Number, h.HeadName }, ct);
        return rows.Select(r => new CheckoutSummary(r.Number, r.State, households[r.HouseholdId].Number, households[r.HouseholdId].HeadName,
            r.PointsSpent, r.Items, r.OccurredOn, r.RecordedAt, r.OutsideShopHours)).ToList();
    }
}
