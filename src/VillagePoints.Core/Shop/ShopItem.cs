using System.Text.Json.Serialization;

namespace VillagePoints.Core.Shop;

/// <summary>The shelves of a points supermarket (积分超市).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ItemCategory>))]
public enum ItemCategory
{
    /// <summary>米面粮油: rice, flour, grain, oil.</summary>
    Staples,

    /// <summary>日用百货: daily goods.</summary>
    DailyGoods,

    /// <summary>本地农特产: local farm specialities.</summary>
    LocalProduce,

    /// <summary>服务券: a partner merchant's service, honoured with a voucher.</summary>
    ServiceVoucher,

    /// <summary>其他.</summary>
    Other,
}

/// <summary>The period a per-household limit counts over.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LimitPeriod>))]
public enum LimitPeriod
{
    Month,
    Year,
}

/// <summary>
/// One thing the shop offers (商品): goods on a shelf, or a service voucher of a partner merchant.
/// <see cref="Stock"/> is the sum of the item's stock movements, kept in the same transaction as each of
/// them; every movement moves <see cref="MovementCount"/>, the optimistic check that makes two writers of
/// one item take turns, and the database refuses a negative stock outright.
/// </summary>
public sealed class ShopItem
{
    public const int MaxCodeLength = 40;
    public const int MaxNameLength = 60;
    public const int MaxUnitLength = 10;
    public const int MaxPricePoints = 100_000;

    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>Short code, unique in the village, used by the API and on shelf labels, e.g. <c>rice-5kg</c>.</summary>
    public required string Code { get; set; }
    public ItemCategory Category { get; set; }
    public required string NameZh { get; set; }
    public required string NameEn { get; set; }

    /// <summary>The unit a quantity counts, in Chinese (袋, 瓶, 张).</summary>
    public required string Unit { get; set; }
    public int PricePoints { get; set; }

    /// <summary>How many one household may take per <see cref="LimitPeriod"/>; null for no limit.</summary>
    public int? LimitPerHousehold { get; set; }
    public LimitPeriod LimitPeriod { get; set; } = LimitPeriod.Month;
    public bool Active { get; set; } = true;

    /// <summary>The item's photo in the photo store, or null.</summary>
    public Guid? PhotoId { get; set; }

    /// <summary>The clerk is alerted when stock falls to this or below.</summary>
    public int LowStockThreshold { get; set; }

    /// <summary>Units on hand: the sum of the item's movements.</summary>
    public int Stock { get; set; }

    /// <summary>Units held for open reservations; only <c>Stock − Reserved</c> can be sold or reserved.</summary>
    public int Reserved { get; set; }

    /// <summary>The number of the item's last movement; each movement takes the next one (optimistic check).</summary>
    public long MovementCount { get; set; }

    /// <summary>The hash of the item's last movement, the head of its movement chain ("" before the first).</summary>
    public string LastMovementHash { get; set; } = "";

    /// <summary>For a service voucher: the partner merchant who honours it.</summary>
    public Guid? MerchantId { get; set; }

    /// <summary>For a service voucher: days a voucher stays valid from its checkout day.</summary>
    public int? VoucherValidDays { get; set; }

    /// <summary>For a service voucher: what the village pays the merchant per honoured voucher, in fen (分).</summary>
    public long? SettlementPriceFen { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsVoucher => Category == ItemCategory.ServiceVoucher;

    public int Available => Stock - Reserved;

    public string Name(bool chinese) => chinese ? NameZh : NameEn;
}

/// <summary>A partner merchant (合作商户) of a village: a barber, a car wash, who honours its vouchers and is settled monthly.</summary>
public sealed class Merchant
{
    public const int MaxNameLength = 60;

    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>Short code, unique in the village, e.g. <c>yongqiang-barber</c>.</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }

    /// <summary>The merchant's login (role partner merchant in this village): who may honour its vouchers.</summary>
    public Guid? AccountId { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
}
