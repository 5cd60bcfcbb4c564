using System.Globalization;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Demo;

/// <summary>
/// A month's notice as the demo publishes it: when it went up, when its window closes, whether that has happened,
/// and the chain head it covers (the last entry recorded before it went up).
/// </summary>
internal sealed record DemoNotice(int Month, DateTimeOffset PublishedAt, DateTimeOffset WindowClosesAt, bool Closed)
{
    public long HeadNumber { get; set; }
}

/// <summary>
/// The demo's notices and objections: every month from the opening has a notice, published a few days after the
/// month ends and closed when its window did, except last month's, which is still on the board, and this month's,
/// a draft. Villagers object to a few entries now and then; the committee dismisses most objections and upholds
/// some, with a reversal and sometimes a corrected entry, before the window closes.
/// </summary>
internal sealed partial class DemoLedgerPlan
{
    private static readonly TimeSpan PublishingTime = TimeSpan.FromHours(10);

    /// <param name="Rule">The rule of the entries this kind of objection is raised against.</param>
    /// <param name="Own">Raised by the household the entry belongs to (its own deduction), or else by a neighbour.</param>
    /// <param name="Correction">For an upheld objection whose deed was real but scored under the wrong rule: the right rule.</param>
    private sealed record ObjectionKind(string Rule, bool Own, string Reason, bool Upheld, string Decision, string? Correction = null);

    private static readonly (ObjectionKind Kind, int Weight)[] ObjectionKinds =
    [
        (new("env-litter", true, "当天我家有人在家，并未乱倒垃圾", false, "网格员巡查时现场拍照，照片显示垃圾袋为该户所倒，维持原记录。"), 5),
        (new("env-litter", true, "照片里的不是我家门口", true, "经评分管理委员会核查，照片拍摄位置为邻户门口，异议成立，撤销该条扣分。"), 2),
        (new("env-litter", true, "倒在路边的是装修剩下的砖块，不是生活垃圾", true,
            "经核实，路边堆放的是建材，不属于乱倒垃圾，异议成立；撤销该条扣分，按“乱堆乱放”重新记分。", "env-stacking"), 1),
        (new("env-free-range-poultry", true, "鸡是邻居家的，我家的鸡一直关在棚里", true, "经走访周边住户核实，散养的鸡为邻户所有，异议成立，撤销该条扣分。"), 2),
        (new("env-free-range-poultry", true, "只是放出来喂食一会儿，马上就赶回去了", false, "村规民约规定家禽须圈养，巡查时鸡鸭在村道上，维持原记录。"), 4),
        (new("env-clean-corner", false, "那个角落是我家清理的，不是他家", false, "经村民小组长现场询问，两户共同清理，均应记分，维持原记录。"), 3),
        (new("volunteer-service", false, "他家那天没有人来参加活动", false, "签到记录和现场照片显示该户家人到场参加，维持原记录。"), 3),
        (new("env-front-door", false, "他家门前还堆着杂物，不应该加分", false, "检查当日门前整洁，杂物为检查之后堆放，维持原记录；已提醒该户及时清理。"), 2),
    ];

    /// <summary>
    /// When each month's notice was published, from the opening month to last month: the 3rd to 5th of the next month at
    /// ten, but never before the last entry dated in the month was recorded, so no entry comes late to its notice.
    /// Last month's went up recently enough that its window is still open now.
    /// </summary>
    private List<DemoNotice> ScheduleNotices(List<PostEntry> entries, DateOnly opening, int windowDays)
    {
        var lastRecorded = new Dictionary<int, DateTimeOffset>();
        foreach (var e in entries)
        {
            var month = NoticeMonth.Of(e.OccurredOn!.Value);
            if (!lastRecorded.TryGetValue(month, out var at) || e.RecordedAt!.Value > at)
                lastRecorded[month] = e.RecordedAt!.Value;
        }
        var lastMonth = NoticeMonth.Previous(NoticeMonth.Of(today));
        var notices = new List<DemoNotice>();
        for (var month = NoticeMonth.Of(opening); month <= lastMonth; month = NoticeMonth.Next(month))
        {
            var monthOver = Utc(NoticeMonth.FirstDay(NoticeMonth.Next(month)), TimeSpan.Zero);
            var earliest = lastRecorded.TryGetValue(month, out var recorded) && recorded > monthOver ? recorded : monthOver;
            var at = Utc(NoticeMonth.FirstDay(NoticeMonth.Next(month)).AddDays(2 + rng.Next(3)), PublishingTime);
            for (var day = BusinessCalendar.DateOf(earliest); at <= earliest; day = day.AddDays(1))
                at = Utc(day, PublishingTime);
            var last = month == lastMonth;
            // Yesterday, when the usual day has not come yet or its window would have closed by now.
            if (last && (at > now || NoticeDesk.WindowClosesAt(at, windowDays) <= now))
                at = Utc(today.AddDays(-1), PublishingTime);
            if (last)
                at = at < earliest ? earliest : at > now ? now : at;
            var closes = NoticeDesk.WindowClosesAt(at, windowDays);
            if (!last && closes > now)
                throw new InvalidOperationException($"The demo's notice of {month} would still be open.");
            notices.Add(new DemoNotice(month, at, closes, !last));
        }
        return notices;
    }

