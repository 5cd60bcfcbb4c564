using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>
/// What someone with write access to the database can do: change or drop entries, then recompute every
/// hash, the chain head, the balances and the monthly totals so that the database agrees with itself.
/// </summary>
internal static class ChainForgery
{
    /// <summary>Applies <paramref name="change"/> to every entry of the village, in order, then re-hashes the chain.</summary>
    public static async Task RewriteAsync(TestDatabase database, ArrangedVillage v, Action<LedgerEntry> change)
    {
        await using var db = database.NewContext();
        var entries = await db.LedgerEntries.Where(e => e.VillageId == v.VillageId).OrderBy(e => e.Number).ToListAsync();
        foreach (var e in entries)
            change(e);
        await RehashAsync(db, v, entries);
    }

    /// <summary>Drops every entry after <paramref name="lastKept"/> and makes the head and balances agree.</summary>
    public static async Task TruncateAsync(TestDatabase database, ArrangedVillage v, long lastKept)
    {
        await using var db = database.NewContext();
        await db.LedgerEntries.Where(e => e.VillageId == v.VillageId && e.Number > lastKept).ExecuteDeleteAsync();
        var entries = await db.LedgerEntries.Where(e => e.VillageId == v.VillageId).OrderBy(e => e.Number).ToListAsync();
        await RehashAsync(db, v, entries);
    }

    private static async Task RehashAsync(VillagePoints.Core.Data.VillagePointsDb db, ArrangedVillage v, List<LedgerEntry> entries)
    {
        var previous = LedgerHash.Genesis;
        foreach (var e in entries)
        {
            e.PreviousHash = previous;
            e.Hash = LedgerHash.Compute(e);
            previous = e.Hash;
        }
        var head = await db.VillageLedgerHeads.SingleAsync(h => h.VillageId == v.VillageId);
        head.LastNumber = entries.Count == 0 ? 0 : entries[^1].Number;
        head.LastHash = previous;

        var kinds = entries.ToDictionary(e => e.Id, e => e.Kind);
        foreach (var b in await db.HouseholdBalances.Where(b => b.VillageId == v.VillageId).ToListAsync())
        {
            var mine = entries.Where(e => e.HouseholdId == b.HouseholdId).ToList();
            b.Total = mine.Sum(e => (long)e.Amount);
            b.Effective = mine.Where(e => e.State == EntryState.Effective).Sum(e => (long)e.Amount);
            b.Publicised = mine.Where(e => e.State == EntryState.Publicised).Sum(e => (long)e.Amount);
            b.Earned = mine.Where(e => e.Kind == EntryKind.Award
                                       || (e.ReversesEntryId is { } r && kinds.GetValueOrDefault(r) == EntryKind.Award)).Sum(e => (long)e.Amount);
            b.EntryCount = mine.Count;
        }

        // The monthly totals too, rebuilt from scratch so that dropped entries leave no month behind.
        await db.HouseholdMonthTotals.Where(t => t.VillageId == v.VillageId).ExecuteDeleteAsync();
        var months = new Dictionary<(Guid, int), HouseholdMonthTotal>();
        foreach (var e in entries)
        {
            var key = (e.HouseholdId, HouseholdMonthTotal.MonthOf(e.OccurredOn));
            if (!months.TryGetValue(key, out var month))
                months[key] = month = new HouseholdMonthTotal { VillageId = v.VillageId, HouseholdId = e.HouseholdId, Month = key.Item2 };
            month.Add(e, e.ReversesEntryId is { } r ? kinds.GetValueOrDefault(r) : null);
        }
        db.HouseholdMonthTotals.AddRange(months.Values);
        await db.SaveChangesAsync();
    }
}
