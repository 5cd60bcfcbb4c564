using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Demo;

/// <summary>Who records and who approves demo entries; null where the village has no such account.</summary>
internal sealed record LedgerActors(Guid? GridWorker, Guid? GroupLeader, Guid? Approver);

/// <param name="Opening">The day the village opened its points archives (base grants).</param>
/// <param name="AwardPoints">Points to award in total, base grants excluded, spread from the opening to today.</param>
/// <param name="DeductionPoints">Points to deduct in total, before the floor drops a few.</param>
internal sealed record LedgerProfile(DateOnly Opening, int AwardPoints, int DeductionPoints);

/// <summary>
/// Plans a village's history as ledger commands in time order: base grants on the opening
/// day, then monthly awards and deductions up to now, using the article's examples as reasons.
/// </summary>
internal sealed class DemoLedgerPlan
{
    public const string BaseReason = "基础分";

    // Demo deductions never take a balance below this; households still end below the base.
    private const int Floor = 40;

    private static readonly TimeSpan OfficeOpens = TimeSpan.FromHours(8);
    private static readonly TimeSpan OfficeHours = TimeSpan.FromHours(11);

    private sealed record Deed(string Reason, int Amount, int Weight, bool OncePerHousehold, (string Channel, int Weight)[] Channels);

    // Weights give about 10,000 volunteer services over the history, as the article reports.
    private static readonly Deed[] Awards =
    [
        new("主动清理卫生死角", 5, 670, false,
            [(DemoChannels.SelfDeclaration, 35), (DemoChannels.Patrol, 30), (DemoChannels.GroupInspection, 25), (DemoChannels.NeighbourRecommendation, 10)]),
        new("参与志愿服务", 10, 325, false,
            [(DemoChannels.SelfDeclaration, 45), (DemoChannels.NeighbourRecommendation, 25), (DemoChannels.GroupInspection, 20), (DemoChannels.Patrol, 10)]),
        new("红白事简办", 10, 5, true,
            [(DemoChannels.SelfDeclaration, 40), (DemoChannels.NeighbourRecommendation, 40), (DemoChannels.GroupInspection, 20)]),
    ];

    private static readonly Deed[] Deductions =
    [
        new("乱倒垃圾", -5, 60, false,
            [(DemoChannels.Patrol, 60), (DemoChannels.GroupInspection, 30), (DemoChannels.NeighbourRecommendation, 10)]),
        new("家禽散养", -10, 36, false,
            [(DemoChannels.Patrol, 50), (DemoChannels.GroupInspection, 45), (DemoChannels.NeighbourRecommendation, 5)]),
        new("婚丧嫁娶大操大办", -10, 4, true,
            [(DemoChannels.GroupInspection, 60), (DemoChannels.NeighbourRecommendation, 40)]),
    ];

    private sealed record Month(DateOnly First, int Days, double Fraction);

    private sealed record Planned(DateTimeOffset At, int Sequence, int Household, Deed Deed, string Channel);

    private readonly Random rng;
    private readonly LedgerActors actors;
    private readonly DateOnly today;
    private readonly TimeSpan nowLocalTime;
    private readonly List<Planned> planned = [];
    private readonly HashSet<(int Household, string Reason)> onceDone = [];

    private DemoLedgerPlan(Random rng, LedgerActors actors, DateTimeOffset now)
    {
        this.rng = rng;
        this.actors = actors;
        today = BusinessCalendar.DateOf(now);
        nowLocalTime = TimeZoneInfo.ConvertTime(now, BusinessCalendar.Zone).TimeOfDay;
    }

    public static List<PostEntry> Create(Random rng, Guid villageId, IReadOnlyList<Guid> households, VillageSettings settings,
        LedgerProfile profile, LedgerActors actors, DateTimeOffset now) =>
        new DemoLedgerPlan(rng, actors, now).Commands(villageId, households, settings, profile);

    private List<PostEntry> Commands(Guid villageId, IReadOnlyList<Guid> households, VillageSettings settings, LedgerProfile profile)
    {
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        // Last month's entries stay publicised until its notice's window has closed.
        var publicisedFrom = today.Day <= settings.PublicityWindowDays ? monthStart.AddMonths(-1) : monthStart;
        EntryState StateOf(DateOnly day) => day >= publicisedFrom ? EntryState.Publicised : EntryState.Effective;

        var opening = profile.Opening < today ? profile.Opening : today.AddDays(-1);
        var commands = new List<PostEntry>(households.Count * 60);
        var ids = new DemoIds(rng.Next());
        for (var i = 0; i < households.Count; i++)
        {
            commands.Add(new PostEntry(villageId, households[i], settings.BasePoints, EntryKind.BaseGrant, BaseReason, SourceKinds.Opening,
                ApprovedBy: actors.Approver, OccurredOn: opening, State: StateOf(opening),
                RecordedAt: Utc(opening, OfficeOpens + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(7 * i)),
                Id: ids.New(Utc(opening, OfficeOpens + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(7 * i)))));
        }

        // Today's deeds only count once the office has been open for an hour.
        var lastDay = nowLocalTime >= OfficeOpens + TimeSpan.FromHours(1) ? today : today.AddDays(-1);
        var months = Months(opening.AddDays(1), lastDay);
        if (months.Count > 0)
            PlanDeeds(households.Count, months, profile);

        planned.Sort((x, y) => x.At != y.At ? x.At.CompareTo(y.At) : x.Sequence.CompareTo(y.Sequence));
        var balance = Enumerable.Repeat(settings.BasePoints, households.Count).ToArray();
        foreach (var p in planned)
        {
            if (p.Deed.Amount < 0 && balance[p.Household] + p.Deed.Amount < Floor)
                continue;
            balance[p.Household] += p.Deed.Amount;
            var day = BusinessCalendar.DateOf(p.At);
            var submittedBy = p.Channel == DemoChannels.GroupInspection ? actors.GroupLeader ?? actors.GridWorker : actors.GridWorker;
            commands.Add(new PostEntry(villageId, households[p.Household], p.Deed.Amount,
                p.Deed.Amount > 0 ? EntryKind.Award : EntryKind.Deduction, p.Deed.Reason, p.Channel,
                SubmittedBy: submittedBy, ApprovedBy: actors.Approver, OccurredOn: day, State: StateOf(day), RecordedAt: p.At,
                Id: ids.New(p.At)));
        }
        return commands;
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
            Plan(months[joinMonth[h]], h, deed);
            guaranteed += deed.Amount;
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
                if (deed.OncePerHousehold && !onceDone.Add((household, deed.Reason)))
                    deed = deeds[0];
                Plan(months[k], household, deed);
                spent += Math.Abs(deed.Amount);
            }
        }
    }

    private void Plan(Month month, int household, Deed deed)
    {
        var day = month.First.AddDays(rng.Next(month.Days));
        var window = day == today && nowLocalTime - OfficeOpens < OfficeHours ? nowLocalTime - OfficeOpens : OfficeHours;
        var at = Utc(day, OfficeOpens + TimeSpan.FromSeconds(rng.Next((int)window.TotalSeconds)));
        var channel = deed.Channels[Weighted(deed.Channels.Select(c => c.Weight).ToArray())].Channel;
        if (channel == DemoChannels.Patrol && actors.GridWorker is null)
            channel = DemoChannels.GroupInspection;
        planned.Add(new Planned(at, planned.Count, household, deed, channel));
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