    /// <summary>
    /// A handful of objections in some months, raised during the window against an entry the notice lists, and for the
    /// closed months decided before the window closed; one raised against last month's notice is still open. Returns the
    /// objections (numbered in the order raised; entry numbers are set once the ledger is in its final order) and the
    /// entries upheld ones add, each a reversal of the entry objected to, sometimes with a corrected entry.
    /// </summary>
    private (List<Objection> Objections, List<PostEntry> Entries) PlanObjections(Guid villageId, IReadOnlyList<Guid> households,
        List<PostEntry> entries, List<DemoNotice> notices, Func<DateOnly, EntryState> stateOf)
    {
        var index = households.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i);
        var codes = rules.Values.ToDictionary(r => r.Rule.Id, r => r.Rule.Code);
        var planned = new List<(Objection Objection, PostEntry Target, ObjectionKind Kind)>();
        var kindWeights = ObjectionKinds.Select(k => k.Weight).ToArray();
        var ids = new DemoIds(rng.Next());
        foreach (var notice in notices)
        {
            var first = NoticeMonth.FirstDay(notice.Month);
            var listed = entries.Where(e => e.RecordedAt <= notice.PublishedAt && e.OccurredOn >= first
                                            && e.OccurredOn <= NoticeMonth.LastDay(notice.Month) && e.RuleId is not null).ToList();
            // One month in four or so for a closed notice; the notice on the board now has one waiting.
            var count = notice.Closed ? (rng.Next(4) == 0 ? 1 + rng.Next(3) : 0) : 1;
            var open = notice.PublishedAt + TimeSpan.FromHours(2);
            // A closed notice's objections are raised and decided while its window is open.
            var decidedBy = notice.Closed ? notice.WindowClosesAt - TimeSpan.FromHours(1) : now;
            var raisedBy = notice.Closed ? decidedBy - TimeSpan.FromHours(1) : now;
            // The notice on the board gets a few tries, so that it has its open objection.
            var tries = notice.Closed ? count : 5;
            for (var n = 0; n < tries && planned.Count(p => p.Objection.NoticeMonth == notice.Month) < count && open < raisedBy; n++)
            {
                var kind = ObjectionKinds[Weighted(kindWeights)].Kind;
                if (!notice.Closed && kind.Upheld)
                    kind = ObjectionKinds.First(k => !k.Kind.Upheld && k.Kind.Rule == kind.Rule).Kind;
                var candidates = listed.Where(e => codes[e.RuleId!.Value] == kind.Rule && planned.All(p => p.Target.Id != e.Id)).ToList();
                if (candidates.Count == 0)
                    continue;
                var target = candidates[rng.Next(candidates.Count)];
                var household = index[target.HouseholdId];
                var objector = kind.Own ? household : NeighbourOf(household);
                if (objector is not { } by || people.Villagers[by] is not { } account)
                    continue;
                var raised = Within(Later(open, 0, 60), open, raisedBy);
                var objection = new Objection
                {
                    VillageId = villageId, EntryId = target.Id!.Value, HouseholdId = target.HouseholdId, NoticeMonth = notice.Month,
                    RaisedBy = account, RaisedByHouseholdId = households[by], Reason = kind.Reason, State = ObjectionState.Open, RaisedAt = raised,
                };
                if (notice.Closed)
                {
                    objection.State = kind.Upheld ? ObjectionState.Upheld : ObjectionState.Dismissed;
                    objection.DecidedAt = Within(Later(raised, 18, 60), raised + TimeSpan.FromMinutes(30), decidedBy);
                    objection.DecidedBy = people.CommitteeMember is { } member && rng.Next(3) == 0 ? member : people.Chair;
                    objection.Decision = kind.Decision;
                }
                planned.Add((objection, target, kind));
            }
        }

