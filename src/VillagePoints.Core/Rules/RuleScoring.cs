using System.Globalization;

namespace VillagePoints.Core.Rules;

/// <summary>What a claim states for scoring: hours served, and the codes of the difficulty and effect levels.</summary>
public sealed record ScoringInputs(decimal? Hours = null, string? Difficulty = null, string? Effect = null);

/// <summary>The points a household already has under one rule in the claim's day, month and year, as magnitudes.</summary>
public sealed record HouseholdTotals(int Day = 0, int Month = 0, int Year = 0)
{
    public static readonly HouseholdTotals None = new();
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CapPeriod>))]
public enum CapPeriod
{
    Day,
    Month,
    Year,
}

/// <summary>A multiplier that applied: which weight, which level, how much.</summary>
public sealed record AppliedMultiplier(string Weight, WeightLevel Level);

/// <summary>
/// A scored claim with every figure the villager sees. The figures add up:
/// <c>Uncapped = round((BasePoints + HoursPoints) × Π multipliers)</c> (half away from zero),
/// <c>Magnitude = Uncapped − CappedOff</c>, and <c>Points</c> is the magnitude with the rule's sign.
/// </summary>
public sealed record Score(
    int Points,
    RuleDirection Direction,
    int BasePoints,
    decimal? Hours,
    decimal? PointsPerHour,
    decimal HoursPoints,
    IReadOnlyList<AppliedMultiplier> Multipliers,
    int Uncapped,
    int CappedOff,
    CapPeriod? CapReached,
    int? Cap)
{
    public int Magnitude => Math.Abs(Points);

    /// <summary>The explanation in the villager's language (zh-CN unless the culture is English).</summary>
    public string Explain(RuleVersionNames names, CultureInfo culture) => RuleExplanation.Of(this, names, culture);
}

/// <summary>The names an explanation quotes.</summary>
public sealed record RuleVersionNames(string NameZh, string NameEn);

/// <summary>
/// The one scoring function: pure, no clock, no database. Points are integers; the product of the weights is rounded
/// once, at the end, half away from zero (2.5 → 3), so a villager's 12.5 becomes 13 and never 12 by banker's rounding.
/// A cap holds the household to its remaining room for the period that is tightest; a full cap scores 0.
/// </summary>
public static class RuleScoring
{
    public const decimal MaxHours = 24m;

    public static Score Score(RuleVersion version, RuleDirection direction, ScoringInputs inputs, HouseholdTotals totals)
    {
        decimal? hours = null;
        var hoursPoints = 0m;
        if (version.PointsPerHour is { } perHour)
        {
            if (inputs.Hours is not { } declared)
                throw new DomainException("rule.hours-required", "This rule scores the hours served: say how many.");
            if (declared <= 0 || declared > MaxHours)
                throw new DomainException("rule.hours-invalid", $"Hours must be more than 0 and at most {MaxHours} a day.");
            hours = RoundHours(declared, version.HourStep, version.HoursRounding);
            hoursPoints = hours.Value * perHour;
        }
        var multipliers = new List<AppliedMultiplier>();
        if (Level(version.DifficultyLevels, inputs.Difficulty, "difficulty") is { } d)
            multipliers.Add(new AppliedMultiplier("difficulty", d));
        if (Level(version.EffectLevels, inputs.Effect, "effect") is { } e)
            multipliers.Add(new AppliedMultiplier("effect", e));

        var raw = (version.BasePoints + hoursPoints) * multipliers.Aggregate(1m, (p, m) => p * m.Level.Multiplier);
        var uncapped = (int)Math.Round(raw, MidpointRounding.AwayFromZero);

        int? room = null;
        CapPeriod? tightest = null;
        int? cap = null;
        foreach (var (period, limit, used) in new[]
                 {
                     (CapPeriod.Day, version.CapPerDay, totals.Day),
                     (CapPeriod.Month, version.CapPerMonth, totals.Month),
                     (CapPeriod.Year, version.CapPerYear, totals.Year),
                 })
        {
            if (limit is not { } l)
                continue;
            var left = Math.Max(0, l - Math.Max(0, used));
            if (room is null || left < room)
                (room, tightest, cap) = (left, period, l);
        }
        var magnitude = room is { } r ? Math.Min(uncapped, r) : uncapped;
        var cappedOff = uncapped - magnitude;
        var sign = direction == RuleDirection.Deduction ? -1 : 1;
        return new Score(sign * magnitude, direction, version.BasePoints, hours, version.PointsPerHour, hoursPoints, multipliers,
            uncapped, cappedOff, cappedOff > 0 ? tightest : null, cappedOff > 0 ? cap : null);
    }

    public static decimal RoundHours(decimal hours, decimal step, HoursRounding rounding)
    {
        if (step <= 0)
            return hours;
        var steps = hours / step;
        steps = rounding switch
        {
            HoursRounding.Up => Math.Ceiling(steps),
            HoursRounding.Nearest => Math.Round(steps, MidpointRounding.AwayFromZero),
            _ => Math.Floor(steps),
        };
        return steps * step;
    }

