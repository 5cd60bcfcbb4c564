using System.Text.Json.Serialization;

namespace VillagePoints.Core.Shop;

[JsonConverter(typeof(JsonStringEnumConverter<ReservationState>))]
public enum ReservationState
{
    /// <summary>Stock is held for the household until <see cref="Reservation.ExpiresAt"/>.</summary>
    Reserved,

    /// <summary>The clerk handed the goods over: a checkout spent the points.</summary>
    Fulfilled,

    /// <summary>Not picked up in time; the held stock went back on the shelf.</summary>
    Expired,

    /// <summary>The household withdrew it; the held stock went back on the shelf.</summary>
    Cancelled,
}

/// <summary>
/// A villager's reservation for pickup (预约兑换). It holds stock (<see cref="ShopItem.Reserved"/>) but spends no
/// points: the points are spent when the clerk fulfils it with a checkout, under the same checks as any checkout.
/// </summary>
public sealed class Reservation
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }
    public long Number { get; set; }
    public Guid HouseholdId { get; set; }
    public ReservationState State { get; set; }
    public Guid ReservedBy { get; set; }
    public DateTimeOffset ReservedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The checkout that fulfilled it.</summary>
    public Guid? CheckoutId { get; set; }
    public List<ReservationLine> Lines { get; set; } = [];
}

public sealed class ReservationLine
{
    public Guid VillageId { get; set; }
    public Guid ReservationId { get; set; }
    public int LineNo { get; set; }
    public Guid ItemId { get; set; }
    public int Quantity { get; set; }

    /// <summary>The price when reserved, shown to the villager; the checkout charges the price of its day.</summary>
    public int UnitPoints { get; set; }
}
