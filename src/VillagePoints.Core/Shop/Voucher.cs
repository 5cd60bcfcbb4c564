using System.Text.Json.Serialization;

namespace VillagePoints.Core.Shop;

[JsonConverter(typeof(JsonStringEnumConverter<VoucherState>))]
public enum VoucherState
{
    /// <summary>Issued and not used; expired when <see cref="Voucher.ValidUntil"/> has passed.</summary>
    Issued,
    Honoured,

    /// <summary>Its checkout was cancelled.</summary>
    Cancelled,
}

/// <summary>
/// A service voucher (服务券) issued by a checkout of a voucher item: one per unit, with an unguessable
/// <see cref="Code"/> (and QR). Its merchant honours it once, before it expires; each honour is settled
/// with the merchant monthly at <see cref="SettlementPriceFen"/>.
/// </summary>
public sealed class Voucher
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>Random, unique everywhere; what the QR holds and what the merchant types.</summary>
    public required string Code { get; set; }
    public Guid CheckoutId { get; set; }
    public int LineNo { get; set; }
    public Guid ItemId { get; set; }
    public Guid MerchantId { get; set; }
    public Guid HouseholdId { get; set; }
    public VoucherState State { get; set; }

    /// <summary>The last day (village time) it can be honoured.</summary>
    public DateOnly ValidUntil { get; set; }
    public long SettlementPriceFen { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset? HonouredAt { get; set; }
    public Guid? HonouredBy { get; set; }

    /// <summary>The settlement month (yyyymm, village time) of its honour.</summary>
    public int? SettlementMonth { get; set; }
}
