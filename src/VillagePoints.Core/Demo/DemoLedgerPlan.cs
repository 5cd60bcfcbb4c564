using System.Globalization;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Demo;

/// <summary>
/// The village's people who submit and review claims. <paramref name="Villagers"/> holds, per household in
/// number order, the villager account of that household, or null where it has none (no phone).
/// </summary>
internal sealed record DemoReviewers(
    Guid? GridWorker,
    IReadOnlyList<Guid> ReviewGroup,
    Guid Chair,
    Guid? CommitteeMember,
    IReadOnlyList<Guid?> Villagers);

/// <param name="Opening">The day the village opened its points archives (base grants).</param>
/// <param name="AwardPoints">Points to award in total, base grants excluded, spread from the opening to today.</param>
/// <param name="DeductionPoints">Points to deduct in total, before the floor drops a few.</param>
internal sealed record LedgerProfile(DateOnly Opening, int AwardPoints, int DeductionPoints);

/// <summary>
/// What the plan writes: the ledger in entry order, every claim, numbered, whatever became of it, and the volunteer
/// activities with their rosters.
/// </summary>
internal sealed record DemoHistory(List<PostEntry> Entries, List<Claim> Claims, List<Activity> Activities, List<ActivityAttendance> Attendances,
    List<DemoNotice> Notices, List<Objection> Objections, DemoShopHistory? Shop = null);

/// <summary>A person of a household, for activity rosters.</summary>
internal sealed record DemoMember(Guid Id, string Name);

/// <summary>
/// Plans a village's history the way the app makes it: base grants on the opening day, then deeds, each
/// one a claim through one of the four channels from the right kind of account, scored by the rule version
/// in force on the deed's day (caps included), reviewed by the village's reviewers (two steps where the
/// village says so) and, once approved, posted as <see cref="ClaimDesk"/> posts it. A few claims are
/// rejected or returned; the newest still wait for review, so the queue has work today.
/// </summary>
internal sealed partial class DemoLedgerPlan
{
    public const string BaseReason = "基础分";

    // Demo deductions never take a balance below this; households still end below the base.
    private const int Floor = 40;

    private static readonly TimeSpan OfficeOpens = TimeSpan.FromHours(8);
    private static readonly TimeSpan OfficeHours = TimeSpan.FromHours(11);

    private sealed record Deed(string RuleCode, int Weight, bool OncePerHousehold, (ClaimChannel Channel, int Weight)[] Channels);

    // Weighted so that about 10,000 claims are for volunteer service over the history, as the article reports.
    private static readonly Deed[] Awards =
    [
        new("env-clean-corner", 600, false,
            [(ClaimChannel.SelfDeclaration, 40), (ClaimChannel.Patrol, 35), (ClaimChannel.NeighbourRecommendation, 25)]),
        new("volunteer-service", 315, false,
            [(ClaimChannel.SelfDeclaration, 45), (ClaimChannel.NeighbourRecommendation, 25), (ClaimChannel.GroupInspection, 20), (ClaimChannel.Patrol, 10)]),
        new("env-front-door", 90, false, [(ClaimChannel.GroupInspection, 60), (ClaimChannel.Patrol, 40)]),
        new("affairs-meeting", 40, false, [(ClaimChannel.GroupInspection, 70), (ClaimChannel.Patrol, 30)]),
        new("customs-simple-ceremony", 5, true, [(ClaimChannel.SelfDeclaration, 60), (ClaimChannel.Patrol, 40)]),
    ];

    private static readonly Deed[] Deductions =
    [
        new("env-litter", 60, false, [(ClaimChannel.Patrol, 65), (ClaimChannel.GroupInspection, 35)]),
        new("env-free-range-poultry", 36, false, [(ClaimChannel.Patrol, 55), (ClaimChannel.GroupInspection, 45)]),
        new("customs-lavish-ceremony", 4, true, [(ClaimChannel.GroupInspection, 60), (ClaimChannel.Patrol, 40)]),
    ];

    private static readonly string[] RejectReasons = ["经核实情况不属实", "同一事项已经记过分", "照片与申报内容不符"];
    private static readonly string[] ReturnReasons = ["请补充现场照片", "请写明具体地点和时间"];

    private static readonly CultureInfo Zh = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-US");

    private sealed record Month(DateOnly First, int Days, double Fraction);

