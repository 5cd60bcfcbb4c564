using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Tests.Demo;

/// <summary>What the demo's notices and objections must be on either database, seeded at <see cref="DemoVillageFixture.Now"/>.</summary>
internal static class DemoNoticeChecks
{
    private static readonly int ThisMonth = NoticeMonth.Of(BusinessCalendar.DateOf(DemoVillageFixture.Now));
    private static readonly int LastMonth = NoticeMonth.Previous(ThisMonth);

    /// <summary>A notice for every month from the village's start to last month: closed, but last month's on the board; this month a draft.</summary>
    public static async Task EveryMonthHasANoticeAsync(VillagePointsDb db, string code, int firstMonth)
    {
        var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == code);
        Assert.Equal(firstMonth, NoticeMonth.Of(village.StartedOn));
        var notices = await db.Notices.AsNoTracking().Where(n => n.VillageId == village.Id).OrderBy(n => n.Month).ToListAsync();
        var months = new List<int>();
        for (var m = firstMonth; m <= LastMonth; m = NoticeMonth.Next(m))
            months.Add(m);
        Assert.Equal(months, notices.Select(n => n.Month));
        Assert.All(notices.SkipLast(1), n =>
        {
            Assert.Equal(NoticeState.Closed, n.State);
            Assert.Equal(n.WindowClosesAt, n.ClosedAt);
            Assert.Null(n.ClosedBy);
        });
        var last = notices[^1];
        Assert.Equal(NoticeState.Published, last.State);
        Assert.True(last.PublishedAt <= DemoVillageFixture.Now && last.WindowClosesAt > DemoVillageFixture.Now,
            $"last month's notice was published {last.PublishedAt:O} and closes {last.WindowClosesAt:O}");
        Assert.DoesNotContain(notices, n => n.Month == ThisMonth);

