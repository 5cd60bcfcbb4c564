using System.Data;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Rules;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Notices;

/// <summary>What a notice covers: the previous published notice's month and head, and the head now.</summary>
public sealed record NoticeCoverage(int Month, int PreviousMonth, long PreviousHeadNumber, long HeadNumber)
{
    /// <summary>
    /// The entries of a village this notice lists: dated on or before its month's last day, numbered up to its head,
    /// and not listed by an earlier notice. Because notices are published in month order and no entry is dated in the
    /// future, an earlier notice listed exactly those numbered up to its head and dated up to its month's end, so what
    /// is left is what came after its head, or what was dated after its month.
    /// </summary>
    public IQueryable<LedgerEntry> Entries(IQueryable<LedgerEntry> entries, Guid villageId)
    {
        var last = NoticeMonth.LastDay(Month);
        var previousLast = PreviousMonth == 0 ? DateOnly.MinValue : NoticeMonth.LastDay(PreviousMonth);
        var previousHead = PreviousHeadNumber;
        var head = HeadNumber;
        // Two disjoint ranges, each on its own index (by number, by date), rather than one OR that scans the chain.
        var afterHead = entries.Where(e => e.VillageId == villageId && e.Number > previousHead && e.Number <= head && e.OccurredOn <= last);
        var datedAfter = entries.Where(e => e.VillageId == villageId && e.OccurredOn > previousLast && e.OccurredOn <= last
                                            && e.Number <= previousHead && e.Number <= head);
        return afterHead.Concat(datedAfter);
    }
}

/// <summary>
/// Builds a month's notice from the ledger. Figures come from the precomputed monthly totals and balances; only the
/// entries the notice lists are read, never the whole ledger.
/// </summary>
public sealed class NoticeBuilder(VillagePointsDb db, TimeProvider time)
{
    /// <summary>How many households the red list and the black list name.</summary>
    public const int BoardSize = 10;

    /// <summary>
    /// The draft of <paramref name="month"/>: what publishing it now would freeze. Reads in one snapshot so the head,
    /// the entries and the totals agree. Publishing calls this under the chain-head lock instead.
    /// </summary>
    public Task<NoticeDocument> BuildDraftAsync(Guid villageId, int month, CancellationToken ct = default) =>
        BuildDraftAsync(villageId, month, null, ct);

