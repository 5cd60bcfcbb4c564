using System.Globalization;
using CsCheck;
using VillagePoints.Core;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Tests.Rules;

public sealed class RuleScoringTests
{
    private static readonly CultureInfo Zh = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-US");
    private static readonly RuleVersionNames Volunteering = new("志愿服务", "Volunteering");

    private static readonly WeightLevel[] Difficulty =
    [
        new("low", "低", "low", 1m),
        new("medium", "中", "medium", 1.2m),
        new("high", "高", "high", 1.5m),
    ];

    private static RuleVersion Hourly(int? capPerMonth = null) => RuleBook.Draft(new RuleTerms(0, [ClaimChannel.SelfDeclaration],
        PointsPerHour: 10m, HourStep: 0.5m, DifficultyLevels: Difficulty, CapPerMonth: capPerMonth));

    [Fact]
    public void Hours_times_the_rate_times_the_difficulty_make_the_points_and_the_explanation_says_so()
    {
        var score = RuleScoring.Score(Hourly(), RuleDirection.Award, new ScoringInputs(2.5m, "medium"), HouseholdTotals.None);

        Assert.Equal(30, score.Points);
        Assert.Equal("志愿服务 2.5 小时 × 10 分/小时 × 难度·中 (×1.2) = 30 分", score.Explain(Volunteering, Zh));
        Assert.Equal("Volunteering: 2.5 h × 10 pts/h × difficulty: medium (×1.2) = 30 pts", score.Explain(Volunteering, En));
    }

    [Fact]
    public void Hours_are_rounded_down_to_the_half_hour_by_default()
    {
        var score = RuleScoring.Score(Hourly(), RuleDirection.Award, new ScoringInputs(2.7m, "low"), HouseholdTotals.None);

        Assert.Equal((2.5m, 25), (score.Hours, score.Points));
    }

    [Fact]
    public void A_half_point_is_rounded_away_from_zero()
    {
        var v = RuleBook.Draft(new RuleTerms(5, [ClaimChannel.Patrol], EffectLevels: [new("good", "好", "good", 1.5m)]));

        var score = RuleScoring.Score(v, RuleDirection.Award, new ScoringInputs(Effect: "good"), HouseholdTotals.None);

        Assert.Equal(8, score.Points);
    }

    [Fact]
    public void A_monthly_cap_reached_scores_nothing_and_says_why()
    {
        var score = RuleScoring.Score(Hourly(capPerMonth: 20), RuleDirection.Award, new ScoringInputs(2.5m, "low"), new HouseholdTotals(0, 20, 20));

        Assert.Equal((0, CapPeriod.Month, 25), (score.Points, score.CapReached, score.CappedOff));
        Assert.Contains("本月已达上限 20 分", score.Explain(Volunteering, Zh));
    }

    [Fact]
    public void A_deduction_is_negative_and_capped_by_its_magnitude()
    {
        var v = RuleBook.Draft(new RuleTerms(10, [ClaimChannel.Patrol], CapPerDay: 15));

        var score = RuleScoring.Score(v, RuleDirection.Deduction, new ScoringInputs(), new HouseholdTotals(10, 10, 10));

        Assert.Equal(-5, score.Points);
        Assert.Equal("家禽散养 10 分 = −10 分，今日已达上限 15 分，记 −5 分", score.Explain(new("家禽散养", "Free-ranging poultry"), Zh));
    }

    [Theory]
    [InlineData(null, "rule.hours-required")]
    [InlineData(0.0, "rule.hours-invalid")]
    [InlineData(-1.0, "rule.hours-invalid")]
    [InlineData(24.5, "rule.hours-invalid")]
    public void Hours_that_are_missing_negative_or_absurd_are_refused(double? hours, string code)
    {
        var ex = Assert.Throws<DomainException>(() =>
            RuleScoring.Score(Hourly(), RuleDirection.Award, new ScoringInputs((decimal?)hours, "low"), HouseholdTotals.None));

        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void An_unknown_difficulty_level_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() =>
            RuleScoring.Score(Hourly(), RuleDirection.Award, new ScoringInputs(1m, "extreme"), HouseholdTotals.None));

