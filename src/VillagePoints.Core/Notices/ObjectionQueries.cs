using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Notices;

/// <summary>
/// An objection as the village reads it: the entry it names, the objector's words and the decision. The objector is not
/// named, and no phone number is ever part of it.
/// </summary>
/// <param name="ReversalEntry">The entry number of the reversal an upheld objection wrote.</param>
/// <param name="CorrectionEntry">The entry number of the corrected entry, when the committee gave an amount.</param>
/// <param name="NoticeMonth">The notice the objection was raised against, yyyy-MM.</param>
public sealed record ObjectionView(
    int Number,
    long EntryNumber,
    int HouseholdNumber,
    string HouseholdHead,
    ObjectionState State,
    string Reason,
    DateTimeOffset RaisedAt,
    DateTimeOffset? DecidedAt,
    string? Decision,
    long? ReversalEntry,
    long? CorrectionEntry,
    string NoticeMonth,
    ObjectionEntry Entry,
    Guid? PhotoId);

/// <summary>The objected entry as it stands: its date, points, kind, reason, rule and state.</summary>
public sealed record ObjectionEntry(long Number, DateOnly OccurredOn, int Amount, EntryKind Kind, string Reason, string? RuleCode,
    string? RuleNameZh, string? RuleNameEn, EntryState State);

/// <summary>An entry a villager is about to object to, with the notice that lists it and whether its window is open.</summary>
public sealed record ObjectableEntry(ObjectionEntry Entry, int HouseholdNumber, string HouseholdHead, string? NoticeMonth,
    DateTimeOffset? WindowClosesAt, bool WindowOpen);

/// <summary>Reads objections; every query is scoped to one village.</summary>
public sealed class ObjectionQueries(VillagePointsDb db, TimeProvider time)
{
    /// <param name="open">true: open only; false: decided only; null: all. Open ones come first, then newest first.</param>
    public async Task<List<ObjectionView>> ListAsync(Guid villageId, bool? open, int take = 100, CancellationToken ct = default)
    {
        var rows = await db.Objections.AsNoTracking()
            .Where(o => o.VillageId == villageId && (open == null || (open == true ? o.State == ObjectionState.Open : o.State != ObjectionState.Open)))
            .OrderBy(o => o.State == ObjectionState.Open ? 0 : 1).ThenByDescending(o => o.Number).Take(Math.Clamp(take, 1, 500))
            .ToListAsync(ct);
        return await ToViewsAsync(villageId, rows, ct);
    }

    /// <summary>The objections the user's households raised or that are about them, and those the user raised.</summary>
    public async Task<List<ObjectionView>> MineAsync(Guid villageId, Guid userId, IReadOnlyCollection<Guid> households, CancellationToken ct = default)
    {
        var own = households.ToList();
        var rows = await db.Objections.AsNoTracking()
            .Where(o => o.VillageId == villageId && (o.RaisedBy == userId || own.Contains(o.RaisedByHouseholdId) || own.Contains(o.HouseholdId)))
            .OrderByDescending(o => o.Number).Take(200).ToListAsync(ct);
        return await ToViewsAsync(villageId, rows, ct);
    }

    /// <summary>Whether the user raised the objection, or one of their households raised it or is the one it is about.</summary>
    public Task<bool> IsOwnAsync(Guid villageId, int number, Guid userId, IReadOnlyCollection<Guid> households, CancellationToken ct = default)
    {
        var own = households.ToList();
        return db.Objections.AnyAsync(o => o.VillageId == villageId && o.Number == number
            && (o.RaisedBy == userId || own.Contains(o.RaisedByHouseholdId) || own.Contains(o.HouseholdId)), ct);
    }

    public async Task<ObjectionView?> FindAsync(Guid villageId, int number, CancellationToken ct = default) =>
        await db.Objections.AsNoTracking().SingleOrDefaultAsync(o => o.VillageId == villageId && o.Number == number, ct) is { } o
            ? (await ToViewsAsync(villageId, [o], ct))[0]
            : null;

