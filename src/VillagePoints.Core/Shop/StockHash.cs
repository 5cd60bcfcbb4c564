using System.Security.Cryptography;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Shop;

/// <summary>
/// The hash of one stock movement, chained to the item's previous movement. Every field that says what
/// happened is covered, each written with a type tag and its length so that no value can run into the next.
/// </summary>
public static class StockHash
{
    public static string Compute(StockMovement m)
    {
        var text = Idempotency.Fingerprint("stock-movement.v1")
            .Add(m.VillageId).Add(m.ItemId).Add(m.Sequence).Add(m.Kind).Add(m.Quantity).Add(m.StockAfter)
            .Add(m.CostFen).Add(m.Counterparty).Add(m.Reason).Add(m.CheckoutId).Add(m.OccurredOn)
            .Add(m.RecordedAt.ToUnixTimeMilliseconds()).Add(m.RecordedBy).Add(m.PreviousHash);
        return text.Hash();
    }
}
