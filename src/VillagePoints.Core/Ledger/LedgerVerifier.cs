using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Ledger;

public sealed record LedgerProblem(string VillageCode, long? EntryNumber, int? HouseholdNumber, string What);

public sealed record VerifyReport(int Villages, long Entries, int Households, IReadOnlyList<LedgerProblem> Problems)
{
    public bool Sound => Problems.Count == 0;
    public LedgerProblem? FirstProblem => Problems.Count > 0 ? Problems[0] : null;
}

/// <summary>
/// Recomputes every village's hash chain and every household balance from the entries,
/// so that a change made behind the application's back is found and named.
/// </summary>
public sealed class LedgerVerifier(VillagePointsDb db)
{
    public async Task<VerifyReport> VerifyAsync(string? villageCode = null, IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        var villages = await db.Villages.AsNoTracking()
            .Where(v => villageCode == null || v.Code == villageCode)
            .OrderBy(v => v.Code)
            .Select(v => new { v.Id, v.Code })
            .ToListAsync(ct);
        var totalEntries = await db.LedgerEntries.Where(e => villages.Select(v => v.Id).Contains(e.VillageId)).LongCountAsync(ct);
        var problems = new List<LedgerProblem>();
        long done = 0;
        var households = 0;

        foreach (var village in villages)
        {
            var numbers = await db.Households.AsNoTracking().Where(h => h.VillageId == village.Id)
                .ToDictionaryAsync(h => h.Id, h => h.Number, ct);
            households += numbers.Count;
            var sums = new Dictionary<Guid, HouseholdBalance>();
            var previous = LedgerHash.Genesis;
            long expectedNumber = 1;
            var chainBroken = false;
            // What each entry was, so a reversal can be checked against the entry it claims to undo.
            var seen = new Dictionary<Guid, (Guid HouseholdId, int Amount, EntryKind Kind, bool Reversed)>();

            await foreach (var e in db.LedgerEntries.AsNoTracking()
                               .Where(e => e.VillageId == village.Id)
                               .OrderBy(e => e.Number)
                               .AsAsyncEnumerable().WithCancellation(ct))
            {
                if (!chainBroken)
                {
                    string? what = null;
                    if (e.Number != expectedNumber)
                        what = $"entry number {e.Number} found where {expectedNumber} was expected (an entry is missing)";
                    else if (e.PreviousHash != previous)
                        what = "its previous-hash does not match the entry before it";
                    else if (LedgerHash.Compute(e) != e.Hash)
                        what = "its content does not match its hash (the entry was changed)";
                    else if (e.ReversesEntryId is { } r && (!seen.TryGetValue(r, out var t) || t.Reversed
                                 || t.HouseholdId != e.HouseholdId || t.Amount != -e.Amount || t.Kind == EntryKind.Reversal))
                        what = "it reverses an entry that is missing, changed or already reversed";
                    if (what is not null)
                    {
                        problems.Add(new LedgerProblem(village.Code, e.Number, numbers.GetValueOrDefault(e.HouseholdId), what));
                        chainBroken = true;
                    }
                }
                previous = e.Hash;
                expectedNumber = e.Number + 1;
                if (!sums.TryGetValue(e.HouseholdId, out var sum))
                    sums[e.HouseholdId] = sum = new HouseholdBalance { VillageId = village.Id, HouseholdId = e.HouseholdId };
                EntryKind? reversedKind = null;
                if (e.ReversesEntryId is { } reverses && seen.TryGetValue(reverses, out var target))
                {
                    reversedKind = target.Kind;
                    seen[reverses] = target with { Reversed = true };
                }
                seen[e.Id] = (e.HouseholdId, e.Amount, e.Kind, false);
                LedgerPosting.Apply(sum, e, reversedKind);
                if (++done % 5000 == 0)
                    progress?.Report((done, totalEntries));
            }

            var head = await db.VillageLedgerHeads.AsNoTracking().SingleOrDefaultAsync(h => h.VillageId == village.Id, ct);
            if (!chainBroken && head is not null && (head.LastNumber != expectedNumber - 1 || head.LastHash != previous))
                problems.Add(new LedgerProblem(village.Code, head.LastNumber, null, "the chain head does not match the last entry"));

            var stored = await db.HouseholdBalances.AsNoTracking().Where(b => b.VillageId == village.Id).ToListAsync(ct);
            foreach (var b in stored.OrderBy(b => numbers.GetValueOrDefault(b.HouseholdId)))
            {
                var expected = sums.GetValueOrDefault(b.HouseholdId) ?? new HouseholdBalance();
                if (b.Total != expected.Total || b.Effective != expected.Effective || b.Publicised != expected.Publicised
                    || b.Earned != expected.Earned || b.EntryCount != expected.EntryCount)
                {
                    problems.Add(new LedgerProblem(village.Code, null, numbers.GetValueOrDefault(b.HouseholdId),
                        $"stored balance {b.Total} (effective {b.Effective}) differs from the entries' sum {expected.Total} (effective {expected.Effective})"));
                }
            }
            foreach (var missing in sums.Keys.Except(stored.Select(b => b.HouseholdId)))
                problems.Add(new LedgerProblem(village.Code, null, numbers.GetValueOrDefault(missing), "household has entries but no stored balance"));
        }

        progress?.Report((done, totalEntries));
        return new VerifyReport(villages.Count, done, households, problems);
    }
}
