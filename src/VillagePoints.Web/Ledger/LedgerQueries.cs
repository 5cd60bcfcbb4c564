using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Web.Ledger;

/// <summary>One ledger line as people read it: what changed, and why.</summary>
public sealed record LedgerLine(
    long Number,
    DateOnly OccurredOn,
    DateTimeOffset RecordedAt,
    int Amount,
    EntryKind Kind,
    EntryState State,
    string Reason,
    string Source,
    string? SourceRef,
    string? SubmittedBy,
    string? ApprovedBy,
    long? ReversesEntry,
    long? ReversedByEntry,
    int? RuleVersion,
    string Hash);

public sealed record LedgerPage(int HouseholdNumber, long Balance, IReadOnlyList<LedgerLine> Entries, long? NextBefore);

public sealed class LedgerQueries(VillagePointsDb db)
{
    /// <summary>Newest first, paged by entry number so a long history never loads at once.</summary>
    public async Task<LedgerPage> HistoryAsync(Guid villageId, Guid householdId, int householdNumber, long? before, int take, CancellationToken ct)
    {
        take = Math.Clamp(take, 1, 200);
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.VillageId == villageId && e.HouseholdId == householdId && (before == null || e.Number < before))
            .OrderByDescending(e => e.Number)
            .Take(take + 1)
            .ToListAsync(ct);
        var more = entries.Count > take;
        if (more)
            entries.RemoveAt(entries.Count - 1);
        var balance = await db.HouseholdBalances.AsNoTracking()
            .Where(b => b.VillageId == villageId && b.HouseholdId == householdId).Select(b => b.Total).SingleOrDefaultAsync(ct);
        return new LedgerPage(householdNumber, balance, await ToLinesAsync(villageId, entries, ct), more ? entries[^1].Number : null);
    }

    public Task<bool> BelongsToAsync(Guid villageId, Guid householdId, long entryNumber, CancellationToken ct) =>
        db.LedgerEntries.AnyAsync(e => e.VillageId == villageId && e.HouseholdId == householdId && e.Number == entryNumber, ct);

    public async Task<List<LedgerLine>> ToLinesAsync(Guid villageId, IReadOnlyList<LedgerEntry> entries, CancellationToken ct)
    {
        var actorIds = entries.SelectMany(e => new[] { e.SubmittedBy, e.ApprovedBy }).OfType<Guid>().Distinct().ToList();
        var actors = await db.UserAccounts.AsNoTracking().Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var ids = entries.Select(e => e.Id).ToList();
        var reversedBy = await db.LedgerEntries.AsNoTracking()
            .Where(r => r.VillageId == villageId && r.ReversesEntryId != null && ids.Contains(r.ReversesEntryId.Value))
            .ToDictionaryAsync(r => r.ReversesEntryId!.Value, r => r.Number, ct);
        var targetIds = entries.Where(e => e.ReversesEntryId != null).Select(e => e.ReversesEntryId!.Value).ToList();
        var targets = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == villageId && targetIds.Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, e => e.Number, ct);

        string? Name(Guid? id) => id is { } g ? actors.GetValueOrDefault(g) : null;
        return entries.Select(e => new LedgerLine(e.Number, e.OccurredOn, e.RecordedAt, e.Amount, e.Kind, e.State, e.Reason,
            e.SourceKind, e.SourceRef, Name(e.SubmittedBy), Name(e.ApprovedBy),
            e.ReversesEntryId is { } t ? targets.GetValueOrDefault(t) : null,
            reversedBy.TryGetValue(e.Id, out var by) ? by : null, e.RuleVersion, e.Hash)).ToList();
    }
}
