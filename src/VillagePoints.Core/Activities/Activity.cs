using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Activities;

[JsonConverter(typeof(JsonStringEnumConverter<ActivityState>))]
public enum ActivityState
{
    /// <summary>Created; villagers check in and the organiser ticks names.</summary>
    Open,
    /// <summary>The organiser confirmed attendance: one claim per attendee went to review. Final.</summary>
    Confirmed,
    /// <summary>Called off before confirmation; no claim was made. Final.</summary>
    Cancelled,
}

/// <summary>How an attendee came onto the roster.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckInMethod>))]
public enum CheckInMethod
{
    /// <summary>A villager scanned the poster's QR code and checked in a member of their own household.</summary>
    SelfScan,
    /// <summary>The organiser (or a committee member) ticked the name on the roster.</summary>
    Roster,
}

/// <summary>
/// A volunteer activity (志愿活动), e.g. a village cleaning day. Each attendee is one person-time (人次);
/// confirming attendance turns every attendance into one claim under <see cref="RuleId"/>, reviewed as any other.
/// <see cref="Version"/> is checked on every change, so check-ins cannot overfill it and it resolves once.
/// </summary>
public sealed class Activity
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>The short number people see, unique within the village.</summary>
    public long Number { get; set; }
    public required string Title { get; set; }

    /// <summary>The activity's day in the business calendar; its claims occurred on it.</summary>
    public DateOnly HeldOn { get; set; }
    public required string Place { get; set; }

    /// <summary>The award rule every attendee's claim is scored by; it must allow the group-inspection channel.</summary>
    public Guid RuleId { get; set; }

    /// <summary>Service hours credited to each attendee (the rule's duration weight, when it has one).</summary>
    public decimal Hours { get; set; }
    public int Capacity { get; set; }

    /// <summary>The account that runs it on the day: a committee or review-group member, who confirms attendance.</summary>
    public Guid OrganiserId { get; set; }

    /// <summary>Unguessable secret printed in the poster's QR link; a self check-in must present it.</summary>
    public required string CheckInToken { get; set; }
    public ActivityState State { get; set; }

    /// <summary>Attendances on the roster, kept with every check-in so the capacity check reads one row.</summary>
    public int AttendeeCount { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? ConfirmedBy { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public Guid? CancelledBy { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancelReason { get; set; }
    public int Version { get; set; }
}

/// <summary>One person on an activity's roster. After confirmation it names the claim made for them.</summary>
public sealed class ActivityAttendance
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public Guid HouseholdId { get; set; }
    public Guid PersonId { get; set; }
    public CheckInMethod Method { get; set; }
    public Guid CheckedInBy { get; set; }
    public DateTimeOffset CheckedInAt { get; set; }

    /// <summary>The claim confirmation made for this attendee; null while open, or when the rule's cap left nothing to claim.</summary>
    public long? ClaimNumber { get; set; }

    /// <summary>Why confirmation made no claim for this attendee (e.g. the household reached the rule's cap), as scored.</summary>
    public string? NoClaimReason { get; set; }
}

public static class ActivityLimits
{
    public const int MaxTitleLength = 80;
    public const int MaxPlaceLength = 100;
    public const int MaxCapacity = 1000;
    public const int MaxReasonLength = 200;
    public const int TokenLength = 43;

    /// <summary>An activity may be recorded up to this many days after it was held (paper rosters come in late)…</summary>
    public const int MaxDaysPast = 60;

    /// <summary>…and planned up to this many days ahead.</summary>
    public const int MaxDaysAhead = 366;
}

public static class ActivityConstraints
{
    public const string Number = "IX_Activities_VillageId_Number";
    public const string Attendee = "IX_ActivityAttendances_VillageId_ActivityId_PersonId";
}

internal sealed class ActivityConfiguration : IEntityTypeConfiguration<Activity>
{
    public void Configure(EntityTypeBuilder<Activity> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Number }).IsUnique().HasDatabaseName(ActivityConstraints.Number);
        b.HasIndex(x => new { x.VillageId, x.HeldOn });
        b.Property(x => x.Title).HasMaxLength(ActivityLimits.MaxTitleLength);
        b.Property(x => x.Place).HasMaxLength(ActivityLimits.MaxPlaceLength);
        b.Property(x => x.Hours).HasPrecision(6, 2);
        b.Property(x => x.CheckInToken).HasMaxLength(ActivityLimits.TokenLength);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.CancelReason).HasMaxLength(ActivityLimits.MaxReasonLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Rule>().WithMany().HasForeignKey(x => new { x.VillageId, x.RuleId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ActivityAttendanceConfiguration : IEntityTypeConfiguration<ActivityAttendance>
{
    public void Configure(EntityTypeBuilder<ActivityAttendance> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.ActivityId, x.PersonId }).IsUnique().HasDatabaseName(ActivityConstraints.Attendee);
        b.Property(x => x.Method).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.NoClaimReason).HasMaxLength(300);
        b.HasOne<Activity>().WithMany().HasForeignKey(x => new { x.VillageId, x.ActivityId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(x => new { x.VillageId, x.PersonId }).OnDelete(DeleteBehavior.Restrict);
    }
}
