using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Ledger;

public sealed record LedgerProblem(string VillageCode, long? EntryNumber, int? HouseholdNumber, string What);

public sealed record VerifyReport(int Villages, long Entries, int Households, IReadOnlyList<LedgerProblem> Problems)
{
    public bool Sound => Problems.Count == 0;
    public LedgerProblem? FirstProblem => Problems.Count > 0 ? Problems[0] : null;

    /// <summary>How many signed checkpoints were checked.</summary>
    public int Checkpoints { get; init; }
}

/// <summary>
/// Recomputes every village's hash chain and every household balance from the entries, and checks every
/// signed checkpoint, so that a change made behind the application's back is found and named.
/// </summary>
/// <remarks>
/// The balance arithmetic here is written out on its own rather than shared with <see cref="LedgerPosting"/>:
/// a bug in posting must not be able to pass its own check.
/// <list type="bullet">
/// <item>Total is the sum of a household's amounts; Effective and Publicised are those sums by state.</item>
/// <item>A reversal stands or falls with its target, so it must be in its target's state.</item>
/// <item>Earned is the sum of awards plus the reversals of awards.</item>
/// <item>EntryCount is the number of a household's entries.</item>
/// <item>Each household's monthly totals are the same sums over the entries dated in that month, a reversal in
/// its own month taking back from the figure of the kind it reverses (see <see cref="HouseholdMonthTotal"/>).</item>
/// </list>
/// Checkpoints are only as trustworthy as the keys that check them, so those come from outside the
/// database (<see cref="CheckpointKeyring"/>); without a keyring every checkpoint is reported as unverifiable.
/// </remarks>
public sealed class LedgerVerifier(VillagePointsDb db, CheckpointKeyring? keyring = null)
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
        var checkpointCount = 0;

        foreach (var village in villages)
        {
            var numbers = await db.Households.AsNoTracking().Where(h => h.VillageId == village.Id)
                .ToDictionaryAsync(h => h.Id, h => h.Number, ct);
            households += numbers.Count;
            var checkpoints = await db.LedgerCheckpoints.AsNoTracking().Where(c => c.VillageId == village.Id)
                .OrderBy(c => c.Number).ToListAsync(ct);
            // Where the chain must still pass: entry number -> the checkpoints that signed it.
            var anchors = checkpoints.ToLookup(c => c.EntryNumber);
            checkpointCount += checkpoints.Count;
            var passed = new HashSet<long>();

            var sums = new Dictionary<Guid, Figures>();
            var monthSums = new Dictionary<(Guid HouseholdId, int Month), MonthFigures>();
            var previous = LedgerHash.Genesis;
            long expectedNumber = 1;
            var highestVersion = 0;
            var chainBroken = false;
            // What each entry was, so a reversal can be checked against the entry it claims to undo.
            var seen = new Dictionary<Guid, Seen>();

            void Report(long? entry, Guid? household, string what) =>
                problems.Add(new LedgerProblem(village.Code, entry, household is { } h ? numbers.GetValueOrDefault(h) : null, what));

            await foreach (var e in db.LedgerEntries.AsNoTracking()
                               .Where(e => e.VillageId == village.Id)
                               .OrderBy(e => e.Number)
                               .AsAsyncEnumerable().WithCancellation(ct))
            {
                seen.TryGetValue(e.ReversesEntryId ?? Guid.Empty, out var target);
                if (!chainBroken)
                {
                    string? what = null;
                    if (e.Number != expectedNumber)
                        what = $"entry number {e.Number} found where {expectedNumber} was expected (an entry is missing)";
                    else if (e.PreviousHash != previous)
                        what = "its previous-hash does not match the entry before it";
                    else if (!LedgerHash.IsKnownVersion(e.HashVersion))
                        what = $"its hash version {e.HashVersion} is unknown";
                    else if (e.HashVersion < highestVersion)
                        what = $"its hash version {e.HashVersion} is older than an entry before it ({highestVersion})";
                    else if (LedgerHash.Compute(e) != e.Hash)
                        what = "its content does not match its hash (the entry was changed)";
                    else if (e.ReversesEntryId is not null && (target is null || target.Reversed
                                 || target.HouseholdId != e.HouseholdId || target.Amount != -e.Amount || target.Kind == EntryKind.Reversal))
                        what = "it reverses an entry that is missing, changed or already reversed";
                    if (what is not null)
                    {
                        Report(e.Number, e.HouseholdId, what);
                        chainBroken = true;
                    }
                }
                // The state is not hashed (it changes when a notice closes), so it is checked on its own.
                if (target is not null && e.State != target.State)
                    Report(e.Number, e.HouseholdId, $"it is {Describe(e.State)} but the entry it reverses ({target.Number}) is {Describe(target.State)}");
                foreach (var checkpoint in anchors[e.Number])
                {
                    passed.Add(e.Number);
                    if (e.Hash != checkpoint.HeadHash)
                        Report(e.Number, e.HouseholdId, $"checkpoint {checkpoint.Number} signed entry {e.Number} with hash {checkpoint.HeadHash}, but the entry's hash is now {e.Hash} (the history was rewritten)");
                }

                previous = e.Hash;
                expectedNumber = e.Number + 1;
                highestVersion = Math.Max(highestVersion, e.HashVersion);

                if (!sums.TryGetValue(e.HouseholdId, out var sum))
                    sums[e.HouseholdId] = sum = new Figures();
                sum.Total += e.Amount;
                if (e.State == EntryState.Effective)
                    sum.Effective += e.Amount;
                else
                    sum.Publicised += e.Amount;
                if (e.Kind == EntryKind.Award || (e.Kind == EntryKind.Reversal && target?.Kind == EntryKind.Award))
                    sum.Earned += e.Amount;
                sum.EntryCount++;

                // Monthly totals: by the entry's own date; a reversal takes back from the figure of the kind it undoes.
                var monthKey = (e.HouseholdId, e.OccurredOn.Year * 100 + e.OccurredOn.Month);
                if (!monthSums.TryGetValue(monthKey, out var month))
                    monthSums[monthKey] = month = new MonthFigures();
                var countsAs = e.Kind == EntryKind.Reversal ? target?.Kind : e.Kind;
                if (countsAs == EntryKind.Award)
                    month.Awarded += e.Amount;
                else if (countsAs == EntryKind.Deduction)
                    month.Deducted -= e.Amount;
                else if (countsAs == EntryKind.Redemption)
                    month.Redeemed -= e.Amount;
                month.Net += e.Amount;
                month.EntryCount++;

                if (target is not null)
                    target.Reversed = true;
                seen[e.Id] = new Seen(e.Number, e.HouseholdId, e.Amount, e.Kind, e.State);
                if (++done % 5000 == 0)
                    progress?.Report((done, totalEntries));
            }

            var lastNumber = expectedNumber - 1;
            var head = await db.VillageLedgerHeads.AsNoTracking().SingleOrDefaultAsync(h => h.VillageId == village.Id, ct);
            if (head is null && lastNumber > 0)
                Report(lastNumber, null, "the chain head is missing (its row was deleted)");
            else if (!chainBroken && head is not null && (head.LastNumber != lastNumber || head.LastHash != previous))
                Report(head.LastNumber, null, "the chain head does not match the last entry");

            VerifyCheckpoints(village.Id, village.Code, checkpoints, passed, lastNumber, Report);

            var stored = await db.HouseholdBalances.AsNoTracking().Where(b => b.VillageId == village.Id).ToListAsync(ct);
            foreach (var b in stored.OrderBy(b => numbers.GetValueOrDefault(b.HouseholdId)))
            {
                var differences = Differences(b, sums.GetValueOrDefault(b.HouseholdId) ?? new Figures());
                if (differences.Count > 0)
                    Report(null, b.HouseholdId, "stored balance differs from the entries: " + string.Join("; ", differences));
            }
            foreach (var missing in sums.Keys.Except(stored.Select(b => b.HouseholdId)))
                Report(null, missing, "household has entries but no stored balance");

            var storedMonths = await db.HouseholdMonthTotals.AsNoTracking().Where(t => t.VillageId == village.Id).ToListAsync(ct);
            foreach (var t in storedMonths.OrderBy(t => numbers.GetValueOrDefault(t.HouseholdId)).ThenBy(t => t.Month))
            {
                if (!monthSums.TryGetValue((t.HouseholdId, t.Month), out var fromEntries))
                {
                    Report(null, t.HouseholdId, $"stored totals for {MonthName(t.Month)} exist, but the household has no entries in that month");
                    continue;
                }
                var differences = MonthDifferences(t, fromEntries);
                if (differences.Count > 0)
                    Report(null, t.HouseholdId, $"stored totals for {MonthName(t.Month)} differ from the entries: " + string.Join("; ", differences));
            }
            var storedKeys = storedMonths.Select(t => (t.HouseholdId, t.Month)).ToHashSet();
            foreach (var missing in monthSums.Keys.Where(k => !storedKeys.Contains(k))
                         .OrderBy(k => numbers.GetValueOrDefault(k.HouseholdId)).ThenBy(k => k.Month))
                Report(null, missing.HouseholdId, $"household has entries in {MonthName(missing.Month)} but no stored totals for that month");
        }

        progress?.Report((done, totalEntries));
        return new VerifyReport(villages.Count, done, households, problems) { Checkpoints = checkpointCount };
    }

    private void VerifyCheckpoints(Guid villageId, string villageCode, IReadOnlyList<LedgerCheckpoint> checkpoints, HashSet<long> passed,
        long lastNumber, Action<long?, Guid?, string> report)
    {
        var expected = 1;
        long previousEntry = 0;
        foreach (var c in checkpoints)
        {
            if (c.Number != expected)
                report(c.EntryNumber, null, $"checkpoint {expected} is missing (found checkpoint {c.Number} next)");
            expected = c.Number + 1;
            if (c.EntryNumber < previousEntry)
                report(c.EntryNumber, null, $"checkpoint {c.Number} signs entry {c.EntryNumber}, earlier than the checkpoint before it (entry {previousEntry})");
            previousEntry = Math.Max(previousEntry, c.EntryNumber);

            if (keyring is null || !keyring.Contains(c.KeyId))
                report(c.EntryNumber, null, $"checkpoint {c.Number} was signed with key {c.KeyId}, which is not a trusted key");
            else if (!keyring.Verify(c.KeyId, LedgerCheckpoint.SignedBytes(villageId, villageCode, c.EntryNumber, c.HeadHash, c.SignedAt, c.KeyId), c.Signature))
                report(c.EntryNumber, null, $"checkpoint {c.Number}'s signature does not match its contents");

            if (!passed.Contains(c.EntryNumber))
                report(c.EntryNumber, null, c.EntryNumber > lastNumber
                    ? $"checkpoint {c.Number} signed entry {c.EntryNumber}, but the ledger now ends at entry {lastNumber} (entries were removed)"
                    : $"checkpoint {c.Number} signed entry {c.EntryNumber}, which is missing");
        }
    }

    private static List<string> Differences(HouseholdBalance stored, Figures entries)
    {
        var differences = new List<string>();
        void Compare(string figure, long inStore, long fromEntries)
        {
            if (inStore != fromEntries)
                differences.Add(string.Create(CultureInfo.InvariantCulture, $"{figure} {inStore} stored, {fromEntries} from entries"));
        }
        Compare("total", stored.Total, entries.Total);
        Compare("effective", stored.Effective, entries.Effective);
        Compare("publicised", stored.Publicised, entries.Publicised);
        Compare("earned", stored.Earned, entries.Earned);
        Compare("entry count", stored.EntryCount, entries.EntryCount);
        return differences;
    }

    private static List<string> MonthDifferences(HouseholdMonthTotal stored, MonthFigures entries)
    {
        var differences = new List<string>();
        void Compare(string figure, long inStore, long fromEntries)
        {
            if (inStore != fromEntries)
                differences.Add(string.Create(CultureInfo.InvariantCulture, $"{figure} {inStore} stored, {fromEntries} from entries"));
        }
        Compare("awarded", stored.Awarded, entries.Awarded);
        Compare("deducted", stored.Deducted, entries.Deducted);
        Compare("redeemed", stored.Redeemed, entries.Redeemed);
        Compare("net", stored.Net, entries.Net);
        Compare("entry count", stored.EntryCount, entries.EntryCount);
        return differences;
    }

    /// <summary>yyyymm as yyyy-MM, the way the notices name a month.</summary>
    private static string MonthName(int month) => string.Create(CultureInfo.InvariantCulture, $"{month / 100:D4}-{month % 100:D2}");

    private static string Describe(EntryState state) => state == EntryState.Effective ? "effective" : "publicised";

    /// <summary>The verifier's own running figures for one household.</summary>
    private sealed class Figures
    {
        public long Total;
        public long Effective;
        public long Publicised;
        public long Earned;
        public long EntryCount;
    }

    /// <summary>The verifier's own running figures for one household in one month.</summary>
    private sealed class MonthFigures
    {
        public long Awarded;
        public long Deducted;
        public long Redeemed;
        public long Net;
        public long EntryCount;
    }

    private sealed record Seen(long Number, Guid HouseholdId, int Amount, EntryKind Kind, EntryState State)
    {
        public bool Reversed { get; set; }
    }
}