    public async Task<ObjectionView> ViewAsync(Objection objection, CancellationToken ct = default) =>
        (await ToViewsAsync(objection.VillageId, [objection], ct))[0];

    public Task<int> OpenCountAsync(Guid villageId, CancellationToken ct = default) =>
        db.Objections.CountAsync(o => o.VillageId == villageId && o.State == ObjectionState.Open, ct);

    /// <summary>An entry of the village with the notice that lists it, for the objection form; null when there is no such entry.</summary>
    public async Task<ObjectableEntry?> EntryAsync(Guid villageId, long entryNumber, CancellationToken ct = default)
    {
        var e = await db.LedgerEntries.AsNoTracking().SingleOrDefaultAsync(x => x.VillageId == villageId && x.Number == entryNumber, ct);
        if (e is null)
            return null;
        var household = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && h.Id == e.HouseholdId)
            .Select(h => new { h.Number, h.HeadName }).SingleAsync(ct);
        var entry = (await EntriesAsync(villageId, [e], ct))[e.Id];
        var notices = await db.Notices.AsNoTracking().Where(n => n.VillageId == villageId && n.HeadNumber >= e.Number)
            .Select(n => new { n.Month, n.State, n.WindowClosesAt, n.PreviousMonth, n.PreviousHeadNumber }).ToListAsync(ct);
        var notice = notices.Where(n => e.OccurredOn <= NoticeMonth.LastDay(n.Month)
                && (e.Number > n.PreviousHeadNumber || n.PreviousMonth == 0 || e.OccurredOn > NoticeMonth.LastDay(n.PreviousMonth)))
            .OrderBy(n => n.Month).FirstOrDefault();
        var open = notice is { State: NoticeState.Published } && time.GetUtcNow() < notice.WindowClosesAt
                   && e.Kind is not (EntryKind.Reversal or EntryKind.BaseGrant);
        return new ObjectableEntry(entry, household.Number, household.HeadName, notice is null ? null : NoticeMonth.Format(notice.Month),
            notice?.WindowClosesAt, open);
    }

    private async Task<List<ObjectionView>> ToViewsAsync(Guid villageId, IReadOnlyList<Objection> rows, CancellationToken ct)
    {
        var householdIds = rows.Select(o => o.HouseholdId).Distinct().ToList();
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && householdIds.Contains(h.Id))
            .ToDictionaryAsync(h => h.Id, h => (h.Number, h.HeadName), ct);
        var entryIds = rows.Select(o => o.EntryId).Distinct().ToList();
        var entries = await EntriesAsync(villageId,
            await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == villageId && entryIds.Contains(e.Id)).ToListAsync(ct), ct);
        return rows.Select(o => new ObjectionView(o.Number, o.EntryNumber, households[o.HouseholdId].Number, households[o.HouseholdId].HeadName,
            o.State, o.Reason, o.RaisedAt, o.DecidedAt, o.Decision, o.ReversalEntryNumber, o.CorrectionEntryNumber,
            NoticeMonth.Format(o.NoticeMonth), entries[o.EntryId], o.PhotoId)).ToList();
    }

    private async Task<Dictionary<Guid, ObjectionEntry>> EntriesAsync(Guid villageId, IReadOnlyList<LedgerEntry> entries, CancellationToken ct)
    {
        var ruleIds = entries.Where(e => e.RuleId != null).Select(e => e.RuleId!.Value).Distinct().ToList();
        var rules = await db.Rules.AsNoTracking().Where(r => r.VillageId == villageId && ruleIds.Contains(r.Id))
            .ToDictionaryAsync(r => r.Id, r => (r.Code, r.NameZh, r.NameEn), ct);
        return entries.ToDictionary(e => e.Id, e =>
        {
            var rule = e.RuleId is { } id && rules.TryGetValue(id, out var found) ? found : default;
            return new ObjectionEntry(e.Number, e.OccurredOn, e.Amount, e.Kind, e.Reason, rule.Code, rule.NameZh, rule.NameEn, e.State);
        });
    }
}
