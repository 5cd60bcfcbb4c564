using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Rules;

/// <summary>The seed's four ways a claim reaches the village.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClaimChannel>))]
public enum ClaimChannel
{
    /// <summary>村民申报: a villager for their own household.</summary>
    SelfDeclaration,
    /// <summary>网格员巡查: a grid worker on patrol.</summary>
    Patrol,
    /// <summary>邻里推荐: a villager for another household.</summary>
    NeighbourRecommendation,
    /// <summary>小组检查: a review group's checklist inspection.</summary>
    GroupInspection,
}

[JsonConverter(typeof(JsonStringEnumConverter<RuleDirection>))]
public enum RuleDirection
{
    Award,
    Deduction,
}

/// <summary>How declared hours are brought to the rule's step (e.g. 0.5 h) before they are scored.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HoursRounding>))]
public enum HoursRounding
{
    /// <summary>Down to the step: 2.7 h at 0.5 h counts 2.5 h. The default: nobody is paid for time not yet served.</summary>
    Down,
    Nearest,
    Up,
}

/// <summary>A grouping of a village's rules, e.g. 环境卫生 or 志愿服务.</summary>
public sealed class RuleCategory
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public required string NameZh { get; set; }
    public required string NameEn { get; set; }
    public int SortOrder { get; set; }
}

/// <summary>
/// A rule of the village's 积分细则. What it scores lives in its <see cref="RuleVersion"/>s: editing
/// a rule publishes a new version from an effective date, and an entry keeps the version it was
/// scored with. Retiring a rule keeps its history; it just takes no new claims.
/// </summary>
public sealed class Rule
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }
    public Guid CategoryId { get; set; }

    /// <summary>Short and stable, unique within the village, e.g. <c>env-clean-corner</c>.</summary>
    public required string Code { get; set; }
    public required string NameZh { get; set; }
    public required string NameEn { get; set; }
    public string Description { get; set; } = "";
    public RuleDirection Direction { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
    public Guid? RetiredBy { get; set; }
    public bool Retired => RetiredAt is not null;

    /// <summary>Checked on every change, so two editors publishing at once cannot both take the same version number.</summary>
    public int Version { get; set; }
}

/// <summary>A named level of difficulty or effect, with the multiplier it applies. Levels are listed from lowest to highest.</summary>
public sealed record WeightLevel(string Code, string NameZh, string NameEn, decimal Multiplier);

/// <summary>One version of a rule: what it scores from <see cref="EffectiveFrom"/> (business calendar) on.</summary>
public sealed class RuleVersion
{
    public Guid VillageId { get; set; }
    public Guid RuleId { get; set; }

    /// <summary>1, 2, 3, …: the number an entry keeps in its RuleVersion slot.</summary>
    public int Number { get; set; }
    public DateOnly EffectiveFrom { get; set; }

    /// <summary>The points per time, as a magnitude; the rule's direction gives the sign.</summary>
    public int BasePoints { get; set; }

    /// <summary>When set, declared hours are scored too: rounded hours × this, added to the base points.</summary>
    public decimal? PointsPerHour { get; set; }
    public decimal HourStep { get; set; } = 0.5m;
    public HoursRounding HoursRounding { get; set; }
    public List<WeightLevel> DifficultyLevels { get; set; } = [];
    public List<WeightLevel> EffectLevels { get; set; } = [];

    /// <summary>Caps per household for this rule, as magnitudes; null means no cap for that period.</summary>
    public int? CapPerDay { get; set; }
    public int? CapPerMonth { get; set; }
    public int? CapPerYear { get; set; }
    public List<ClaimChannel> Channels { get; set; } = [];
    public bool EvidenceRequired { get; set; }

    /// <summary>Honour points are kept at a reset and cannot be spent; the others are redeemable.</summary>
    public bool HonourPoints { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public Guid PublishedBy { get; set; }
}

internal sealed class RuleCategoryConfiguration : IEntityTypeConfiguration<RuleCategory>
{
    public void Configure(EntityTypeBuilder<RuleCategory> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Code }).IsUnique().HasDatabaseName(RuleConstraints.CategoryCode);
        b.Property(x => x.Code).HasMaxLength(RuleLimits.MaxCodeLength);
        b.Property(x => x.NameZh).HasMaxLength(RuleLimits.MaxNameLength);
        b.Property(x => x.NameEn).HasMaxLength(RuleLimits.MaxNameLength);
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RuleConfiguration : IEntityTypeConfiguration<Rule>
{
    public void Configure(EntityTypeBuilder<Rule> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Code }).IsUnique().HasDatabaseName(RuleConstraints.RuleCode);
        b.HasIndex(x => new { x.VillageId, x.CategoryId });
        b.Property(x => x.Code).HasMaxLength(RuleLimits.MaxCodeLength);
        b.Property(x => x.NameZh).HasMaxLength(RuleLimits.MaxNameLength);
        b.Property(x => x.NameEn).HasMaxLength(RuleLimits.MaxNameLength);
        b.Property(x => x.Description).HasMaxLength(RuleLimits.MaxDescriptionLength);
        b.Property(x => x.Direction).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Ignore(x => x.Retired);
        b.HasOne<RuleCategory>().WithMany().HasForeignKey(x => new { x.VillageId, x.CategoryId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RuleVersionConfiguration : IEntityTypeConfiguration<RuleVersion>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<RuleVersion> b)
    {
        b.HasKey(x => new { x.VillageId, x.RuleId, x.Number });
        b.Property(x => x.PointsPerHour).HasPrecision(9, 2);
        b.Property(x => x.HourStep).HasPrecision(5, 2);
        b.Property(x => x.HoursRounding).HasConversion<string>().HasMaxLength(20);
        Levels(b.Property(x => x.DifficultyLevels));
        Levels(b.Property(x => x.EffectLevels));
        // Channels by name, comma-separated: readable in the database, stable under enum reordering.
        b.Property(x => x.Channels).HasMaxLength(120).HasConversion(
            v => string.Join(',', v.Select(c => c.ToString())),
            s => s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<ClaimChannel>).ToList(),
            new ValueComparer<List<ClaimChannel>>((a, c) => a!.SequenceEqual(c!), v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)), v => v.ToList()));
        b.HasOne<Rule>().WithMany().HasForeignKey(x => new { x.VillageId, x.RuleId }).OnDelete(DeleteBehavior.Restrict);
    }

    // Levels are a small list read and written with their version, never queried: one JSON text column on both providers.
    private static void Levels(PropertyBuilder<List<WeightLevel>> p) =>
        p.HasMaxLength(2000).HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            s => JsonSerializer.Deserialize<List<WeightLevel>>(s, Json) ?? new List<WeightLevel>(),
            new ValueComparer<List<WeightLevel>>((a, c) => a!.SequenceEqual(c!), v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)), v => v.ToList()));
}

public static class RuleLimits
{
    public const int MaxCodeLength = 40;
    public const int MaxNameLength = 60;
    public const int MaxDescriptionLength = 500;
    public const int MaxLevels = 6;
    public const decimal MaxMultiplier = 10m;
    public const int MaxBasePoints = 1000;
}

public static class RuleConstraints
{
    public const string RuleCode = "IX_Rules_VillageId_Code";
    public const string CategoryCode = "IX_RuleCategories_VillageId_Code";
    public const string VersionNumber = "PK_RuleVersions";
}