        var objections = new List<Objection>(planned.Count);
        var added = new List<PostEntry>();
        foreach (var (objection, target, kind) in planned.OrderBy(p => p.Objection.RaisedAt))
        {
            objection.Number = objections.Count + 1;
            objection.Id = ids.New(objection.RaisedAt);
            objections.Add(objection);
            if (objection.State != ObjectionState.Upheld)
                continue;
            var at = objection.DecidedAt!.Value;
            var day = BusinessCalendar.DateOf(at);
            var source = string.Create(CultureInfo.InvariantCulture, $"objection:{objection.Number}");
            var by = objection.DecidedBy!.Value;
            added.Add(new PostEntry(villageId, target.HouseholdId, -target.Amount, EntryKind.Reversal,
                string.Create(CultureInfo.InvariantCulture, $"异议 #{objection.Number} 成立，撤销原记录"), SourceKinds.Objection, source,
                SubmittedBy: by, ApprovedBy: by, OccurredOn: day, State: target.State, RuleId: target.RuleId, RuleVersion: target.RuleVersion,
                RecordedAt: at, Id: ids.New(at), Reverses: target.Id));
            if (kind.Correction is not { } code)
                continue;
            var info = rules[code];
            var version = RuleBook.InForce(info.Versions, day) ?? info.Versions.MinBy(v => v.Number)!;
            var correctedAt = at + TimeSpan.FromSeconds(1);
            added.Add(new PostEntry(villageId, target.HouseholdId, -version.BasePoints, EntryKind.Deduction, info.Rule.NameZh, SourceKinds.Objection,
                source, SubmittedBy: by, ApprovedBy: by, OccurredOn: day, State: stateOf(day), RuleId: info.Rule.Id, RuleVersion: version.Number,
                RecordedAt: correctedAt, Id: ids.New(correctedAt)));
        }
        return (objections, added);
    }

    /// <summary>A household near <paramref name="household"/> (by number) with a villager login, never itself.</summary>
    private int? NeighbourOf(int household)
    {
        for (var tries = 0; tries < 20; tries++)
        {
            var other = household + rng.Next(-15, 16);
            if (other != household && other >= 0 && other < people.Villagers.Count && people.Villagers[other] is not null)
                return other;
        }
        return null;
    }

    private static DateTimeOffset Within(DateTimeOffset at, DateTimeOffset from, DateTimeOffset to) =>
        at < from ? from : at > to ? to : at;

    /// <summary>
    /// Puts the entries that upheld objections add into the ledger at the moments they were decided, and numbers
    /// everything that points at an entry (claims, objections, notices' heads) by its place in the final order.
    /// </summary>
    private static List<PostEntry> Merge(List<PostEntry> entries, List<PostEntry> added, Dictionary<Guid, Claim> claimsByEntry,
        List<Objection> objections, List<DemoNotice> notices)
    {
        var merged = new List<PostEntry>(entries.Count + added.Count);
        var next = 0;
        foreach (var extra in added.OrderBy(e => e.RecordedAt))
        {
            while (next < entries.Count && entries[next].RecordedAt <= extra.RecordedAt)
                merged.Add(entries[next++]);
            merged.Add(extra);
        }
        merged.AddRange(entries.Skip(next));

        var numbers = new Dictionary<Guid, long>(merged.Count);
        for (var i = 0; i < merged.Count; i++)
            numbers[merged[i].Id!.Value] = i + 1;
        foreach (var (entryId, claim) in claimsByEntry)
            claim.EntryNumber = numbers[entryId];
        foreach (var objection in objections)
        {
            objection.EntryNumber = numbers[objection.EntryId];
            if (objection.State != ObjectionState.Upheld)
                continue;
            var source = string.Create(CultureInfo.InvariantCulture, $"objection:{objection.Number}");
            var made = merged.Where(e => e.SourceRef == source).ToList();
            objection.ReversalEntryNumber = numbers[made.Single(e => e.Kind == EntryKind.Reversal).Id!.Value];
            objection.CorrectionEntryNumber = made.SingleOrDefault(e => e.Kind != EntryKind.Reversal) is { } corrected ? numbers[corrected.Id!.Value] : null;
        }
        foreach (var notice in notices)
            notice.HeadNumber = merged.FindLastIndex(e => e.RecordedAt <= notice.PublishedAt) + 1;
        return merged;
    }
}
