using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;

namespace VillagePoints.TestSupport;

/// <summary>
/// Arranges issued vouchers as a checkout of a voucher item leaves them: a checkout row (the vouchers' parent)
/// and one voucher per unit, each with a fresh code, the item's merchant and settlement price. No points move:
/// these tests are about honouring and settling, not about spending.
/// </summary>
public static class VoucherArrange
{
    public static async Task<List<Voucher>> IssueAsync(VillagePointsDb db, ShopItem item, Guid householdId, Guid clerkId, int count = 1,
        DateOnly? validUntil = null, long? priceFen = null, CancellationToken ct = default)
    {
        var merchantId = item.MerchantId ?? throw new ArgumentException("A voucher item names its merchant.", nameof(item));
        var now = BusinessCalendar.Truncate(DateTimeOffset.UtcNow);
        var today = BusinessCalendar.DateOf(now);
        var number = (await db.Checkouts.Where(c => c.VillageId == item.VillageId).MaxAsync(c => (long?)c.Number, ct) ?? 0) + 1;
        var checkout = new Checkout
        {
            VillageId = item.VillageId,
            Id = Ids.New(),
            Number = number,
            HouseholdId = householdId,
            State = CheckoutState.Completed,
            PointsSpent = item.PricePoints * count,
            OccurredOn = today,
            RecordedAt = now,
            ClerkId = clerkId,
        };
        db.Checkouts.Add(checkout);
        var vouchers = Enumerable.Range(0, count).Select(_ => new Voucher
        {
            VillageId = item.VillageId,
            Id = Ids.New(),
            Code = VoucherCodes.New(),
            CheckoutId = checkout.Id,
            LineNo = 1,
            ItemId = item.Id,
            MerchantId = merchantId,
            HouseholdId = householdId,
            State = VoucherState.Issued,
            ValidUntil = validUntil ?? today.AddDays(item.VoucherValidDays ?? 90),
            SettlementPriceFen = priceFen ?? item.SettlementPriceFen ?? 0,
            IssuedAt = now,
        }).ToList();
        db.Vouchers.AddRange(vouchers);
        await db.SaveChangesAsync(ct);
        return vouchers;
    }

    /// <summary>Marks vouchers as their checkout's cancellation leaves them.</summary>
    public static async Task CancelAsync(VillagePointsDb db, Voucher voucher, CancellationToken ct = default)
    {
        await db.Vouchers.Where(v => v.VillageId == voucher.VillageId && v.Id == voucher.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, VoucherState.Cancelled), ct);
    }
}
