using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;

namespace VillagePoints.TestSupport;

/// <summary>
/// Arranges a village's shop for a test: items with opening stock (a purchase movement through the one
/// stock writer, so the item's chain and level are as the app keeps them) and partner merchants.
/// </summary>
public static class ShopBuilder
{
    public static async Task<ShopItem> AddItemAsync(VillagePointsDb db, Guid villageId, Guid recordedBy, string code, int pricePoints,
        int stock, ItemCategory category = ItemCategory.Staples, Guid? merchantId = null, int? limitPerHousehold = null,
        CancellationToken ct = default)
    {
        var now = BusinessCalendar.Truncate(DateTimeOffset.UtcNow);
        var voucher = category == ItemCategory.ServiceVoucher;
        var item = new ShopItem
        {
            VillageId = villageId,
            Id = Ids.New(),
            Code = code,
            Category = category,
            NameZh = "测试商品" + code,
            NameEn = "Test item " + code,
            Unit = voucher ? "张" : "袋",
            PricePoints = pricePoints,
            LimitPerHousehold = limitPerHousehold,
            LowStockThreshold = 2,
            MerchantId = merchantId,
            VoucherValidDays = voucher ? 90 : null,
            SettlementPriceFen = voucher ? 1500 : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.ShopItems.Add(item);
        if (stock > 0)
            StockKeeping.Append(db, item, new StockChange(StockMovementKind.Purchase, stock, recordedBy, BusinessCalendar.DateOf(now),
                CostFen: stock * 1000L, Counterparty: "测试供货商"), now);
        await db.SaveChangesAsync(ct);
        return item;
    }

    public static async Task<Merchant> AddMerchantAsync(VillagePointsDb db, Guid villageId, string code, Guid? accountId = null,
        CancellationToken ct = default)
    {
        var merchant = new Merchant
        {
            VillageId = villageId,
            Id = Ids.New(),
            Code = code,
            Name = "测试商户" + code,
            AccountId = accountId,
            CreatedAt = BusinessCalendar.Truncate(DateTimeOffset.UtcNow),
        };
        db.Merchants.Add(merchant);
        await db.SaveChangesAsync(ct);
        return merchant;
    }
}
