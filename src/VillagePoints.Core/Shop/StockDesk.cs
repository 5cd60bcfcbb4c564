using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Shop;

/// <summary>
/// A receipt, donation or loss the clerk records. <see cref="Quantity"/> is how many units came in or went out,
/// always positive: a loss takes them out. Checkouts and returns are written by checkouts, not here.
/// </summary>
public sealed record RecordStock(
    Guid VillageId,
    string ItemCode,
    StockMovementKind Kind,
    int Quantity,
    Guid ActorId,
    long? CostFen = null,
    string? Counterparty = null,
    string? Reason = null,
    DateOnly? OccurredOn = null,
    string? IdempotencyKey = null);

/// <summary>One counted item of a stocktake. <see cref="Expected"/> is the level the clerk was shown, when known.</summary>
public sealed record StockCount(string ItemCode, int Counted, int? Expected = null);

public sealed record TakeStock(Guid VillageId, IReadOnlyList<StockCount> Counts, string? Reason, Guid ActorId, DateOnly? OccurredOn = null,
    string? IdempotencyKey = null);

/// <summary>What a stocktake found for one item; <see cref="Sequence"/> is the adjustment it wrote, null when the count matched.</summary>
public sealed record StocktakeLine(string ItemCode, int Expected, int Counted, int Difference, long? Sequence);

public sealed record StocktakeResult(DateOnly OccurredOn, string Reason, int Adjusted, IReadOnlyList<StocktakeLine> Lines);

/// <summary>A stocktake refused because of one counted item, so a form can show the problem beside that item's count.</summary>
public sealed class StockCountException(string code, string message, string itemCode, DomainErrorKind kind = DomainErrorKind.Invalid)
    : DomainException(code, message, kind)
{
    public string ItemCode { get; } = itemCode;
}

/// <summary>One stock movement as the clerk reads it, with its item's code, the checkout it belongs to and who recorded it.</summary>
public sealed record StockMovementView(
    string ItemCode,
    long Sequence,
    StockMovementKind Kind,
    int Quantity,
    int StockAfter,
    long? CostFen,
    string? Counterparty,
    string? Reason,
    long? CheckoutNumber,
    DateOnly OccurredOn,
    DateTimeOffset RecordedAt,
    string RecordedBy);

/// <summary>
/// The clerk's stock desk (出入库): receipts of purchases and donations, losses, and stocktakes. Every change goes
/// through <see cref="StockKeeping.Append"/>, in one transaction with its idempotency record, retried through
/// <see cref="WriteRetry"/> when another writer moved the same item first (its movement count is the optimistic check).
/// An inactive item still takes movements: the clerk stocks an item before offering it and counts or writes off
/// what is left of one withdrawn from sale.
/// </summary>
public sealed class StockDesk(VillagePointsDb db, TimeProvider time)
{
    public const string RecordOperation = "shop.stock-movement";
    public const string StocktakeOperation = "shop.stocktake";

    /// <summary>Far above any village shop's delivery, low enough that a slip of the keyboard is caught.</summary>
    public const int MaxQuantity = 1_000_000;

    /// <summary>One hundred million yuan.</summary>
    public const long MaxCostFen = 10_000_000_000;

    public const int MaxStocktakeLines = 1_000;

