using System.Text.Json.Serialization;

namespace VillagePoints.Core.Shop;

[JsonConverter(typeof(JsonStringEnumConverter<CheckoutState>))]
public enum CheckoutState
{
    Completed,

    /// <summary>Undone on its day by reversal: points and stock restored, both linked to the checkout.</summary>
    Cancelled,
}

/// <summary>
/// A checkout (兑换结算) and its receipt (兑换凭证): one transaction spends the household's points (one
/// Redemption entry per line, source <c>checkout:{Number}</c>), takes the stock, and issues any vouchers.
/// </summary>
public sealed class Checkout
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>Gapless within the village: the receipt number.</summary>
    public long Number { get; set; }
    public Guid HouseholdId { get; set; }
    public CheckoutState State { get; set; }
    public int PointsSpent { get; set; }

    /// <summary>The household's total balance right after the checkout, as printed on the receipt.</summary>
    public long BalanceAfter { get; set; }

    /// <summary>Made when the shop was not open by its hours: allowed, but marked for the committee.</summary>
    public bool OutsideShopHours { get; set; }

    /// <summary>The reservation this checkout fulfilled, if any.</summary>
    public Guid? ReservationId { get; set; }

    public DateOnly OccurredOn { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public Guid ClerkId { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public Guid? CancelledBy { get; set; }
    public string? CancelReason { get; set; }
    public List<CheckoutLine> Lines { get; set; } = [];
}

/// <summary>One line of a receipt, with the item as it was sold (name and price are kept, not looked up).</summary>
public sealed class CheckoutLine
{
    public Guid VillageId { get; set; }
    public Guid CheckoutId { get; set; }
    public int LineNo { get; set; }
    public Guid ItemId { get; set; }
    public required string ItemCode { get; set; }
    public required string ItemName { get; set; }
    public required string Unit { get; set; }
    public int Quantity { get; set; }
    public int UnitPoints { get; set; }
    public int Points { get; set; }

    /// <summary>The Redemption ledger entry this line wrote.</summary>
    public Guid EntryId { get; set; }

    /// <summary>The reversal that cancelled it, if the checkout was cancelled.</summary>
    public Guid? ReversalEntryId { get; set; }
}