        Assert.Equal("rule.difficulty-unknown", ex.Code);
    }

    [Fact]
    public void Levels_that_fall_from_lowest_to_highest_are_refused_as_invalid_weights()
    {
        var ex = Assert.Throws<DomainException>(() => RuleBook.Draft(new RuleTerms(5, [ClaimChannel.Patrol],
            DifficultyLevels: [new("a", "高", "high", 1.5m), new("b", "低", "low", 1m)])));

        Assert.Equal("rule.weights-invalid", ex.Code);
    }

    // ---- properties ----

    private static readonly Gen<WeightLevel[]> GenLevels = Gen.Int[0, 4].SelectMany(n =>
        Gen.Int[1, 300].Array[n].Select(ms => ms.Order().Select((m, i) => new WeightLevel($"l{i}", $"级{i}", $"level {i}", m / 100m)).ToArray()));

    private static readonly Gen<RuleVersion> GenVersion = Gen.Select(
        Gen.Int[0, 50], Gen.Int[0, 30], GenLevels, GenLevels, Gen.Int[0, 60], Gen.Int[0, 200], Gen.Int[0, 2],
        (basePoints, perHour, difficulty, effect, capDay, capMonth, rounding) => new RuleTerms(
            basePoints == 0 && perHour == 0 ? 1 : basePoints, [ClaimChannel.SelfDeclaration],
            PointsPerHour: perHour == 0 ? null : perHour / 2m, HoursRounding: (HoursRounding)rounding,
            DifficultyLevels: difficulty, EffectLevels: effect,
            CapPerDay: capDay == 0 ? null : capDay, CapPerMonth: capMonth == 0 ? null : capMonth)).Select(RuleBook.Draft);

    private static readonly Gen<HouseholdTotals> GenTotals = Gen.Select(Gen.Int[0, 80], Gen.Int[0, 250], Gen.Int[0, 400],
        (d, m, y) => new HouseholdTotals(d, m, y));

    private static ScoringInputs Inputs(RuleVersion v, decimal hours, int difficulty, int effect) => new(
        v.PointsPerHour is null ? null : hours,
        v.DifficultyLevels.Count == 0 ? null : v.DifficultyLevels[difficulty % v.DifficultyLevels.Count].Code,
        v.EffectLevels.Count == 0 ? null : v.EffectLevels[effect % v.EffectLevels.Count].Code);

    [Fact]
    public void Caps_are_never_exceeded()
    {
        Gen.Select(GenVersion, GenTotals, Gen.Int[1, 48], Gen.Int[0, 5], Gen.Int[0, 5], Gen.Bool).Sample((v, totals, halfHours, d, e, deduction) =>
        {
            var s = RuleScoring.Score(v, deduction ? RuleDirection.Deduction : RuleDirection.Award, Inputs(v, halfHours / 2m, d, e), totals);
            return s.Magnitude >= 0
                && (v.CapPerDay is not { } cd || totals.Day + s.Magnitude <= Math.Max(cd, totals.Day))
                && (v.CapPerMonth is not { } cm || totals.Month + s.Magnitude <= Math.Max(cm, totals.Month))
                && (v.CapPerYear is not { } cy || totals.Year + s.Magnitude <= Math.Max(cy, totals.Year));
        });
    }

    [Fact]
    public void More_hours_or_a_higher_difficulty_never_give_fewer_points_on_a_positive_rule()
    {
        Gen.Select(GenVersion, GenTotals, Gen.Int[1, 47], Gen.Int[0, 5], Gen.Int[0, 5]).Sample((v, totals, halfHours, d, e) =>
        {
            var score = (ScoringInputs i) => RuleScoring.Score(v, RuleDirection.Award, i, totals).Points;
            var baseline = Inputs(v, halfHours / 2m, d, e);
            var moreHours = baseline with { Hours = baseline.Hours is { } h ? h + 0.5m : null };
            var harder = v.DifficultyLevels.Count == 0 ? baseline
                : baseline with { Difficulty = v.DifficultyLevels[Math.Min(d % v.DifficultyLevels.Count + 1, v.DifficultyLevels.Count - 1)].Code };
            return score(moreHours) >= score(baseline) && score(harder) >= score(baseline);
        });
    }

    [Fact]
    public void The_explanations_figures_add_up_to_the_points()
    {
        Gen.Select(GenVersion, GenTotals, Gen.Int[1, 48], Gen.Int[0, 5], Gen.Int[0, 5], Gen.Bool).Sample((v, totals, halfHours, d, e, deduction) =>
        {
            var s = RuleScoring.Score(v, deduction ? RuleDirection.Deduction : RuleDirection.Award, Inputs(v, halfHours / 2m, d, e), totals);
            var product = (s.BasePoints + (s.Hours ?? 0) * (s.PointsPerHour ?? 0)) * s.Multipliers.Aggregate(1m, (p, m) => p * m.Level.Multiplier);
            var text = s.Explain(Volunteering, Zh);
            string Signed(int m) => (deduction && m > 0 ? "−" : "") + m.ToString(CultureInfo.InvariantCulture);
            var stated = s.CapReached is null ? $"= {Signed(s.Uncapped)} 分" : $"记 {Signed(s.Magnitude)} 分";
            return (int)Math.Round(product, MidpointRounding.AwayFromZero) == s.Uncapped
                && s.Uncapped - s.CappedOff == s.Magnitude
                && (s.Points == (deduction ? -s.Magnitude : s.Magnitude))
                && text.EndsWith(stated, StringComparison.Ordinal)
                && s.Multipliers.All(m => text.Contains($"(×{m.Level.Multiplier.ToString("0.##", CultureInfo.InvariantCulture)})", StringComparison.Ordinal));
        });
    }
}
