using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Claims;

[JsonConverter(typeof(JsonStringEnumConverter<ClaimState>))]
public enum ClaimState
{
    /// <summary>Waits for its first review (or, in a one-step village, for the committee).</summary>
    Submitted,
    /// <summary>The review group agreed; waits for the committee.</summary>
    FirstReviewed,
    /// <summary>The committee agreed; the entry is in the ledger.</summary>
    Approved,
    /// <summary>Refused, with a reason; the ledger was never touched.</summary>
    Rejected,
    /// <summary>Sent back for more evidence; the submitter may add photos and submit it again.</summary>
    Returned,
    /// <summary>The submitter took it back before a decision.</summary>
    Withdrawn,
}

[JsonConverter(typeof(JsonStringEnumConverter<ClaimDecision>))]
public enum ClaimDecision
{
    Approve,
    Reject,
    Return,
}

/// <summary>
/// A claim (申报) from one of the four channels, scored by its rule when it was submitted. It reaches the
/// ledger only through its final approval and resolves exactly once: <see cref="Version"/> is checked on
/// every change, so two reviewers racing cannot both win.
/// </summary>
public sealed class Claim
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>The short number people see, unique within the village.</summary>
    public long Number { get; set; }
    public ClaimChannel Channel { get; set; }
    public Guid HouseholdId { get; set; }
    public Guid RuleId { get; set; }
    public int RuleVersion { get; set; }
    public DateOnly OccurredOn { get; set; }
    public decimal? Hours { get; set; }
    public string? Difficulty { get; set; }
    public string? Effect { get; set; }
    public string? Note { get; set; }

    /// <summary>Signed points as scored on submission: what an approval posts.</summary>
    public int Points { get; set; }

    /// <summary>The scoring explanation in zh-CN, as the villager first saw it.</summary>
    public required string ExplanationZh { get; set; }

    /// <summary>The same explanation in en-US: scoring depends on the totals at submission, so both are kept, not recomputed.</summary>
    public required string ExplanationEn { get; set; }
    public ClaimState State { get; set; }
    public Guid SubmittedBy { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public Guid? FirstReviewedBy { get; set; }
    public DateTimeOffset? FirstReviewedAt { get; set; }

    /// <summary>Above the two-reviewer threshold: the first committee member who approved; the claim still waits.</summary>
    public Guid? FirstApproverId { get; set; }

    /// <summary>Who approved last (posting the entry), rejected or returned it.</summary>
    public Guid? ResolvedBy { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolutionReason { get; set; }
    public long? EntryNumber { get; set; }
    public int Version { get; set; }

    /// <summary>The volunteer activity whose confirmed attendance made this claim; null for every other claim.</summary>
    public Guid? ActivityId { get; set; }

    public bool Waiting => State is ClaimState.Submitted or ClaimState.FirstReviewed;
}

public static class ClaimLimits
{
    public const int MaxNoteLength = 500;
    public const int MaxExplanationLength = 300;
}

internal sealed class ClaimConfiguration : IEntityTypeConfiguration<Claim>
{
    public void Configure(EntityTypeBuilder<Claim> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Number }).IsUnique().HasDatabaseName(ClaimConstraints.Number);
        b.HasIndex(x => new { x.VillageId, x.State, x.HouseholdId });
        b.Property(x => x.Channel).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Hours).HasPrecision(6, 2);
        b.Property(x => x.Difficulty).HasMaxLength(RuleLimits.MaxCodeLength);
        b.Property(x => x.Effect).HasMaxLength(RuleLimits.MaxCodeLength);
        b.Property(x => x.Note).HasMaxLength(ClaimLimits.MaxNoteLength);
        b.Property(x => x.ExplanationZh).HasMaxLength(ClaimLimits.MaxExplanationLength);
        b.Property(x => x.ExplanationEn).HasMaxLength(ClaimLimits.MaxExplanationLength);
        b.Property(x => x.ResolutionReason).HasMaxLength(LedgerPosting.MaxReasonLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Ignore(x => x.Waiting);
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Rule>().WithMany().HasForeignKey(x => new { x.VillageId, x.RuleId }).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.VillageId, x.ActivityId });
        b.HasOne<Activity>().WithMany().HasForeignKey(x => new { x.VillageId, x.ActivityId }).OnDelete(DeleteBehavior.Restrict);
    }
}

public static class ClaimConstraints
{
    /// <summary>A claim's number: where no chain-head lock holds yet (a village's first write), two claims race for it.</summary>
    public const string Number = "IX_Claims_VillageId_Number";
}
