using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;

namespace VillagePoints.Web.Shop;

/// <summary>One item on the villager's shelf: what it is, what it costs, whether any is left to take.</summary>
public sealed record BrowseItem(
    string Code,
    ItemCategory Category,
    string NameZh,
    string NameEn,
    string Unit,
    int PricePoints,
    int Available,
    int? LimitPerHousehold,
    LimitPeriod LimitPeriod,
    Guid? PhotoId,
    string? MerchantName)
{
    public bool IsVoucher => Category == ItemCategory.ServiceVoucher;

    public bool InStock => Available > 0;

    public string Name(bool chinese) => chinese ? NameZh : NameEn;
}

public sealed record ReceiptLine(string ItemName, string Unit, int Quantity, int UnitPoints, int Points);

/// <summary>A household's receipt (兑换凭证) as kept: names and prices as sold, not as the catalogue says today.</summary>
public sealed record Receipt(long Number, CheckoutState State, DateOnly OccurredOn, DateTimeOffset RecordedAt, int PointsSpent, long BalanceAfter,
    IReadOnlyList<ReceiptLine> Lines);

/// <summary>A household's voucher (服务券) with its item and merchant.</summary>
public sealed record HouseholdVoucher(string Code, string ItemNameZh, string ItemNameEn, string MerchantName, VoucherState State,
    DateOnly ValidUntil, DateTimeOffset IssuedAt, DateTimeOffset? HonouredAt)
{
    /// <summary>Issued and still within its validity: the one a merchant can honour, shown with its QR.</summary>
    public bool Usable(DateOnly today) => State == VoucherState.Issued && ValidUntil >= today;

    public string ItemName(bool chinese) => chinese ? ItemNameZh : ItemNameEn;
}

/// <summary>The signed-in villager's own household, as the /my pages find it.</summary>
public sealed record OwnHousehold(Village Village, Household Household);

/// <summary>What the villager's side of the shop reads: the shelf, a household's receipts and vouchers.</summary>
public sealed class VillagerShopQueries(VillagePointsDb db)
{
    public const int MaxReceipts = 100;

    /// <summary>
    /// The item photo's address. The photo route belongs to the catalogue; this is the one place that names it.
    /// </summary>
    public static string PhotoPath(string villageCode, string itemCode) =>
        $"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/shop/items/{Uri.EscapeDataString(itemCode)}/photo";

    /// <summary>The active items of the village, by category, then name.</summary>
    public async Task<IReadOnlyList<BrowseItem>> ShelfAsync(Guid villageId, CancellationToken ct)
    {
        var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == villageId && i.Active)
            .Select(i => new
            {
                i.Code, i.Category, i.NameZh, i.NameEn, i.Unit, i.PricePoints, i.Stock, i.Reserved, i.LimitPerHousehold, i.LimitPeriod, i.PhotoId,
                Merchant = db.Merchants.Where(m => m.VillageId == villageId && m.Id == i.MerchantId).Select(m => m.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return [.. items.OrderBy(i => i.Category).ThenBy(i => i.PricePoints).ThenBy(i => i.Code, StringComparer.Ordinal)
            .Select(i => new BrowseItem(i.Code, i.Category, i.NameZh, i.NameEn, i.Unit, i.PricePoints, Math.Max(0, i.Stock - i.Reserved),
                i.LimitPerHousehold, i.LimitPeriod, i.PhotoId, i.Merchant))];
    }

    /// <summary>The villager's household: the first villager role with one, as their home page finds it.</summary>
    public async Task<OwnHousehold?> OwnAsync(Guid userId, CancellationToken ct)
    {
        var role = await db.RoleAssignments.AsNoTracking()
            .Where(r => r.UserId == userId && r.Role == Role.Villager && r.HouseholdId != null && r.VillageId != null)
            .OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
        if (role is null)
            return null;
        var village = await db.Villages.AsNoTracking().SingleOrDefaultAsync(v => v.Id == role.VillageId, ct);
        var household = await db.Households.AsNoTracking().SingleOrDefaultAsync(h => h.VillageId == role.VillageId && h.Id == role.HouseholdId, ct);
        return village is null || household is null ? null : new OwnHousehold(village, household);
    }

    public async Task<IReadOnlyList<Receipt>> ReceiptsAsync(Guid villageId, Guid householdId, CancellationToken ct)
    {
        var checkouts = await db.Checkouts.AsNoTracking().Where(k => k.VillageId == villageId && k.HouseholdId == householdId)
            .OrderByDescending(k => k.Number).Take(MaxReceipts).Include(k => k.Lines).ToListAsync(ct);
        return [.. checkouts.Select(ToReceipt)];
    }

    /// <summary>One receipt of the household, or null when there is none of that number for it.</summary>
    public async Task<Receipt?> ReceiptAsync(Guid villageId, Guid householdId, long number, CancellationToken ct)
    {
        var checkout = await db.Checkouts.AsNoTracking().Include(k => k.Lines)
            .SingleOrDefaultAsync(k => k.VillageId == villageId && k.HouseholdId == householdId && k.Number == number, ct);
        return checkout is null ? null : ToReceipt(checkout);
    }

    public async Task<IReadOnlyList<HouseholdVoucher>> VouchersAsync(Guid villageId, Guid householdId, CancellationToken ct)
    {
        var rows = await db.Vouchers.AsNoTracking().Where(x => x.VillageId == villageId && x.HouseholdId == householdId)
            .Join(db.ShopItems, x => new { x.VillageId, Id = x.ItemId }, i => new { i.VillageId, i.Id }, (x, i) => new { x, i.NameZh, i.NameEn })
            .Join(db.Merchants, r => new { r.x.VillageId, Id = r.x.MerchantId }, m => new { m.VillageId, m.Id },
                (r, m) => new HouseholdVoucher(r.x.Code, r.NameZh, r.NameEn, m.Name, r.x.State, r.x.ValidUntil, r.x.IssuedAt, r.x.HonouredAt))
            .ToListAsync(ct);
        return [.. rows.OrderByDescending(v => v.IssuedAt)];
    }

    private static Receipt ToReceipt(Checkout k) => new(k.Number, k.State, k.OccurredOn, k.RecordedAt, k.PointsSpent, k.BalanceAfter,
        [.. k.Lines.OrderBy(l => l.LineNo).Select(l => new ReceiptLine(l.ItemName, l.Unit, l.Quantity, l.UnitPoints, l.Points))]);

    public static string Number(long number) => number.ToString(CultureInfo.InvariantCulture);
}