    /// <summary>
    /// The draft of <paramref name="month"/> as it stood when the chain head was <paramref name="asOfHead"/> and the
    /// clock read this builder's time: what publishing then froze (the demo's history is published this way). Entries
    /// after that head are left out, and objections count as they stood then. Month totals are read as they are now,
    /// so this holds only where no entry dated in or before the month was recorded after that head.
    /// </summary>
    /// <param name="asOfHead">A chain head at or after the previous notice's; null for the head now.</param>
    public async Task<NoticeDocument> BuildDraftAsync(Guid villageId, int month, long? asOfHead, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is not null)
            return await BuildAsync(villageId, month, asOfHead, ct);
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var doc = await BuildAsync(villageId, month, asOfHead, ct);
        await tx.CommitAsync(ct);
        return doc;
    }

    /// <summary>Checks that <paramref name="month"/> can have a draft now: started, not in the future, not yet published.</summary>
    public Task<(NoticeCoverage Coverage, Notice? Previous)> CoverageAsync(Guid villageId, int month, CancellationToken ct) =>
        CoverageAsync(villageId, month, null, ct);

    /// <summary><see cref="CoverageAsync(Guid, int, CancellationToken)"/> up to <paramref name="asOfHead"/> instead of the head now.</summary>
    public async Task<(NoticeCoverage Coverage, Notice? Previous)> CoverageAsync(Guid villageId, int month, long? asOfHead, CancellationToken ct)
    {
        var village = await db.Villages.AsNoTracking().Where(v => v.Id == villageId).Select(v => new { v.StartedOn }).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
        var today = BusinessCalendar.Today(time);
        if (month > NoticeMonth.Of(today))
            throw new DomainException("notice.month-future", "That month has not begun yet.", DomainErrorKind.Invalid);
        if (month < NoticeMonth.Of(village.StartedOn))
            throw new DomainException("notice.month-before-start", "The village's points archive starts after that month.", DomainErrorKind.NotFound);

        var latest = await db.Notices.AsNoTracking().Where(n => n.VillageId == villageId)
            .OrderByDescending(n => n.Month).FirstOrDefaultAsync(ct);
        if (latest is not null && latest.Month == month)
            throw new DomainException("notice.already-published", "That month's notice is already published.", DomainErrorKind.Conflict);
        if (latest is not null && latest.Month > month)
            throw new DomainException("notice.month-skipped", "A later month's notice is published already; this month's entries were listed there.",
                DomainErrorKind.NotFound);
        var head = await db.VillageLedgerHeads.AsNoTracking().Where(h => h.VillageId == villageId).Select(h => h.LastNumber).SingleOrDefaultAsync(ct);
        if (asOfHead is { } then)
        {
            // A notice cannot reach back before what the previous one covered, nor past the chain.
            if (then > head || then < (latest?.HeadNumber ?? 0))
                throw new ArgumentOutOfRangeException(nameof(asOfHead), then, "The head must lie between the previous notice's head and the chain head.");
            head = then;
        }
        return (new NoticeCoverage(month, latest?.Month ?? 0, latest?.HeadNumber ?? 0, head), latest);
    }

    private async Task<NoticeDocument> BuildAsync(Guid villageId, int month, long? asOfHead, CancellationToken ct)
    {
        var (coverage, previous) = await CoverageAsync(villageId, month, asOfHead, ct);
        var asOf = time.GetUtcNow();
        var village = await db.Villages.AsNoTracking().Where(v => v.Id == villageId)
            .Select(v => new { v.Code, v.Name, v.Settings.PublicityWindowDays, v.Settings.RedBlackList }).SingleAsync(ct);
        var headHash = asOfHead is null
            ? await db.VillageLedgerHeads.AsNoTracking().Where(h => h.VillageId == villageId).Select(h => h.LastHash).SingleOrDefaultAsync(ct)
            : await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == villageId && e.Number == coverage.HeadNumber)
                .Select(e => e.Hash).SingleOrDefaultAsync(ct);
        headHash ??= LedgerHash.Genesis;

        var groups = await db.VillagerGroups.AsNoTracking().Where(g => g.VillageId == villageId)
            .ToDictionaryAsync(g => g.Id, g => (g.Number, g.Name), ct);
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId).OrderBy(h => h.Number)
            .Select(h => new { h.Id, h.Number, h.HeadName, h.GroupId }).ToListAsync(ct);
        var byId = households.ToDictionary(h => h.Id);
        var totals = await db.HouseholdMonthTotals.AsNoTracking().Where(t => t.VillageId == villageId && t.Month == month)
            .ToDictionaryAsync(t => t.HouseholdId, ct);
        var cumulative = await db.HouseholdMonthTotals.AsNoTracking().Where(t => t.VillageId == villageId && t.Month <= month)
            .GroupBy(t => t.HouseholdId).Select(g => new { HouseholdId = g.Key, Net = g.Sum(t => t.Net) })
            .ToDictionaryAsync(x => x.HouseholdId, x => x.Net, ct);

        var entries = await coverage.Entries(db.LedgerEntries.AsNoTracking(), villageId).OrderBy(e => e.Number).ToListAsync(ct);
        // An entry from a claim names it ("claim:12"): look the claims up by number, which is indexed, not by entry number.
        var claimNumbers = entries.Where(e => e.SourceKind == SourceKinds.Claim).Select(e => ClaimNumber(e.SourceRef)).OfType<long>().Distinct().ToList();
        var numbers = entries.Select(e => e.Number).ToHashSet();
        var claimChannels = new List<(long EntryNumber, ClaimChannel Channel)>();
        foreach (var chunk in claimNumbers.Chunk(1000))
        {
            claimChannels.AddRange((await db.Claims.AsNoTracking()
                    .Where(c => c.VillageId == villageId && chunk.Contains(c.Number) && c.EntryNumber != null)
                    .Select(c => new { c.EntryNumber, c.Channel }).ToListAsync(ct))
                .Select(c => (c.EntryNumber!.Value, c.Channel)));
        }
        var channelOf = claimChannels.Where(c => numbers.Contains(c.EntryNumber)).ToDictionary(c => c.EntryNumber, c => c.Channel.ToString());
        var ruleIds = entries.Where(e => e.RuleId != null).Select(e => e.RuleId!.Value).Distinct().ToList();
        var rules = await db.Rules.AsNoTracking().Where(r => r.VillageId == villageId && ruleIds.Contains(r.Id))
            .ToDictionaryAsync(r => r.Id, r => (r.Code, r.NameZh), ct);
        var entryIds = entries.Select(e => e.Id).ToList();
        var reversed = entries.Where(e => e.ReversesEntryId != null).Select(e => e.ReversesEntryId!.Value).Distinct().ToList();
        var reversedNumbers = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == villageId && reversed.Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, e => e.Number, ct);
        // As they stood at this builder's time: none is raised or decided later (only a draft of the past sees a difference).
        var objectionStates = (await db.Objections.AsNoTracking().Where(o => o.VillageId == villageId && entryIds.Contains(o.EntryId))
                .Select(o => new { o.EntryId, o.State, o.RaisedAt, o.DecidedAt }).ToListAsync(ct))
            .Where(o => o.RaisedAt <= asOf)
            .Select(o => new { o.EntryId, State = o.DecidedAt <= asOf ? o.State : ObjectionState.Open })
            .GroupBy(o => o.EntryId)
            .ToDictionary(g => g.Key, g => g.Any(o => o.State == ObjectionState.Open) ? ObjectionState.Open
                : g.Any(o => o.State == ObjectionState.Upheld) ? ObjectionState.Upheld : ObjectionState.Dismissed);

        NoticeLine Line(LedgerEntry e)
        {
            var h = byId[e.HouseholdId];
            var rule = e.RuleId is { } r && rules.TryGetValue(r, out var found) ? found : default;
            return new NoticeLine(e.Number, h.Number, h.HeadName, e.OccurredOn, e.Amount, e.Kind.ToString(), rule.Code, rule.NameZh,
                PublicText.Scrub(e.Reason), channelOf.GetValueOrDefault(e.Number) ?? e.SourceKind,
                e.ReversesEntryId is { } t && reversedNumbers.TryGetValue(t, out var n) ? n : null,
                objectionStates.TryGetValue(e.Id, out var s) ? s.ToString().ToLowerInvariant() : null);
        }

        var monthStart = NoticeMonth.FirstDay(month);
        var lines = entries.Where(e => e.OccurredOn >= monthStart).GroupBy(e => e.HouseholdId)
            .ToDictionary(g => g.Key, g => g.Select(Line).ToList());
        var late = entries.Where(e => e.OccurredOn < monthStart).Select(Line).ToList();

        var villageRanks = Ranks(households.Select(h => (h.Id, cumulative.GetValueOrDefault(h.Id))));
        var groupRanks = households.GroupBy(h => h.GroupId)
            .SelectMany(g => Ranks(g.Select(h => (h.Id, cumulative.GetValueOrDefault(h.Id)))))
            .ToDictionary(x => x.Key, x => x.Value);
        var rows = households.Select(h =>
        {
            var t = totals.GetValueOrDefault(h.Id);
            var g = groups.GetValueOrDefault(h.GroupId);
            return new NoticeHousehold(h.Number, h.HeadName, g.Number, g.Name ?? "", t?.Net ?? 0, t?.Awarded ?? 0, t?.Deducted ?? 0, t?.Redeemed ?? 0,
                cumulative.GetValueOrDefault(h.Id), villageRanks[h.Id], groupRanks[h.Id], lines.GetValueOrDefault(h.Id) ?? []);
        }).ToList();

        var monthEnd = NoticeMonth.LastDay(month);
        var personTimes = await db.ActivityAttendances.AsNoTracking().Where(a => a.VillageId == villageId)
            .Join(db.Activities.Where(x => x.VillageId == villageId && x.State == ActivityState.Confirmed && x.HeldOn >= monthStart && x.HeldOn <= monthEnd),
                a => a.ActivityId, x => x.Id, (a, x) => a.Id)
            .CountAsync(ct);
        var summary = new NoticeSummary(
            rows.Sum(r => r.Awarded), rows.Sum(r => r.Deducted), rows.Sum(r => r.Redeemed),
            rows.Count(r => r.Awarded != 0 || r.Deducted != 0), personTimes, rows.Count, entries.Count);

        NoticeBoards? boards = null;
        if (village.RedBlackList)
        {
            boards = new NoticeBoards(
                rows.Where(r => r.Awarded > 0).OrderByDescending(r => r.Awarded).ThenBy(r => r.Number).Take(BoardSize)
                    .Select(r => new NoticeBoardRow(r.Number, r.Name, r.Awarded)).ToList(),
                rows.Where(r => r.Deducted > 0).OrderByDescending(r => r.Deducted).ThenBy(r => r.Number).Take(BoardSize)
                    .Select(r => new NoticeBoardRow(r.Number, r.Name, r.Deducted)).ToList());
        }

        var objections = await ObjectionsSinceAsync(villageId, previous?.PublishedAt, asOf,
            byId.ToDictionary(x => x.Key, x => (x.Value.Number, x.Value.HeadName)), ct);
        return new NoticeDocument(village.Code, village.Name, NoticeMonth.Format(month), NoticeDocument.Draft, asOf, null, null, null,
            village.PublicityWindowDays, false, summary, rows, late, boards, objections, new NoticeChainHead(coverage.HeadNumber, headHash));
    }

    /// <summary>
    /// Objections raised or decided since the previous notice was published (all of them before the first), as they
    /// stood at <paramref name="asOf"/>: a decision taken later is not known yet.
    /// </summary>
    private async Task<List<NoticeObjection>> ObjectionsSinceAsync(Guid villageId, DateTimeOffset? since, DateTimeOffset asOf,
        Dictionary<Guid, (int Number, string HeadName)> households, CancellationToken ct)
    {
        // A village has a handful of objections a month, and SQLite cannot compare instants in a query: filter here.
        var found = await db.Objections.AsNoTracking().Where(o => o.VillageId == villageId)
            .Join(db.LedgerEntries.Where(e => e.VillageId == villageId), o => o.EntryId, e => e.Id, (o, e) => new { o, e.Amount })
            .ToListAsync(ct);
        return found.Where(x => x.o.RaisedAt <= asOf)
            .Select(x => (x.o, x.Amount, Decided: x.o.DecidedAt <= asOf))
            .Where(x => since is not { } s || x.o.RaisedAt > s || (x.Decided && x.o.DecidedAt > s))
            .OrderBy(x => x.o.Number).Select(x =>
            {
                var h = households[x.o.HouseholdId];
                var o = x.o;
                return x.Decided
                    ? new NoticeObjection(o.Number, o.EntryNumber, h.Number, h.HeadName, x.Amount, PublicText.Scrub(o.Reason),
                        o.State.ToString().ToLowerInvariant(), o.RaisedAt, o.DecidedAt, o.Decision is null ? null : PublicText.Scrub(o.Decision),
                        o.ReversalEntryNumber, o.CorrectionEntryNumber)
                    : new NoticeObjection(o.Number, o.EntryNumber, h.Number, h.HeadName, x.Amount, PublicText.Scrub(o.Reason),
                        ObjectionState.Open.ToString().ToLowerInvariant(), o.RaisedAt, null, null, null, null);
            }).ToList();
    }

    private static long? ClaimNumber(string? sourceRef) =>
        sourceRef is not null && sourceRef.StartsWith("claim:", StringComparison.Ordinal)
        && long.TryParse(sourceRef.AsSpan("claim:".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : null;

    /// <summary>Standard competition ranking by points, highest first: equal points share a rank and the next rank skips.</summary>
    private static Dictionary<Guid, int> Ranks(IEnumerable<(Guid Id, long Points)> points)
    {
        var ordered = points.OrderByDescending(p => p.Points).ToList();
        var ranks = new Dictionary<Guid, int>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
            ranks[ordered[i].Id] = i > 0 && ordered[i].Points == ordered[i - 1].Points ? ranks[ordered[i - 1].Id] : i + 1;
        return ranks;
    }
}