    /// <param name="First">The household's first award: it takes part, so this one goes through.</param>
    /// <param name="Activity">For volunteer service done at a village activity: the activity, and who of the household attended.</param>
    private sealed record Planned(DateTimeOffset At, int Sequence, int Household, Deed Deed, ClaimChannel Channel, bool First,
        PlannedActivity? Activity = null, DemoMember? Attendee = null);

    /// <summary>An activity as planned; its attendance is confirmed the evening after it was held, or the next morning.</summary>
    private sealed record PlannedActivity(Activity Activity, DateTimeOffset Starts, DateTimeOffset ConfirmedAt, HashSet<Guid> Roster);

    private static readonly (string Title, string Place, int[] Months)[] ActivityKinds =
    [
        ("村庄清洁日", "村委会广场集合，分片清扫", []),
        ("春节前环境卫生大扫除", "全村各村民小组", [1, 2]),
        ("植树护绿志愿活动", "村道两旁", [3, 4]),
        ("河道清漂护河行动", "水心河沿岸", [4, 5, 6, 10, 11]),
        ("防溺水安全宣传", "村文化广场", [6, 7, 8]),
        ("台风过后清障志愿服务", "全村主要道路", [8, 9]),
        ("关爱孤寡老人上门服务", "各村民小组", []),
        ("垃圾分类宣传志愿服务", "村文化广场", []),
        ("新时代文明实践站志愿服务", "新时代文明实践站", []),
    ];

    // About this many people come to one activity; a busy month has more activities, not fuller ones.
    private const int AttendeesPerActivity = 50;
    private const string VolunteerRule = "volunteer-service";

    private sealed record RuleInfo(Rule Rule, List<RuleVersion> Versions);

    private readonly Random rng;
    private readonly DemoReviewers people;
    private readonly IReadOnlyList<IReadOnlyList<DemoMember>> members;
    private readonly DateTimeOffset now;
    private readonly DateOnly today;
    private readonly TimeSpan nowLocalTime;
    private readonly Dictionary<string, RuleInfo> rules;
    private readonly List<Planned> planned = [];
    private readonly HashSet<(int Household, string Rule)> onceDone = [];

    private DemoLedgerPlan(Random rng, DemoReviewers people, IReadOnlyList<IReadOnlyList<DemoMember>> members, IReadOnlyList<Rule> rules,
        IReadOnlyList<RuleVersion> versions, DateTimeOffset now)
    {
        this.rng = rng;
        this.people = people;
        this.members = members;
        this.now = now;
        today = BusinessCalendar.DateOf(now);
        nowLocalTime = TimeZoneInfo.ConvertTime(now, BusinessCalendar.Zone).TimeOfDay;
        this.rules = rules.ToDictionary(r => r.Code, r => new RuleInfo(r, versions.Where(v => v.RuleId == r.Id).ToList()));
    }

    /// <param name="members">Per household in number order, its people; volunteer service is done at activities where
    /// the village has someone to organise them (a review group), one claim per person who came.</param>
    public static DemoHistory Create(Random rng, Guid villageId, IReadOnlyList<Guid> households, IReadOnlyList<IReadOnlyList<DemoMember>> members,
        VillageSettings settings, LedgerProfile profile, DemoReviewers people, IReadOnlyList<Rule> rules, IReadOnlyList<RuleVersion> versions,
        DateTimeOffset now, DemoShopPeople? shop = null) =>
        new DemoLedgerPlan(rng, people, members, rules, versions, now).History(villageId, households, settings, profile, shop);

