using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Shop;

/// <summary>One thing found wrong with a shop item's stock: the item, the movement where it shows (if one), and what.</summary>
public sealed record StockProblem(string VillageCode, string ItemCode, long? Sequence, string What)
{
    /// <summary>The problem as one line, the way the verify command names ledger problems.</summary>
    public string Describe() => Sequence is { } n
        ? string.Create(CultureInfo.InvariantCulture, $"shop item {ItemCode}, stock movement {n}: {What}")
        : $"shop item {ItemCode}: {What}";
}

public sealed record StockReport(int Items, long Movements, IReadOnlyList<StockProblem> Problems)
{
    public bool Sound => Problems.Count == 0;
}

/// <summary>
/// Recomputes every shop item's stock from its movements and walks each item's movement chain, so a movement row
/// changed or removed behind the application's back, or a stock level that no longer matches its movements, is named.
/// </summary>
/// <remarks>
/// The arithmetic is written out here on its own rather than shared with <see cref="StockKeeping"/>, so a bug there
/// cannot pass its own check:
/// <list type="bullet">
/// <item>an item's movements are numbered 1, 2, 3 … without a gap;</item>
/// <item>each one's previous-hash is the hash of the movement before it ("" for the first), and its hash is its content's;</item>
/// <item>each one's stock-after is the running sum of the quantities, never below 0;</item>
/// <item>the item's stock is the sum, its movement count the last number and its last-movement hash the last hash;</item>
/// <item>the units held for reservations are within the stock.</item>
/// </list>
/// After the first break in an item's chain the rest of its chain is not judged again (one change would otherwise be
/// reported at every later movement), but its sum still is.
/// </remarks>
public sealed class StockVerifier(VillagePointsDb db)
{
    public async Task<StockReport> VerifyAsync(string? villageCode = null, CancellationToken ct = default)
    {
        var villages = await db.Villages.AsNoTracking()
            .Where(v => villageCode == null || v.Code == villageCode)
            .OrderBy(v => v.Code)
            .Select(v => new { v.Id, v.Code })
            .ToListAsync(ct);
        var problems = new List<StockProblem>();
        var itemCount = 0;
        long movementCount = 0;
        foreach (var village in villages)
        {
            var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == village.Id)
                .Select(i => new { i.Id, i.Code, i.Stock, i.Reserved, i.MovementCount, i.LastMovementHash })
                .ToDictionaryAsync(i => i.Id, ct);
            itemCount += items.Count;
            var walks = items.Keys.ToDictionary(id => id, _ => new Walk());

            await foreach (var m in db.StockMovements.AsNoTracking().Where(m => m.VillageId == village.Id)
                               .OrderBy(m => m.ItemId).ThenBy(m => m.Sequence).AsAsyncEnumerable().WithCancellation(ct))
            {
                movementCount++;
                // The foreign key keeps a movement's item, so every movement has a walk.
                var walk = walks[m.ItemId];
                var code = items[m.ItemId].Code;
                walk.Sum += m.Quantity;
                if (!walk.Broken)
                {
                    string? what = null;
                    if (m.Sequence != walk.Last + 1)
                        what = string.Create(CultureInfo.InvariantCulture,
                            $"movement {m.Sequence} found where {walk.Last + 1} was expected (a movement is missing)");
                    else if (m.PreviousHash != walk.Hash)
                        what = "its previous-hash does not match the movement before it";
                    else if (StockHash.Compute(m) != m.Hash)
                        what = "its content does not match its hash (the movement was changed)";
                    else if (m.StockAfter != walk.Sum)
                        what = string.Create(CultureInfo.InvariantCulture, $"its stock-after is {m.StockAfter}, but its movements add up to {walk.Sum}");
                    else if (walk.Sum < 0)
                        what = string.Create(CultureInfo.InvariantCulture, $"its movements take the stock below 0 ({walk.Sum})");
                    if (what is not null)
                    {
                        problems.Add(new StockProblem(village.Code, code, m.Sequence, what));
                        walk.Broken = true;
                    }
                }
                walk.Last = m.Sequence;
                walk.Hash = m.Hash;
            }

            foreach (var item in items.Values.OrderBy(i => i.Code, StringComparer.Ordinal))
            {
                var walk = walks[item.Id];
                var differences = new List<string>();
                if (item.Stock != walk.Sum)
                    differences.Add(string.Create(CultureInfo.InvariantCulture, $"stock {item.Stock} stored, {walk.Sum} from its movements"));
                if (!walk.Broken && item.MovementCount != walk.Last)
                    differences.Add(string.Create(CultureInfo.InvariantCulture,
                        $"movement count {item.MovementCount} stored, but its last movement is {walk.Last}"));
                if (!walk.Broken && item.LastMovementHash != walk.Hash)
                    differences.Add("its last-movement hash does not match its last movement (a movement was removed or the head was changed)");
                if (item.Reserved < 0 || item.Reserved > item.Stock)
                    differences.Add(string.Create(CultureInfo.InvariantCulture, $"{item.Reserved} held for reservations out of a stock of {item.Stock}"));
                if (differences.Count > 0)
                    problems.Add(new StockProblem(village.Code, item.Code, null, string.Join("; ", differences)));
            }
        }
        return new StockReport(itemCount, movementCount, problems);
    }

    private sealed class Walk
    {
        public long Sum;
        public long Last;
        public string Hash = "";
        public bool Broken;
    }
}
