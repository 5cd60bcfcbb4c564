using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>A village with a stocked shop for the reservation tests: households hold effective points, items are on the shelf.</summary>
internal static class ReservationTestKit
{
    /// <summary>
    /// Households 1..n with <paramref name="points"/> effective points each, and the items rice (10 points, 5 in stock),
    /// oil-last (20 points, 1 in stock), caviar (500 points, 3 in stock), salt-gone (1 point, none left) and a haircut voucher.
    /// </summary>
    public static async Task<(ArrangedVillage V, Guid Clerk)> ArrangeAsync(TestApp app, int households = 2, int points = 100)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, households);
        var clerk = await app.CreateUserAsync("超市管理员", TestApp.In(v, Role.ShopClerk));
        await using var db = app.NewContext();
        await new LedgerPosting(db, TimeProvider.System).PostBatchAsync(v.VillageId, [.. v.HouseholdIds.Select(h =>
            new PostEntry(v.VillageId, h, points, EntryKind.BaseGrant, "基础分", SourceKinds.Opening, State: EntryState.Effective))]);
        await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "rice", 10, 5);
        await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "oil-last", 20, 1);
        await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "caviar", 500, 3, ItemCategory.LocalProduce);
        await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "salt-gone", 1, 0, ItemCategory.DailyGoods);
        var barber = await ShopBuilder.AddMerchantAsync(db, v.VillageId, "barber");
        await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "haircut", 15, 10, ItemCategory.ServiceVoucher, barber.Id);
        return (v, clerk.Id);
    }

    public static async Task<ShopItem> ItemAsync(TestApp app, ArrangedVillage v, string code)
    {
        await using var db = app.NewContext();
        return await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == v.VillageId && i.Code == code);
    }

    public static async Task<Reservation> ReservationAsync(TestApp app, ArrangedVillage v, long number)
    {
        await using var db = app.NewContext();
        return await db.Reservations.AsNoTracking().SingleAsync(r => r.VillageId == v.VillageId && r.Number == number);
    }

    /// <summary>
    /// A checkout of the household as the checkout desk leaves one (a Redemption entry per line, the receipt and its lines),
    /// written directly so the villager's pages can be tested on their own; with a voucher when the item is one.
    /// </summary>
    public static async Task<Checkout> CheckoutAsync(TestApp app, ArrangedVillage v, int household, Guid clerk, string itemCode, int quantity,
        string? voucherCode = null)
    {
        await using var db = app.NewContext();
        var item = await db.ShopItems.SingleAsync(i => i.VillageId == v.VillageId && i.Code == itemCode);
        var number = (await db.Checkouts.Where(k => k.VillageId == v.VillageId).MaxAsync(k => (long?)k.Number) ?? 0) + 1;
        var points = item.PricePoints * quantity;
        var entry = await new LedgerPosting(db, TimeProvider.System).PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[household - 1], -points,
            EntryKind.Redemption, "兑换" + item.NameZh, SourceKinds.Checkout, $"checkout:{number}", State: EntryState.Effective));
        var balance = await db.HouseholdBalances.AsNoTracking().SingleAsync(b => b.VillageId == v.VillageId && b.HouseholdId == v.HouseholdIds[household - 1]);
        var now = BusinessCalendar.Truncate(DateTimeOffset.UtcNow);
        var checkout = new Checkout
        {
            VillageId = v.VillageId,
            Id = Ids.New(),
            Number = number,
            HouseholdId = v.HouseholdIds[household - 1],
            State = CheckoutState.Completed,
            PointsSpent = points,
            BalanceAfter = balance.Total,
            OccurredOn = BusinessCalendar.DateOf(now),
            RecordedAt = now,
            ClerkId = clerk,
            Lines = [new CheckoutLine
            {
                VillageId = v.VillageId, LineNo = 1, ItemId = item.Id, ItemCode = item.Code, ItemName = item.NameZh, Unit = item.Unit,
                Quantity = quantity, UnitPoints = item.PricePoints, Points = points, EntryId = entry.Id,
            }],
        };
        db.Checkouts.Add(checkout);
        if (voucherCode is not null)
        {
            db.Vouchers.Add(new Voucher
            {
                VillageId = v.VillageId, Id = Ids.New(), Code = voucherCode, CheckoutId = checkout.Id, LineNo = 1, ItemId = item.Id,
                MerchantId = item.MerchantId!.Value, HouseholdId = checkout.HouseholdId, State = VoucherState.Issued,
                ValidUntil = checkout.OccurredOn.AddDays(90), SettlementPriceFen = 1500, IssuedAt = now,
            });
        }
        await db.SaveChangesAsync();
        return checkout;
    }
}
