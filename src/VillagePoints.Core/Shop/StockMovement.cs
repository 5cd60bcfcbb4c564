using System.Text.Json.Serialization;

namespace VillagePoints.Core.Shop;

[JsonConverter(typeof(JsonStringEnumConverter<StockMovementKind>))]
public enum StockMovementKind
{
    /// <summary>采购入库: bought in, with its cost and supplier.</summary>
    Purchase,

    /// <summary>捐赠入库: donated or sponsored, with the donor.</summary>
    Donation,

    /// <summary>兑换出库: taken out by a checkout.</summary>
    Checkout,

    /// <summary>退回入库: put back by a cancelled checkout.</summary>
    Return,

    /// <summary>盘点调整: a stocktake found a different count; signed, with a reason.</summary>
    Stocktake,

    /// <summary>报损: spoiled, broken or lost.</summary>
    Loss,
}

/// <summary>
/// One change of an item's stock (出入库), never edited. The item's movements form a hash chain
/// (<see cref="PreviousHash"/> → <see cref="Hash"/>, numbered by <see cref="Sequence"/>), so a changed or
/// removed row is found by <c>verify</c>, which also recomputes the stock level from them.
/// </summary>
public sealed class StockMovement
{
    public const int MaxTextLength = 100;

    public Guid VillageId { get; set; }
    public Guid Id { get; set; }
    public Guid ItemId { get; set; }

    /// <summary>1, 2, 3 … within the item: the position in its chain.</summary>
    public long Sequence { get; set; }
    public StockMovementKind Kind { get; set; }

    /// <summary>Signed: positive into stock, negative out of it.</summary>
    public int Quantity { get; set; }

    /// <summary>The item's stock after this movement.</summary>
    public int StockAfter { get; set; }

    /// <summary>A purchase's total cost, or a donation's declared value, in fen (分).</summary>
    public long? CostFen { get; set; }

    /// <summary>The supplier of a purchase, or the donor of a donation.</summary>
    public string? Counterparty { get; set; }

    /// <summary>Why: a stocktake's or a loss's reason, a note on a receipt.</summary>
    public string? Reason { get; set; }

    /// <summary>The checkout this movement belongs to (a checkout's or a cancellation's movements).</summary>
    public Guid? CheckoutId { get; set; }

    public DateOnly OccurredOn { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public Guid RecordedBy { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}