    private DemoHistory History(Guid villageId, IReadOnlyList<Guid> households, VillageSettings settings, LedgerProfile profile,
        DemoShopPeople? shop)
    {
        // Every month's notice has closed but last month's (still on the board) and this month's (a draft), and no
        // entry comes late to its notice: an entry is effective when its month's notice has closed.
        var lastClosed = NoticeMonth.Previous(NoticeMonth.Previous(NoticeMonth.Of(today)));
        EntryState StateOf(DateOnly day) => NoticeMonth.Of(day) <= lastClosed ? EntryState.Effective : EntryState.Publicised;

        var opening = profile.Opening < today ? profile.Opening : today.AddDays(-1);
        var entries = new List<PostEntry>(households.Count * 60);
        var ids = new DemoIds(rng.Next());
        for (var i = 0; i < households.Count; i++)
        {
            var at = Utc(opening, OfficeOpens + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(7 * i));
            entries.Add(new PostEntry(villageId, households[i], settings.BasePoints, EntryKind.BaseGrant, BaseReason, SourceKinds.Opening,
                ApprovedBy: people.Chair, OccurredOn: opening, State: StateOf(opening), RecordedAt: at, Id: ids.New(at)));
        }

        // Today's deeds only count once the office has been open for an hour.
        var lastDay = nowLocalTime >= OfficeOpens + TimeSpan.FromHours(1) ? today : today.AddDays(-1);
        var months = Months(opening.AddDays(1), lastDay);
        if (months.Count > 0)
            PlanDeeds(households.Count, months, profile);
        var activities = people.ReviewGroup.Count > 0 ? PlanActivities(villageId, months) : [];
        planned.Sort((x, y) => x.At != y.At ? x.At.CompareTo(y.At) : x.Sequence.CompareTo(y.Sequence));

        // Patrols and inspections are recorded on the spot; villagers declare later that day or the next. Claims are
        // numbered in the order they came in.
        // An activity's claims are all made when its attendance is confirmed, in check-in order.
        var filed = planned
            .Select(p => (Deed: p, SubmittedAt: p.Activity is { } a ? a.ConfirmedAt
                : p.Channel is ClaimChannel.Patrol or ClaimChannel.GroupInspection ? p.At : Later(p.At, 0.2, 30)))
            .OrderBy(x => x.SubmittedAt).ThenBy(x => x.Deed.At).ThenBy(x => x.Deed.Sequence)
            .ToList();
        var attendances = new List<ActivityAttendance>();
        var attendeeNames = new Dictionary<long, string>();
        var attendanceIds = new DemoIds(rng.Next());

        var claimIds = new DemoIds(rng.Next());
        var claims = new List<Claim>(filed.Count);
        var approved = new List<(Claim Claim, Rule Rule)>(filed.Count);
        var balance = Enumerable.Repeat(settings.BasePoints, households.Count).ToArray();
        var totals = new Dictionary<(int Household, Guid Rule, int Period), int>();
        foreach (var (p, submittedAt) in filed)
        {
            var info = rules[p.Deed.RuleCode];
            var submitter = p.Activity is { } held ? held.Activity.OrganiserId : SubmitterFor(p.Channel, p.Household);
            if (submitter is null)
                continue;
            var occurredOn = BusinessCalendar.DateOf(p.At);
            ActivityAttendance? attendance = null;
            if (p.Activity is { } activity && p.Attendee is { } person && p.At <= now)
            {
                var selfScan = people.Villagers[p.Household] is { } own && rng.Next(100) < 40;
                attendance = new ActivityAttendance
                {
                    VillageId = villageId, Id = attendanceIds.New(p.At), ActivityId = activity.Activity.Id, HouseholdId = households[p.Household],
                    PersonId = person.Id, Method = selfScan ? CheckInMethod.SelfScan : CheckInMethod.Roster,
                    CheckedInBy = selfScan ? people.Villagers[p.Household]!.Value : activity.Activity.OrganiserId, CheckedInAt = p.At,
                };
                // Not confirmed yet: on the roster, no claim.
                if (submittedAt > now)
                {
                    attendances.Add(attendance);
                    continue;
                }
            }
            if (submittedAt > now)
                continue;
            var version = RuleBook.InForce(info.Versions, occurredOn) ?? info.Versions.MinBy(v => v.Number)!;
            var score = RuleScoring.Score(version, info.Rule.Direction, new ScoringInputs(), Totals(totals, p.Household, info.Rule.Id, occurredOn));
            if (score.Points == 0)
                continue; // the cap is full: the app refuses such a claim, so nobody files it (nor ticks the name on a roster)
            if (score.Points < 0 && balance[p.Household] + score.Points < Floor)
                continue;

            var names = new RuleVersionNames(info.Rule.NameZh, info.Rule.NameEn);
            var claim = new Claim
            {
                VillageId = villageId, Id = claimIds.New(submittedAt), Number = claims.Count + 1, Channel = p.Channel,
                HouseholdId = households[p.Household], RuleId = info.Rule.Id, RuleVersion = version.Number, OccurredOn = occurredOn,
                Note = NoteFor(p.Channel), Points = score.Points, ExplanationZh = score.Explain(names, Zh), ExplanationEn = score.Explain(names, En),
                State = ClaimState.Submitted, SubmittedBy = submitter.Value, SubmittedAt = submittedAt,
                ActivityId = p.Activity?.Activity.Id, Hours = p.Activity?.Activity.Hours,
            };
            claims.Add(claim);
            // Attendance confirmed by the organiser is not in doubt: those claims are approved, unless still in review.
            Review(claim, settings, p.First || p.Activity is not null);
            if (attendance is not null)
            {
                attendance.ClaimNumber = claim.Number;
                attendances.Add(attendance);
                attendeeNames[claim.Number] = p.Attendee!.Name;
            }
            if (claim.State is ClaimState.Rejected or ClaimState.Returned)
                continue;
            // Waiting claims count against the caps too: the demo never leaves a claim that would overshoot once approved.
            balance[p.Household] += score.Points;
            Count(totals, p.Household, info.Rule.Id, occurredOn, score.Magnitude);
            if (claim.State == ClaimState.Approved)
                approved.Add((claim, info.Rule));
        }

        // The ledger is in the order of approvals, as the app writes it.
        approved.Sort((x, y) => x.Claim.ResolvedAt!.Value != y.Claim.ResolvedAt!.Value
            ? x.Claim.ResolvedAt.Value.CompareTo(y.Claim.ResolvedAt.Value)
            : x.Claim.Number.CompareTo(y.Claim.Number));
        var claimsByEntry = new Dictionary<Guid, Claim>(approved.Count);
        foreach (var (claim, rule) in approved)
        {
            var at = claim.ResolvedAt!.Value;
            var id = ids.New(at);
            entries.Add(new PostEntry(villageId, claim.HouseholdId, claim.Points,
                rule.Direction == RuleDirection.Deduction ? EntryKind.Deduction : EntryKind.Award, rule.NameZh, SourceKinds.Claim,
                SourceRef: string.Create(CultureInfo.InvariantCulture, $"claim:{claim.Number}"),
                SubmittedBy: claim.SubmittedBy, ApprovedBy: claim.ResolvedBy, OccurredOn: claim.OccurredOn,
                State: StateOf(claim.OccurredOn), RuleId: claim.RuleId, RuleVersion: claim.RuleVersion,
                RecordedAt: at, Id: id));
            claimsByEntry[id] = claim;
        }

        var notices = ScheduleNotices(entries, opening, settings.PublicityWindowDays);
        var (objections, added) = PlanObjections(villageId, households, entries, notices, StateOf);
        // The shop spends what the rest of the history earned, so it comes last; its own generator leaves the rest as it was.
        DemoShopHistory? shopHistory = null;
        if (shop is not null)
        {
            var redemptions = new List<PostEntry>();
            shopHistory = PlanShop(villageId, households, [.. entries, .. added], shop, StateOf, redemptions);
            added.AddRange(redemptions);
        }
        // The ledger starts empty, so an entry's number is its place in the list.
        entries = Merge(entries, added, claimsByEntry, objections, notices);
        return new DemoHistory(entries, claims, FinishActivities(activities, claims, attendances, attendeeNames), attendances, notices, objections,
            shopHistory);
    }

