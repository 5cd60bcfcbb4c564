using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Rules;

namespace VillagePoints.Web.Rules;

/// <summary>A problem shown in a page's error summary, linked to the field it is about.</summary>
public sealed record RuleFormError(string Message, string? Target);

/// <summary>The fields of a rule version as a committee form sends them; the same on the new-rule and new-version forms.</summary>
public sealed class RuleVersionForm
{
    public int? BasePoints { get; set; }
    public decimal? PointsPerHour { get; set; }
    public DateOnly? EffectiveFrom { get; set; }
    public int? CapPerDay { get; set; }
    public int? CapPerMonth { get; set; }
    public int? CapPerYear { get; set; }
    public List<ClaimChannel> Channels { get; set; } = [];
    public bool EvidenceRequired { get; set; }
    public bool HonourPoints { get; set; }

    /// <summary>A new version keeps the levels of the version it replaces; the page does not edit them.</summary>
    public RuleTerms ToTerms(RuleVersion? keepLevelsOf) => new(BasePoints ?? 0, Channels, EffectiveFrom, PointsPerHour, 0.5m,
        HoursRounding.Down, keepLevelsOf?.DifficultyLevels, keepLevelsOf?.EffectLevels, CapPerDay, CapPerMonth, CapPerYear,
        EvidenceRequired, HonourPoints);

    public static RuleVersionForm From(RuleVersionView v) => new()
    {
        BasePoints = v.BasePoints,
        PointsPerHour = v.PointsPerHour,
        CapPerDay = v.CapPerDay,
        CapPerMonth = v.CapPerMonth,
        CapPerYear = v.CapPerYear,
        Channels = v.Channels.ToList(),
        EvidenceRequired = v.EvidenceRequired,
        HonourPoints = v.HonourPoints,
    };
}

public static class RulePageText
{
    /// <summary>The field a problem code is about, for the error summary's link.</summary>
    public static string? FieldFor(string code) => code switch
    {
        "rule.code-taken" or "rule.code-invalid" => "rule-code",
        "rule.name-invalid" => "rule-name",
        "rule.effective-date-invalid" => "version-from",
        "rule.hours-required" or "rule.hours-invalid" => "preview-hours",
        "rule.difficulty-required" or "rule.difficulty-unknown" => "preview-difficulty",
        "rule.effect-required" or "rule.effect-unknown" => "preview-effect",
        "rule.weights-invalid" => "version-points",
        _ => null,
    };

    public static RuleFormError Error(IStringLocalizer text, DomainException ex)
    {
        var message = text[ex.Code];
        return new RuleFormError(message.ResourceNotFound ? ex.Message : message.Value, FieldFor(ex.Code));
    }
}