    public async Task<StockMovementView> RecordAsync(RecordStock c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        if (c.Kind is not (StockMovementKind.Purchase or StockMovementKind.Donation or StockMovementKind.Loss))
            throw new DomainException("stock.kind-not-allowed", Enum.IsDefined(c.Kind) && c.Kind is StockMovementKind.Checkout or StockMovementKind.Return
                ? "Checkouts and returns move stock through the checkout; record a purchase, a donation or a loss here."
                : "Record a purchase, a donation or a loss here; a stocktake has its own form.");
        var code = (c.ItemCode ?? "").Trim();
        if (code.Length == 0)
            throw new DomainException("stock.item-required", "Choose the item the stock is for.");
        CheckQuantity(c.Quantity);
        var counterparty = Text(c.Counterparty, "stock.counterparty-too-long", "The supplier or donor");
        var reason = Text(c.Reason, "stock.reason-too-long", "The reason");
        var on = CheckDay(c.OccurredOn);
        long? cost = null;
        switch (c.Kind)
        {
            case StockMovementKind.Purchase:
                if (c.CostFen is not { } paid || paid < 0 || paid > MaxCostFen)
                    throw new DomainException("stock.cost-invalid", "A purchase states what it cost, in fen, 0 or more.");
                if (counterparty is null)
                    throw new DomainException("stock.supplier-required", "A purchase names its supplier.");
                cost = paid;
                break;
            case StockMovementKind.Donation:
                if (c.CostFen is < 0 or > MaxCostFen)
                    throw new DomainException("stock.cost-invalid", "A donation's declared value is in fen, 0 or more, or left out.");
                if (counterparty is null)
                    throw new DomainException("stock.donor-required", "A donation names its donor or sponsor.");
                cost = c.CostFen;
                break;
            default:
                if (reason is null)
                    throw new DomainException("stock.reason-required", "A loss says why: spoiled, broken, lost.");
                // A loss has no supplier and no price of its own.
                counterparty = null;
                break;
        }
        var change = new StockChange(c.Kind, c.Kind == StockMovementKind.Loss ? -c.Quantity : c.Quantity, c.ActorId, on, cost, counterparty, reason);
        var hash = Idempotency.Fingerprint(RecordOperation).Add(c.VillageId).Add(code).Add(c.Kind).Add(c.Quantity).Add(cost).Add(counterparty)
            .Add(reason).Add(on).Add(c.ActorId).Hash();
        var movementId = await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<Guid?>(db, c.VillageId, c.IdempotencyKey, RecordOperation, hash, token) is { } earlier)
                return earlier;
            await using var tx = await db.Database.BeginTransactionAsync(token);
            await LockHoldsAsync(c.VillageId, token);
            var item = await db.ShopItems.SingleOrDefaultAsync(i => i.VillageId == c.VillageId && i.Code == code, token)
                ?? throw ShopCatalogue.NotFound();
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var movement = StockKeeping.Append(db, item, change, now);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, RecordOperation, hash, movement.Id, now);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return movement.Id;
        }, [ConstraintNames.StockMovementSequence], ct);
        return (await ViewsAsync(db.StockMovements.Where(m => m.VillageId == c.VillageId && m.Id == movementId), ct)).Single();
    }

    /// <summary>
    /// A stocktake (盘点): the clerk counted the shelves. For each item whose count differs from its level, one signed
    /// Stocktake movement with the reason brings the level to the count; a count equal to the level writes nothing. All
    /// items or none: a count that cannot be applied refuses the whole stocktake.
    /// </summary>
    public async Task<StocktakeResult> TakeAsync(TakeStock c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        if (c.Counts is not { Count: > 0 })
            throw new DomainException("stocktake.empty", "A stocktake counts at least one item.");
        if (c.Counts.Count > MaxStocktakeLines)
            throw new DomainException("stocktake.too-many", $"A stocktake counts at most {MaxStocktakeLines} items.");
        var counts = c.Counts.Select(x => x with { ItemCode = (x?.ItemCode ?? "").Trim() }).ToList();
        if (counts.Any(x => x.ItemCode.Length == 0))
            throw new DomainException("stock.item-required", "Each count names its item.");
        if (counts.GroupBy(x => x.ItemCode, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new StockCountException("stocktake.item-repeated", $"Item '{twice.Key}' is counted twice.", twice.Key);
        if (counts.FirstOrDefault(x => x.Counted is < 0 or > MaxQuantity || x.Expected is < 0) is { } bad)
            throw new StockCountException("stocktake.count-invalid", $"The count of '{bad.ItemCode}' is a number from 0 to {MaxQuantity}.", bad.ItemCode);
        var reason = Text(c.Reason, "stock.reason-too-long", "The reason")
            ?? throw new DomainException("stocktake.reason-required", "A stocktake says why the counts differ (monthly count, spoiled goods found …).");
        var on = CheckDay(c.OccurredOn);
        var hash = Idempotency.Fingerprint(StocktakeOperation).Add(c.VillageId).Add(reason).Add(on).Add(c.ActorId)
            .AddList(counts, (f, x) => f.Add(x.ItemCode).Add(x.Counted).Add(x.Expected)).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<StocktakeResult>(db, c.VillageId, c.IdempotencyKey, StocktakeOperation, hash, token) is { } earlier)
                return earlier;
            await using var tx = await db.Database.BeginTransactionAsync(token);
            await LockHoldsAsync(c.VillageId, token);
            var codes = counts.Select(x => x.ItemCode).ToList();
            var items = await db.ShopItems.Where(i => i.VillageId == c.VillageId && codes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, token);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var lines = new List<StocktakeLine>();
            foreach (var count in counts)
            {
                if (!items.TryGetValue(count.ItemCode, out var item))
                    throw new StockCountException("item.not-found", $"No item '{count.ItemCode}' in this village's shop.", count.ItemCode, DomainErrorKind.NotFound);
                if (count.Expected is { } shown && shown != item.Stock)
                    throw new StockCountException("stocktake.level-changed",
                        $"The level of '{item.Code}' changed from {shown} to {item.Stock} since the stocktake was opened; count it again.", item.Code,
                        DomainErrorKind.Conflict);
                if (count.Counted < item.Reserved)
                    throw new StockCountException("stocktake.below-reserved",
                        $"{item.Reserved} of '{item.Code}' are held for reservations, more than the {count.Counted} counted; settle those reservations first.",
                        item.Code, DomainErrorKind.Conflict);
                var expected = item.Stock;
                var difference = count.Counted - expected;
                long? sequence = null;
                if (difference != 0)
                    sequence = StockKeeping.Append(db, item, new StockChange(StockMovementKind.Stocktake, difference, c.ActorId, on, Reason: reason), now).Sequence;
                lines.Add(new StocktakeLine(item.Code, expected, count.Counted, difference, sequence));
            }
            var result = new StocktakeResult(on, reason, lines.Count(l => l.Sequence is not null), lines);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, StocktakeOperation, hash, result, now);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return result;
        }, [ConstraintNames.StockMovementSequence], ct);
    }

    /// <summary>
    /// Takes the village's lock, which reservations and the counter hold while they change an item's holds
    /// (<see cref="ShopItem.Reserved"/>): a movement checked against holds read outside it could break the database's range check.
    /// </summary>
    private Task LockHoldsAsync(Guid villageId, CancellationToken ct) => new LedgerPosting(db, time).LockAsync(villageId, ct);

    /// <summary>An item's movements, newest first; all items' when <paramref name="itemCode"/> is null.</summary>
    public async Task<List<StockMovementView>> HistoryAsync(Guid villageId, string? itemCode, int limit = 200, CancellationToken ct = default)
    {
        var movements = db.StockMovements.Where(m => m.VillageId == villageId);
        if (itemCode is not null)
        {
            var code = itemCode.Trim();
            var itemId = await db.ShopItems.Where(i => i.VillageId == villageId && i.Code == code).Select(i => (Guid?)i.Id).SingleOrDefaultAsync(ct)
                ?? throw ShopCatalogue.NotFound();
            var own = await ViewsAsync(movements.Where(m => m.ItemId == itemId).OrderByDescending(m => m.Sequence).Take(Math.Clamp(limit, 1, 1000)), ct);
            return [.. own.OrderByDescending(m => m.Sequence)];
        }
        var all = await ViewsAsync(movements.OrderByDescending(m => m.RecordedAt).ThenByDescending(m => m.Id).Take(Math.Clamp(limit, 1, 1000)), ct);
        return [.. all.OrderByDescending(m => m.RecordedAt)];
    }

    private async Task<List<StockMovementView>> ViewsAsync(IQueryable<StockMovement> movements, CancellationToken ct)
    {
        var rows = await movements.AsNoTracking()
            .Select(m => new
            {
                Movement = m,
                ItemCode = db.ShopItems.Where(i => i.VillageId == m.VillageId && i.Id == m.ItemId).Select(i => i.Code).FirstOrDefault(),
                CheckoutNumber = db.Checkouts.Where(x => x.VillageId == m.VillageId && x.Id == m.CheckoutId).Select(x => (long?)x.Number).FirstOrDefault(),
                RecordedBy = db.UserAccounts.Where(u => u.Id == m.RecordedBy).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(r => new StockMovementView(r.ItemCode ?? "", r.Movement.Sequence, r.Movement.Kind, r.Movement.Quantity, r.Movement.StockAfter,
            r.Movement.CostFen, r.Movement.Counterparty, r.Movement.Reason, r.CheckoutNumber, r.Movement.OccurredOn, r.Movement.RecordedAt,
            r.RecordedBy ?? "")).ToList();
    }

    private static void CheckQuantity(int quantity)
    {
        if (quantity is < 1 or > MaxQuantity)
            throw new DomainException("stock.quantity-invalid", $"A quantity is a whole number from 1 to {MaxQuantity}.");
    }

    private DateOnly CheckDay(DateOnly? day)
    {
        var today = BusinessCalendar.Today(time);
        var on = day ?? today;
        if (on > today)
            throw new DomainException("stock.date-invalid", "Stock is recorded on the day it moved, today or earlier.");
        return on;
    }

    private static string? Text(string? value, string tooLong, string field)
    {
        var t = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (t is null)
            return null;
        if (t.Length > StockMovement.MaxTextLength)
            throw new DomainException(tooLong, $"{field} has at most {StockMovement.MaxTextLength} characters.");
        return StoredText.Check(t, field);
    }
}