    /// <summary>
    /// The review as the village runs it: the review group first where the village has two steps, then the
    /// committee. Whatever would happen after now has not happened yet, and the claim still waits.
    /// </summary>
    private void Review(Claim claim, VillageSettings settings, bool sure)
    {
        var roll = rng.Next(1000);
        if (sure)
            roll = 999;
        var at = claim.SubmittedAt;
        if (settings.TwoStepReview && people.ReviewGroup.Count > 0)
        {
            var first = Other(people.ReviewGroup, claim.SubmittedBy);
            at = Later(at, 0.5, 22);
            if (at > now)
                return;
            if (roll < 15)
            {
                Resolve(claim, ClaimState.Rejected, first, at, RejectReasons[rng.Next(RejectReasons.Length)]);
                return;
            }
            claim.State = ClaimState.FirstReviewed;
            claim.FirstReviewedBy = first;
            claim.FirstReviewedAt = at;
            claim.Version++;
        }
        at = Later(at, 1, 30);
        if (at > now)
            return;
        var committee = people.CommitteeMember is { } member && member != claim.SubmittedBy && (rng.Next(10) < 3 || people.Chair == claim.SubmittedBy)
            ? member
            : people.Chair;
        if (roll < 30)
            Resolve(claim, ClaimState.Rejected, committee, at, RejectReasons[rng.Next(RejectReasons.Length)]);
        else if (roll < 42)
            Resolve(claim, ClaimState.Returned, committee, at, ReturnReasons[rng.Next(ReturnReasons.Length)]);
        else
            Resolve(claim, ClaimState.Approved, committee, at, null);
    }

