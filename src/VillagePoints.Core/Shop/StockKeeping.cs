using VillagePoints.Core.Data;

namespace VillagePoints.Core.Shop;

/// <summary>What one stock movement records, before it is numbered and chained.</summary>
public sealed record StockChange(
    StockMovementKind Kind,
    int Quantity,
    Guid RecordedBy,
    DateOnly OccurredOn,
    long? CostFen = null,
    string? Counterparty = null,
    string? Reason = null,
    Guid? CheckoutId = null);

/// <summary>
/// The one way stock changes: appends a movement to a tracked item's chain and moves the item's stock in the
/// same unit of work. The caller saves inside its transaction and retries through <see cref="WriteRetry"/>:
/// the item's <see cref="ShopItem.MovementCount"/> is an optimistic check, so a second writer of the same item
/// fails and looks again, and the database's range check refuses a negative stock whatever happens here.
/// </summary>
public static class StockKeeping
{
    public static StockMovement Append(VillagePointsDb db, ShopItem item, StockChange change, DateTimeOffset now)
    {
        if (change.Quantity == 0)
            throw new DomainException("stock.quantity-invalid", "A stock movement moves at least one unit.");
        var after = (long)item.Stock + change.Quantity;
        if (after < item.Reserved || after < 0)
            throw new DomainException("stock.insufficient",
                $"Only {item.Available} of {item.Code} can be taken; the rest is on the shelf for reservations or not there.",
                DomainErrorKind.Conflict);
        if (after > int.MaxValue / 2)
            throw new DomainException("stock.quantity-invalid", "That would put more stock on hand than can be counted.");
        var movement = new StockMovement
        {
            VillageId = item.VillageId,
            Id = Guid.CreateVersion7(),
            ItemId = item.Id,
            Sequence = item.MovementCount + 1,
            Kind = change.Kind,
            Quantity = change.Quantity,
            StockAfter = (int)after,
            CostFen = change.CostFen,
            Counterparty = change.Counterparty,
            Reason = change.Reason,
            CheckoutId = change.CheckoutId,
            OccurredOn = change.OccurredOn,
            RecordedAt = BusinessCalendar.Truncate(now),
            RecordedBy = change.RecordedBy,
            PreviousHash = item.LastMovementHash,
            Hash = "",
        };
        movement.Hash = StockHash.Compute(movement);
        item.Stock = movement.StockAfter;
        item.MovementCount = movement.Sequence;
        item.LastMovementHash = movement.Hash;
        db.StockMovements.Add(movement);
        return movement;
    }
}
