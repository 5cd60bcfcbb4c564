using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Ledger;

[JsonConverter(typeof(JsonStringEnumConverter<DirectRecordState>))]
public enum DirectRecordState
{
    /// <summary>Waits for a second committee member.</summary>
    Pending,
    /// <summary>A second member agreed; the entry is in the ledger.</summary>
    Approved,
    /// <summary>A second member refused, with a reason; the ledger was never touched.</summary>
    Rejected,
    /// <summary>The member who recorded it took it back before anyone resolved it.</summary>
    Withdrawn,
}

/// <summary>
/// A committee member's direct record above the village's two-reviewer threshold. It reaches
/// the ledger only when a second committee member approves it, and it resolves exactly once:
/// <see cref="Version"/> is checked on every change, so two approvers racing cannot both win.
/// </summary>
public sealed class DirectRecord
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>The short number people see, unique within the village.</summary>
    public long Number { get; set; }
    public Guid HouseholdId { get; set; }
    public int Amount { get; set; }
    public EntryKind Kind { get; set; }
    public required string Reason { get; set; }
    public DateOnly? OccurredOn { get; set; }
    public DirectRecordState State { get; set; }
    public Guid SubmittedBy { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public Guid? ResolvedBy { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>Why it was rejected.</summary>
    public string? ResolutionNote { get; set; }

    /// <summary>The ledger entry an approval posted.</summary>
    public long? EntryNumber { get; set; }

    // The Idempotency-Keys of the submission and of its resolution live in IdempotentRequests, with every other write's.
    public int Version { get; set; }
}

internal sealed class DirectRecordConfiguration : IEntityTypeConfiguration<DirectRecord>
{
    public void Configure(EntityTypeBuilder<DirectRecord> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Number }).IsUnique().HasDatabaseName(ConstraintNames.DirectRecordNumber);
        b.HasIndex(x => new { x.VillageId, x.State, x.HouseholdId });
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(LedgerPosting.MaxReasonLength);
        b.Property(x => x.ResolutionNote).HasMaxLength(LedgerPosting.MaxReasonLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
    }
}