    private static void Resolve(Claim claim, ClaimState state, Guid by, DateTimeOffset at, string? reason)
    {
        claim.State = state;
        claim.ResolvedBy = by;
        claim.ResolvedAt = at;
        claim.ResolutionReason = reason;
        claim.Version++;
    }

    /// <summary>
    /// Turns each month's volunteer service into the month's activities: a cleaning day first, then events of the
    /// season, on weekends where the month has them. Every such deed becomes one person of the household on a
    /// roster, checked in on the morning of the activity; the organiser files the claims through group inspection.
    /// </summary>
    private List<PlannedActivity> PlanActivities(Guid villageId, List<Month> months)
    {
        var organisers = people.ReviewGroup.Concat(people.CommitteeMember is { } m ? [m] : Array.Empty<Guid>()).ToList();
        var volunteer = rules[VolunteerRule].Rule;
        var ids = new DemoIds(rng.Next());
        var result = new List<PlannedActivity>();
        var byMonth = planned.Select((p, i) => (p, i)).Where(x => x.p.Deed.RuleCode == VolunteerRule)
            .GroupBy(x => { var day = BusinessCalendar.DateOf(x.p.At); return new DateOnly(day.Year, day.Month, 1); })
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var month in months)
        {
            if (!byMonth.TryGetValue(new DateOnly(month.First.Year, month.First.Month, 1), out var deeds))
                continue;
            var count = Math.Clamp((int)Math.Round(deeds.Count / (double)AttendeesPerActivity), 1, 8);
            var days = Enumerable.Range(0, month.Days).Select(d => month.First.AddDays(d)).ToList();
            var weekends = days.Where(d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday).ToList();
            var pool = weekends.Count >= count ? weekends : days;
            var chosen = pool.OrderBy(_ => rng.Next()).Take(count).Order().ToList();
            var kinds = ActivityKinds.Where(k => k.Months.Length == 0 || k.Months.Contains(month.First.Month)).ToList();
            var monthActivities = new List<PlannedActivity>();
            for (var i = 0; i < chosen.Count; i++)
            {
                var kind = i == 0 ? ActivityKinds[0] : kinds[rng.Next(1, kinds.Count)];
                var starts = Utc(chosen[i], TimeSpan.FromHours(8.5));
                var confirmed = Later(starts + TimeSpan.FromHours(6), 0, 14);
                var organiser = organisers[rng.Next(organisers.Count)];
                var token = new byte[32];
                rng.NextBytes(token);
                var created = starts - TimeSpan.FromDays(5 + rng.Next(5));
                var activity = new Activity
                {
                    VillageId = villageId, Id = ids.New(created), Title = kind.Title, HeldOn = chosen[i], Place = kind.Place, RuleId = volunteer.Id,
                    Hours = 2 + rng.Next(3) * 0.5m, Capacity = 0, OrganiserId = organiser,
                    CheckInToken = Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
                    State = ActivityState.Open, CreatedBy = organiser, CreatedAt = created,
                };
                monthActivities.Add(new PlannedActivity(activity, starts, confirmed, []));
            }
            result.AddRange(monthActivities);
            // The cleaning day draws the most people.
            var weights = monthActivities.Select((_, i) => i == 0 ? 3 : 2).ToArray();
            foreach (var (deed, index) in deeds)
            {
                var household = members[deed.Household];
                PlannedActivity? at = null;
                DemoMember? who = null;
                for (var tries = 0; tries < 4 && who is null; tries++)
                {
                    at = monthActivities[Weighted(weights)];
                    var free = household.Where(m => !at.Roster.Contains(m.Id)).ToList();
                    who = free.Count == 0 ? null : free[rng.Next(free.Count)];
                }
                if (who is null || at is null)
                {
                    planned[index] = deed with { Household = -1 };
                    continue;
                }
                at.Roster.Add(who.Id);
                var checkedIn = at.Starts - TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(rng.Next(3_600));
                if (checkedIn > now)
                {
                    planned[index] = deed with { Household = -1 };
                    continue;
                }
                planned[index] = deed with { At = checkedIn, Channel = ClaimChannel.GroupInspection, Activity = at, Attendee = who };
            }
        }
        planned.RemoveAll(p => p.Household < 0);
        return result;
    }

    /// <summary>
    /// Numbers the activities in date order and settles their state: confirmed once the organiser confirmed (the
    /// claims' notes name the activity as confirmation writes them), still open before that. An activity nobody's
    /// claim came of is left out, as the app refuses to confirm an empty roster.
    /// </summary>
    private static List<Activity> FinishActivities(List<PlannedActivity> planned, List<Claim> claims, List<ActivityAttendance> attendances,
        Dictionary<long, string> attendeeNames)
    {
        var confirmed = claims.Where(c => c.ActivityId is not null).Select(c => c.ActivityId!.Value).ToHashSet();
        var onRoster = attendances.GroupBy(a => a.ActivityId).ToDictionary(g => g.Key, g => g.Count());
        var kept = planned.Where(p => onRoster.ContainsKey(p.Activity.Id)).OrderBy(p => p.Activity.HeldOn).ThenBy(p => p.Starts).ToList();
        var byId = new Dictionary<Guid, Activity>();
        for (var i = 0; i < kept.Count; i++)
        {
            var a = kept[i].Activity;
            a.Number = i + 1;
            a.AttendeeCount = onRoster[a.Id];
            // Room for everyone who came and a few more, in tens, as the organiser would have set it.
            a.Capacity = Math.Min(ActivityLimits.MaxCapacity, (a.AttendeeCount / 10 + 2) * 10);
            if (confirmed.Contains(a.Id))
            {
                a.State = ActivityState.Confirmed;
                a.ConfirmedBy = a.OrganiserId;
                a.ConfirmedAt = kept[i].ConfirmedAt;
                a.Version = 1 + a.AttendeeCount;
            }
            else
            {
                a.Version = a.AttendeeCount;
            }
            byId[a.Id] = a;
        }
        foreach (var claim in claims.Where(c => c.ActivityId is not null))
        {
            var activity = byId[claim.ActivityId!.Value];
            claim.Note = string.Create(CultureInfo.InvariantCulture, $"志愿活动 #{activity.Number} {activity.Title} · {attendeeNames[claim.Number]}");
        }
        return kept.Select(p => p.Activity).ToList();
    }

    /// <summary>The account that files a claim through the channel, or null when the village has nobody for it.</summary>
    private Guid? SubmitterFor(ClaimChannel channel, int household) => channel switch
    {
        ClaimChannel.SelfDeclaration => people.Villagers[household],
        ClaimChannel.NeighbourRecommendation => Neighbour(household),
        ClaimChannel.Patrol => people.GridWorker,
        _ => people.ReviewGroup.Count > 0 ? people.ReviewGroup[rng.Next(people.ReviewGroup.Count)] : null,
    };

    /// <summary>A villager of a nearby household (by number, so usually the same group), never the household's own.</summary>
    private Guid? Neighbour(int household)
    {
        var count = people.Villagers.Count;
        for (var tries = 0; tries < 20; tries++)
        {
            var other = household + rng.Next(-15, 16);
            if (other != household && other >= 0 && other < count && people.Villagers[other] is { } account)
                return account;
        }
        return null;
    }

    private Guid Other(IReadOnlyList<Guid> candidates, Guid not)
    {
        var others = candidates.Where(c => c != not).ToList();
        return others.Count == 0 ? candidates[0] : others[rng.Next(others.Count)];
    }

    private static string? NoteFor(ClaimChannel channel) => channel switch
    {
        ClaimChannel.Patrol => "网格巡查记录",
        ClaimChannel.GroupInspection => "小组月度检查",
        _ => null,
    };

    private static int Period(int kind, DateOnly day) => kind switch
    {
        0 => day.DayNumber,
        1 => 1_000_000 + day.Year * 12 + day.Month,
        _ => 2_000_000 + day.Year,
    };

    private static HouseholdTotals Totals(Dictionary<(int, Guid, int), int> totals, int household, Guid rule, DateOnly day)
    {
        int Get(int kind) => totals.GetValueOrDefault((household, rule, Period(kind, day)));
        return new HouseholdTotals(Get(0), Get(1), Get(2));
    }

    private static void Count(Dictionary<(int, Guid, int), int> totals, int household, Guid rule, DateOnly day, int magnitude)
    {
        for (var kind = 0; kind < 3; kind++)
        {
            var key = (household, rule, Period(kind, day));
            totals[key] = totals.GetValueOrDefault(key) + magnitude;
        }
    }

    /// <summary>Some hours later, moved into the next morning's office hours when it falls in the night.</summary>
    private DateTimeOffset Later(DateTimeOffset from, double minHours, double maxHours)
    {
        var at = from + TimeSpan.FromSeconds((int)((minHours + rng.NextDouble() * (maxHours - minHours)) * 3600));
        var local = TimeZoneInfo.ConvertTime(at, BusinessCalendar.Zone);
        if (local.TimeOfDay >= OfficeOpens && local.TimeOfDay < OfficeOpens + OfficeHours)
            return at;
        var day = BusinessCalendar.DateOf(at);
        if (local.TimeOfDay >= OfficeOpens + OfficeHours)
            day = day.AddDays(1);
        return Utc(day, OfficeOpens + TimeSpan.FromSeconds(rng.Next(2 * 3600)));
    }

    private void PlanDeeds(int households, List<Month> months, LedgerProfile profile)
    {
        // Households join in the first half-year, most of them at the start.
        var joinSpan = Math.Min(6, months.Count);
        var joinWeights = Enumerable.Range(0, joinSpan).Select(j => joinSpan - j).ToArray();
        var joinMonth = new int[households];
        var awardPropensity = new double[households];
        var deductionPropensity = new double[households];
        for (var h = 0; h < households; h++)
        {
            joinMonth[h] = Weighted(joinWeights);
            var a = (rng.NextDouble() + rng.NextDouble() + rng.NextDouble()) / 3;
            awardPropensity[h] = 0.25 + 1.5 * a * a;
            var reluctant = rng.Next(100) < 4;
            if (reluctant)
                awardPropensity[h] *= 0.05;
            var troublesome = rng.Next(100) < (reluctant ? 60 : 25);
            deductionPropensity[h] = troublesome ? 0.5 + rng.NextDouble() : 0.04;
        }

        // Every household takes part: its first award comes in the month it joins.
        var guaranteed = 0;
        for (var h = 0; h < households; h++)
        {
            var deed = Awards[rng.Next(2)];
            guaranteed += Plan(months[joinMonth[h]], h, deed, first: true);
        }

        var awardWeights = new double[months.Count];
        var deductionWeights = new double[months.Count];
        for (var k = 0; k < months.Count; k++)
        {
            var ramp = 0.45 + 0.55 * Math.Min(1.0, k / 11.0);
            // Cleaning before the Spring Festival and at year end; summer volunteering.
            var season = months[k].First.Month switch { 1 => 1.35, 2 => 1.25, 12 => 1.15, 7 or 8 => 1.1, _ => 1.0 };
            awardWeights[k] = ramp * season * (0.9 + 0.2 * rng.NextDouble()) * months[k].Fraction;
            // Deductions fall off as the new customs take hold.
            var decline = Math.Max(0.4, 1.6 - 1.2 * k / Math.Max(1, months.Count - 1));
            deductionWeights[k] = decline * (0.8 + 0.4 * rng.NextDouble()) * months[k].Fraction;
        }

        PlanMonthly(months, awardWeights, profile.AwardPoints - guaranteed, Awards,
            k => Cumulative(Enumerable.Range(0, households).Select(h => joinMonth[h] <= k ? awardPropensity[h] : 0).ToArray()));
        var anyone = Cumulative(deductionPropensity);
        PlanMonthly(months, deductionWeights, profile.DeductionPoints, Deductions, _ => anyone);
    }

    /// <summary>Spreads the points over the months by weight, choosing households by their propensity.</summary>
    private void PlanMonthly(List<Month> months, double[] weights, int points, Deed[] deeds, Func<int, double[]> householdsInMonth)
    {
        var deedWeights = deeds.Select(d => d.Weight).ToArray();
        var totalWeight = weights.Sum();
        double weightSoFar = 0;
        var spent = 0;
        for (var k = 0; k < months.Count; k++)
        {
            weightSoFar += weights[k];
            // Aim at the running target, so one month's overshoot is taken from the next.
            var target = (int)Math.Round(points * weightSoFar / totalWeight);
            var cumulative = householdsInMonth(k);
            while (spent < target)
            {
                var household = Pick(cumulative);
                var deed = deeds[Weighted(deedWeights)];
                if (deed.OncePerHousehold && !onceDone.Add((household, deed.RuleCode)))
                    deed = deeds[0];
                spent += Plan(months[k], household, deed);
            }
        }
    }

    /// <summary>Plans one deed and returns its base points on that day, before any cap.</summary>
    private int Plan(Month month, int household, Deed deed, bool first = false)
    {
        var day = month.First.AddDays(rng.Next(month.Days));
        var window = day == today && nowLocalTime - OfficeOpens < OfficeHours ? nowLocalTime - OfficeOpens : OfficeHours;
        var at = Utc(day, OfficeOpens + TimeSpan.FromSeconds(rng.Next((int)window.TotalSeconds)));
        var info = rules[deed.RuleCode];
        var version = RuleBook.InForce(info.Versions, day) ?? info.Versions.MinBy(v => v.Number)!;
        var channel = deed.Channels[Weighted(deed.Channels.Select(c => c.Weight).ToArray())].Channel;
        channel = Available(channel, household, version.Channels);
        planned.Add(new Planned(at, planned.Count, household, deed, channel, first));
        return version.BasePoints;
    }

    /// <summary>
    /// The chosen channel if the village has someone to file through it for this household; otherwise the first
    /// the rule allows that it has: a household without a phone has no account to declare with.
    /// </summary>
    private ClaimChannel Available(ClaimChannel wanted, int household, IReadOnlyList<ClaimChannel> allowed)
    {
        bool Has(ClaimChannel c) => c switch
        {
            ClaimChannel.SelfDeclaration => people.Villagers[household] is not null,
            ClaimChannel.NeighbourRecommendation => people.Villagers.Any(v => v is not null),
            ClaimChannel.Patrol => people.GridWorker is not null,
            _ => people.ReviewGroup.Count > 0,
        };
        if (Has(wanted))
            return wanted;
        ClaimChannel[] fallbacks = [ClaimChannel.NeighbourRecommendation, ClaimChannel.Patrol, ClaimChannel.GroupInspection];
        return fallbacks.FirstOrDefault(c => allowed.Contains(c) && Has(c), wanted);
    }

    /// <summary>Each calendar month between the two days, clipped to them.</summary>
    private static List<Month> Months(DateOnly firstDay, DateOnly lastDay)
    {
        var result = new List<Month>();
        for (var m = new DateOnly(firstDay.Year, firstDay.Month, 1); m <= lastDay; m = m.AddMonths(1))
        {
            var from = m < firstDay ? firstDay : m;
            var end = m.AddMonths(1).AddDays(-1);
            var days = (end > lastDay ? lastDay : end).DayNumber - from.DayNumber + 1;
            if (days > 0)
                result.Add(new Month(from, days, days / (double)DateTime.DaysInMonth(m.Year, m.Month)));
        }
        return result;
    }

    private static DateTimeOffset Utc(DateOnly day, TimeSpan localTime) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue).Add(localTime), BusinessCalendar.Zone), TimeSpan.Zero);

    private static double[] Cumulative(double[] weights)
    {
        var sums = new double[weights.Length];
        double running = 0;
        for (var i = 0; i < weights.Length; i++)
            sums[i] = running += weights[i];
        return sums;
    }

    /// <summary>The first index whose running weight exceeds a uniform draw; zero-weight slots are never chosen.</summary>
    private int Pick(double[] cumulative)
    {
        var x = rng.NextDouble() * cumulative[^1];
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (cumulative[mid] > x)
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }

    private int Weighted(int[] weights)
    {
        var pick = rng.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if (pick < weights[i])
                return i;
            pick -= weights[i];
        }
        return weights.Length - 1;
    }
}