    private static WeightLevel? Level(IReadOnlyList<WeightLevel> levels, string? code, string weight)
    {
        if (levels.Count == 0)
            return null;
        if (string.IsNullOrWhiteSpace(code))
            throw new DomainException($"rule.{weight}-required", $"This rule is weighted by {weight}: choose a level.");
        return levels.FirstOrDefault(l => string.Equals(l.Code, code.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new DomainException($"rule.{weight}-unknown", $"The rule has no {weight} level '{code}'.");
    }

    /// <summary>
    /// The checks every version passes before it is published or previewed: weights that make sense, and levels
    /// from lowest to highest, so a higher level never scores less.
    /// </summary>
    public static void Validate(RuleVersion v)
    {
        static DomainException Invalid(string why) => new("rule.weights-invalid", why);
        if (v.BasePoints < 0 || v.BasePoints > RuleLimits.MaxBasePoints)
            throw Invalid($"Base points are between 0 and {RuleLimits.MaxBasePoints}.");
        if (v.PointsPerHour is { } perHour && (perHour <= 0 || perHour > RuleLimits.MaxBasePoints))
            throw Invalid("Points per hour must be positive.");
        if (v.PointsPerHour is null && v.BasePoints == 0)
            throw Invalid("A rule scores base points, points per hour, or both.");
        if (v.PointsPerHour is { } rate && rate != Math.Round(rate, 2))
            throw Invalid("Points per hour have at most two decimals.");
        if (v.HourStep is < 0 or > 4 || v.HourStep != Math.Round(v.HourStep, 2))
            throw Invalid("The hour step is between 0 and 4 hours.");
        foreach (var (levels, name) in new[] { (v.DifficultyLevels, "difficulty"), (v.EffectLevels, "effect") })
        {
            if (levels.Count > RuleLimits.MaxLevels)
                throw Invalid($"At most {RuleLimits.MaxLevels} {name} levels.");
            if (levels.Any(l => string.IsNullOrWhiteSpace(l.Code) || string.IsNullOrWhiteSpace(l.NameZh) || l.Multiplier <= 0 || l.Multiplier > RuleLimits.MaxMultiplier))
                throw Invalid($"Each {name} level has a code, a name and a multiplier above 0 and at most {RuleLimits.MaxMultiplier}.");
            if (levels.Any(l => l.Multiplier != Math.Round(l.Multiplier, 2)))
                throw Invalid($"A {name} multiplier has at most two decimals.");
            if (levels.Select(l => l.Code.ToUpperInvariant()).Distinct().Count() != levels.Count)
                throw Invalid($"The {name} levels' codes differ.");
            for (var i = 1; i < levels.Count; i++)
                if (levels[i].Multiplier < levels[i - 1].Multiplier)
                    throw Invalid($"The {name} levels go from lowest to highest multiplier.");
        }
        if (v.CapPerDay is <= 0 || v.CapPerMonth is <= 0 || v.CapPerYear is <= 0)
            throw Invalid("A cap is positive, or absent.");
        if (v.Channels.Count == 0 || v.Channels.Distinct().Count() != v.Channels.Count || v.Channels.Any(c => !Enum.IsDefined(c)))
            throw Invalid("A rule names one or more channels, each once.");
    }
}

/// <summary>
/// Writes a score as the villager reads it, e.g. "志愿服务 2.5 小时 × 10 分/小时 × 难度·中 (×1.2) = 30 分" or
/// "… = 25 分，本月已达上限 20 分，记 0 分". Every figure of the arithmetic is in it.
/// </summary>
public static class RuleExplanation
{
    public static string Of(Score s, RuleVersionNames names, CultureInfo culture)
    {
        var en = culture.TwoLetterISOLanguageName == "en";
        var inv = CultureInfo.InvariantCulture;
        string N(decimal d) => d.ToString("0.##", inv);
        var terms = new List<string>();
        if (s.Hours is { } h)
        {
            var hoursTerm = en ? $"{N(h)} h × {N(s.PointsPerHour!.Value)} pts/h" : $"{N(h)} 小时 × {N(s.PointsPerHour!.Value)} 分/小时";
            terms.Add(s.BasePoints == 0 ? hoursTerm : $"({s.BasePoints} + {hoursTerm})");
        }
        else
        {
            terms.Add(s.BasePoints.ToString(inv) + (en ? " pts" : " 分"));
        }
        foreach (var m in s.Multipliers)
        {
            var weight = (m.Weight, en) switch
            {
                ("difficulty", true) => "difficulty",
                ("difficulty", false) => "难度",
                ("effect", true) => "effect",
                _ => "效果",
            };
            var level = en ? m.Level.NameEn : m.Level.NameZh;
            terms.Add(en ? $"{weight}: {level} (×{N(m.Level.Multiplier)})" : $"{weight}·{level} (×{N(m.Level.Multiplier)})");
        }
        var name = en ? names.NameEn : names.NameZh;
        string Signed(int magnitude) => (s.Direction == RuleDirection.Deduction && magnitude > 0 ? "−" : "") + magnitude.ToString(inv);
        var text = en
            ? $"{name}: {string.Join(" × ", terms)} = {Signed(s.Uncapped)} pts"
            : $"{name} {string.Join(" × ", terms)} = {Signed(s.Uncapped)} 分";
        if (s.CapReached is { } period)
        {
            var periodText = (period, en) switch
            {
                (CapPeriod.Day, true) => "today",
                (CapPeriod.Month, true) => "this month",
                (CapPeriod.Year, true) => "this year",
                (CapPeriod.Day, false) => "今日",
                (CapPeriod.Month, false) => "本月",
                _ => "本年",
            };
            text += en
                ? $"; the cap of {s.Cap} pts {periodText} is reached: {Signed(s.Magnitude)} pts"
                : $"，{periodText}已达上限 {s.Cap} 分，记 {Signed(s.Magnitude)} 分";
        }
        return text;
    }
}
