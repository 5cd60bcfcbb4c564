using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Rules;

namespace VillagePoints.Web.Rules;

public sealed record RuleCategoryView(string Code, string Name, string NameZh, string NameEn, int SortOrder);

/// <summary>A rule as the list shows it: <see cref="Points"/> is the signed base points of <see cref="Version"/>, the version in force today.</summary>
public sealed record RuleSummary(
    string Code,
    string Name,
    string NameZh,
    string NameEn,
    string Category,
    RuleDirection Direction,
    int Points,
    decimal? PointsPerHour,
    int Version,
    DateOnly EffectiveFrom,
    IReadOnlyList<ClaimChannel> Channels,
    bool EvidenceRequired,
    bool HonourPoints,
    bool Retired,
    /// <summary>A published version whose date has not come yet, if any.</summary>
    int? UpcomingVersion);

public sealed record RuleVersionView(
    int Number,
    DateOnly EffectiveFrom,
    bool InForce,
    int BasePoints,
    int Points,
    decimal? PointsPerHour,
    decimal HourStep,
    HoursRounding HoursRounding,
    IReadOnlyList<WeightLevel> DifficultyLevels,
    IReadOnlyList<WeightLevel> EffectLevels,
    int? CapPerDay,
    int? CapPerMonth,
    int? CapPerYear,
    IReadOnlyList<ClaimChannel> Channels,
    bool EvidenceRequired,
    bool HonourPoints,
    DateTimeOffset PublishedAt);

public sealed record RuleDetail(RuleSummary Rule, string Description, DateTimeOffset? RetiredAt, IReadOnlyList<RuleVersionView> Versions);

public sealed class RuleQueries(VillagePointsDb db, TimeProvider time)
{
    public static bool English => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string Localized(string zh, string en) => English ? en : zh;

    public async Task<List<RuleCategoryView>> CategoriesAsync(Guid villageId, CancellationToken ct) =>
        (await db.RuleCategories.AsNoTracking().Where(c => c.VillageId == villageId).OrderBy(c => c.SortOrder).ThenBy(c => c.Code).ToListAsync(ct))
        .Select(View).ToList();

    public static RuleCategoryView View(RuleCategory c) => new(c.Code, Localized(c.NameZh, c.NameEn), c.NameZh, c.NameEn, c.SortOrder);

    public async Task<List<RuleSummary>> ListAsync(Guid villageId, bool includeRetired, CancellationToken ct)
    {
        var rules = await db.Rules.AsNoTracking().Where(r => r.VillageId == villageId && (includeRetired || r.RetiredAt == null))
            .OrderBy(r => r.Code).ToListAsync(ct);
        var versions = (await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == villageId).ToListAsync(ct))
            .ToLookup(v => v.RuleId);
        var categories = await db.RuleCategories.AsNoTracking().Where(c => c.VillageId == villageId).ToDictionaryAsync(c => c.Id, ct);
        var today = BusinessCalendar.Today(time);
        return rules
            .OrderBy(r => categories[r.CategoryId].SortOrder).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Select(r => Summary(r, categories[r.CategoryId], versions[r.Id].ToList(), today)).ToList();
    }

    public async Task<RuleDetail?> DetailAsync(Guid villageId, string code, CancellationToken ct)
    {
        var rule = await db.Rules.AsNoTracking().SingleOrDefaultAsync(r => r.VillageId == villageId && r.Code == code, ct);
        if (rule is null)
            return null;
        var category = await db.RuleCategories.AsNoTracking().SingleAsync(c => c.VillageId == villageId && c.Id == rule.CategoryId, ct);
        var versions = await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == villageId && v.RuleId == rule.Id).ToListAsync(ct);
        var today = BusinessCalendar.Today(time);
        var inForce = RuleBook.InForce(versions, today);
        return new RuleDetail(Summary(rule, category, versions, today), rule.Description, rule.RetiredAt,
            versions.OrderByDescending(v => v.Number).Select(v => View(v, rule.Direction, v.Number == inForce?.Number)).ToList());
    }

    public static RuleVersionView View(RuleVersion v, RuleDirection direction, bool inForce) => new(v.Number, v.EffectiveFrom, inForce,
        v.BasePoints, Signed(v.BasePoints, direction), v.PointsPerHour, v.HourStep, v.HoursRounding, v.DifficultyLevels, v.EffectLevels,
        v.CapPerDay, v.CapPerMonth, v.CapPerYear, v.Channels, v.EvidenceRequired, v.HonourPoints, v.PublishedAt);

    public static int Signed(int magnitude, RuleDirection direction) => direction == RuleDirection.Deduction ? -magnitude : magnitude;

    private static RuleSummary Summary(Rule r, RuleCategory category, List<RuleVersion> versions, DateOnly today)
    {
        // Before its first date a new rule shows what it will score.
        var current = RuleBook.InForce(versions, today) ?? versions.MinBy(v => v.Number)!;
        var upcoming = versions.Where(v => v.Number > current.Number).MaxBy(v => v.Number);
        return new RuleSummary(r.Code, Localized(r.NameZh, r.NameEn), r.NameZh, r.NameEn, category.Code, r.Direction,
            Signed(current.BasePoints, r.Direction), current.PointsPerHour, current.Number, current.EffectiveFrom, current.Channels,
            current.EvidenceRequired, current.HonourPoints, r.Retired, upcoming?.Number);
    }
}
