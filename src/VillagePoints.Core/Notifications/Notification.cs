using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Notifications;

[JsonConverter(typeof(JsonStringEnumConverter<NotificationKind>))]
public enum NotificationKind
{
    ClaimApproved,
    ClaimRejected,
    ClaimReturned,

    /// <summary>Someone objected to an entry of the household's (<see cref="Notification.ObjectionNumber"/>).</summary>
    ObjectionRaised,
    ObjectionUpheld,
    ObjectionDismissed,
}

/// <summary>
/// An in-app notification (消息) for one user account. It keeps facts, not sentences: the page and the API word it
/// in the reader's language when it is read.
/// </summary>
public sealed class Notification
{
    /// <summary>Time-ordered (version 7), so newest first is by id on both databases.</summary>
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid VillageId { get; set; }
    public NotificationKind Kind { get; set; }
    public long ClaimNumber { get; set; }

    /// <summary>For objection notifications, the objection's number (ClaimNumber is then 0).</summary>
    public int? ObjectionNumber { get; set; }

    /// <summary>The claim's signed points, so "+5 分已入账" reads without another look-up.</summary>
    public int Points { get; set; }

    /// <summary>Why a claim was rejected or returned, as the reviewer wrote it.</summary>
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.UserId, x.ReadAt });
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Reason).HasMaxLength(LedgerPosting.MaxReasonLength);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
    }
}