        long previousHead = 0;
        var previousMonth = 0;
        foreach (var n in notices)
        {
            // Published after the month, its window as the desk sets it, and each one covering on from the one before.
            Assert.True(n.PublishedAt >= new DateTimeOffset(NoticeMonth.FirstDay(NoticeMonth.Next(n.Month)).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)));
            Assert.Equal(NoticeDesk.WindowClosesAt(n.PublishedAt, village.Settings.PublicityWindowDays), n.WindowClosesAt);
            Assert.Equal((previousMonth, previousHead), (n.PreviousMonth, n.PreviousHeadNumber));
            Assert.Equal(NoticeBook.Hash(n.Document), n.DocumentHash);
            // Its head is the last entry recorded before it went up.
            var head = await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.VillageId == village.Id && e.Number == n.HeadNumber);
            Assert.Equal(head.Hash, n.HeadHash);
            Assert.True(head.RecordedAt <= n.PublishedAt);
            var after = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == village.Id && e.Number == n.HeadNumber + 1)
                .Select(e => (DateTimeOffset?)e.RecordedAt).SingleOrDefaultAsync();
            Assert.True(after is null || after > n.PublishedAt, $"entry {n.HeadNumber + 1} was recorded before the notice of {n.Month} went up");
            (previousMonth, previousHead) = (n.Month, n.HeadNumber);
        }
    }

    /// <summary>Each notice lists exactly the entries it covers, none late, and each household's month total is the sum of its lines.</summary>
    public static async Task EachNoticeListsItsMonthAsync(VillagePointsDb db, string code)
    {
        var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == code);
        var notices = await db.Notices.AsNoTracking().Where(n => n.VillageId == village.Id).OrderBy(n => n.Month).ToListAsync();
        foreach (var n in notices)
        {
            var doc = NoticeBook.Thaw(n);
            Assert.Equal(NoticeMonth.Format(n.Month), doc.Month);
            Assert.Equal((n.HeadNumber, n.HeadHash), (doc.ChainHead.EntryNumber, doc.ChainHead.Hash));
            Assert.Empty(doc.Late);
            Assert.All(doc.Households, h => Assert.Equal(h.MonthTotal, h.Entries.Sum(l => (long)l.Amount)));
            var coverage = new NoticeCoverage(n.Month, n.PreviousMonth, n.PreviousHeadNumber, n.HeadNumber);
            var covered = await coverage.Entries(db.LedgerEntries.AsNoTracking(), village.Id).OrderBy(e => e.Number).Select(e => e.Number).ToListAsync();
            Assert.Equal(covered, doc.Households.SelectMany(h => h.Entries).Select(l => l.Number).Order());
            Assert.Equal(covered.Count, doc.Summary.Entries);
            // A line from a claim shows the claim's channel; the rest, where the entry came from.
            Assert.All(doc.Households.SelectMany(h => h.Entries), l =>
                Assert.True(Enum.TryParse<ClaimChannel>(l.Channel, out _) || l.Channel is SourceKinds.Opening or SourceKinds.Objection or SourceKinds.Checkout, l.Channel));
        }
    }

    /// <summary>
    /// Entries covered by closed notices are effective, except those with an objection still open; everything else is
    /// publicised, and a reversal always has the state of the entry it undoes.
    /// </summary>
    public static async Task ClosedNoticesMadeTheirEntriesEffectiveAsync(VillagePointsDb db, string code)
    {
        var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == code);
        var closed = new HashSet<long>();
        foreach (var n in await db.Notices.AsNoTracking().Where(n => n.VillageId == village.Id && n.State == NoticeState.Closed).ToListAsync())
        {
            var coverage = new NoticeCoverage(n.Month, n.PreviousMonth, n.PreviousHeadNumber, n.HeadNumber);
            closed.UnionWith(await coverage.Entries(db.LedgerEntries.AsNoTracking(), village.Id).Select(e => e.Number).ToListAsync());
        }
        var held = (await db.Objections.AsNoTracking().Where(o => o.VillageId == village.Id && o.State == ObjectionState.Open)
            .Select(o => o.EntryNumber).ToListAsync()).ToHashSet();
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == village.Id)
            .Select(e => new { e.Id, e.Number, e.Kind, e.State, e.ReversesEntryId }).ToListAsync();
        var states = entries.ToDictionary(e => e.Id, e => e.State);
        Assert.Contains(entries, e => e.State == EntryState.Effective);
        Assert.Contains(entries, e => e.State == EntryState.Publicised);
        Assert.All(entries, e => Assert.Equal(
            e.ReversesEntryId is { } target ? states[target]
            // Points spent at the shop are gone at once: a redemption is effective from the start.
            : e.Kind == EntryKind.Redemption ? EntryState.Effective
            : closed.Contains(e.Number) && !held.Contains(e.Number) ? EntryState.Effective : EntryState.Publicised,
            e.State));
    }

    /// <summary>
    /// Objections raised by a village's own villagers during the window; the closed months' decided before it closed,
    /// an upheld one with its reversal (and maybe a correction) from the objection; each shown in the next notice.
    /// </summary>
    public static async Task<(int Upheld, int Dismissed, int Open)> ObjectionsAreDecidedInTheirWindowAsync(VillagePointsDb db, string code)
    {
        var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == code);
        var notices = await db.Notices.AsNoTracking().Where(n => n.VillageId == village.Id).ToDictionaryAsync(n => n.Month);
        var objections = await db.Objections.AsNoTracking().Where(o => o.VillageId == village.Id).OrderBy(o => o.Number).ToListAsync();
        Assert.Equal(Enumerable.Range(1, objections.Count), objections.Select(o => o.Number));
        foreach (var o in objections)
        {
            var notice = notices[o.NoticeMonth];
            var entry = await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.VillageId == village.Id && e.Id == o.EntryId);
            Assert.Equal((entry.Number, entry.HouseholdId), (o.EntryNumber, o.HouseholdId));
            Assert.Equal(o.NoticeMonth, NoticeMonth.Of(entry.OccurredOn));
            Assert.True(entry.Number <= notice.HeadNumber);
            Assert.True(o.RaisedAt > notice.PublishedAt && o.RaisedAt < notice.WindowClosesAt && o.RaisedAt <= DemoVillageFixture.Now);
            // The objector is a villager of the village, speaking for their own household.
            Assert.True(await db.RoleAssignments.AnyAsync(r => r.UserId == o.RaisedBy && r.VillageId == village.Id && r.HouseholdId == o.RaisedByHouseholdId));
            Assert.False(string.IsNullOrWhiteSpace(o.Reason));

            if (o.State == ObjectionState.Open)
            {
                Assert.Equal(NoticeState.Published, notice.State);
                Assert.Null(o.DecidedAt);
                continue;
            }
            Assert.True(o.DecidedAt > o.RaisedAt && o.DecidedAt < notice.WindowClosesAt, $"objection {o.Number} decided {o.DecidedAt:O}");
            Assert.False(string.IsNullOrWhiteSpace(o.Decision));
            var source = string.Create(CultureInfo.InvariantCulture, $"objection:{o.Number}");
            var made = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == village.Id && e.SourceRef == source).OrderBy(e => e.Number).ToListAsync();
            if (o.State == ObjectionState.Dismissed)
            {
                Assert.Empty(made);
                Assert.Null(o.ReversalEntryNumber);
            }
            else
            {
                var reversal = made[0];
                Assert.Equal((EntryKind.Reversal, SourceKinds.Objection, entry.Id, -entry.Amount, o.ReversalEntryNumber),
                    (reversal.Kind, reversal.SourceKind, reversal.ReversesEntryId, reversal.Amount, (long?)reversal.Number));
                Assert.Equal(o.DecidedAt, reversal.RecordedAt);
                Assert.Equal(made.Count == 2 ? (long?)made[1].Number : null, o.CorrectionEntryNumber);
            }
            // The next notice shows it, decided.
            var next = notices[NoticeMonth.Next(o.NoticeMonth)];
            var shown = Assert.Single(NoticeBook.Thaw(next).Objections, x => x.Number == o.Number);
            Assert.Equal((o.State.ToString().ToLowerInvariant(), o.EntryNumber, o.Decision, o.ReversalEntryNumber),
                (shown.State, shown.EntryNumber, shown.Decision, shown.ReversalEntry));
        }
        // No notice shows an objection raised after it was published.
        foreach (var n in notices.Values)
            Assert.All(NoticeBook.Thaw(n).Objections, x => Assert.True(x.RaisedAt <= n.PublishedAt));
        return (objections.Count(o => o.State == ObjectionState.Upheld), objections.Count(o => o.State == ObjectionState.Dismissed),
            objections.Count(o => o.State == ObjectionState.Open));
    }

    /// <summary>Everything a notice and an objection state, for comparing two seeds row by row.</summary>
    public static async Task<List<string>> RowsAsync(VillagePointsDb db)
    {
        var notices = (await db.Notices.AsNoTracking().OrderBy(n => n.VillageId).ThenBy(n => n.Month).ToListAsync())
            .Select(n => string.Join('|', n.VillageId, n.Id, n.Month, n.State, n.HeadNumber, n.HeadHash, n.PreviousMonth, n.PreviousHeadNumber,
                n.PublishedAt.UtcTicks, n.PublishedBy, n.WindowClosesAt.UtcTicks, n.ClosedAt?.UtcTicks, n.ClosedBy, n.DocumentHash));
        var objections = (await db.Objections.AsNoTracking().OrderBy(o => o.VillageId).ThenBy(o => o.Number).ToListAsync())
            .Select(o => string.Join('|', o.VillageId, o.Id, o.Number, o.EntryId, o.EntryNumber, o.HouseholdId, o.NoticeMonth, o.RaisedBy,
                o.RaisedByHouseholdId, o.Reason, o.State, o.RaisedAt.UtcTicks, o.DecidedAt?.UtcTicks, o.DecidedBy, o.Decision, o.ReversalEntryNumber,
                o.CorrectionEntryNumber));
        return notices.Concat(objections).ToList();
    }

    public const int ShuixinFirstMonth = 202301;
    public const int GaocunFirstMonth = 202503;

    public static IEnumerable<(string Code, int FirstMonth)> Villages =>
        [(DemoVillage.VillageCode, ShuixinFirstMonth), (DemoVillage.GaocunCode, GaocunFirstMonth)];
}
