using System.Text.Json.Serialization;

namespace VillagePoints.Core.Notices;

[JsonConverter(typeof(JsonStringEnumConverter<NoticeState>))]
public enum NoticeState
{
    /// <summary>On the board: villagers may object until <see cref="Notice.WindowClosesAt"/>.</summary>
    Published,

    /// <summary>The window has closed; the notice's entries are effective, except those with an open objection.</summary>
    Closed,
}

/// <summary>
/// A village's published monthly notice (月度积分公示). A month without a row is a draft, built from the ledger
/// whenever it is read; publishing freezes the document that villagers see, print and object to.
/// </summary>
/// <remarks>
/// Notices are published in month order, and a notice covers every entry not yet covered by an earlier one that is
/// dated on or before its month's last day and numbered up to <see cref="HeadNumber"/>: its month's entries, and
/// entries of earlier months recorded after their own notice was published (see <see cref="NoticeCoverage"/>).
/// </remarks>
public sealed class Notice
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>The month as yyyymm, e.g. 202611.</summary>
    public int Month { get; set; }
    public NoticeState State { get; set; }

    /// <summary>The village's hash-chain head when the notice was generated: the last entry it can cover.</summary>
    public long HeadNumber { get; set; }
    public required string HeadHash { get; set; }

    /// <summary>The previous published notice's month and head (0 when this is the village's first), fixing what this one covers.</summary>
    public int PreviousMonth { get; set; }
    public long PreviousHeadNumber { get; set; }

    public DateTimeOffset PublishedAt { get; set; }
    public Guid? PublishedBy { get; set; }
    public DateTimeOffset WindowClosesAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Who closed the window by hand; null when the scheduled job closed it on time.</summary>
    public Guid? ClosedBy { get; set; }

    /// <summary>The frozen <see cref="NoticeDocument"/> as JSON, with full names (masking is applied when it is shown).</summary>
    public required string Document { get; set; }

    /// <summary>SHA-256 of <see cref="Document"/>, so a changed stored notice is detectable.</summary>
    public required string DocumentHash { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ObjectionState>))]
public enum ObjectionState
{
    Open,
    Upheld,
    Dismissed,
}

/// <summary>
/// A villager's objection (异议) to one entry of a published notice, raised during its publicity window. The committee
/// decides it once: upheld (the entry is reversed, and a corrected entry recorded where needed) or dismissed. Until it
/// is decided the entry does not become effective.
/// </summary>
public sealed class Objection
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>Gapless within the village, shown to villagers (异议 #12).</summary>
    public int Number { get; set; }
    public Guid EntryId { get; set; }
    public long EntryNumber { get; set; }

    /// <summary>The household the entry belongs to: it is notified, and its name is what the notice shows.</summary>
    public Guid HouseholdId { get; set; }

    /// <summary>The month (yyyymm) of the notice the objection was raised against.</summary>
    public int NoticeMonth { get; set; }
    public Guid RaisedBy { get; set; }

    /// <summary>The objector's household: a household objects to an entry once.</summary>
    public Guid RaisedByHouseholdId { get; set; }
    public required string Reason { get; set; }
    public Guid? PhotoId { get; set; }
    public ObjectionState State { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public string? Decision { get; set; }
    public long? ReversalEntryNumber { get; set; }
    public long? CorrectionEntryNumber { get; set; }
}

/// <summary>
/// A named lease in the database, so that a scheduled job shared by several app instances runs on one of them at a
/// time. Taking it is a conditional write: the row is free when its lease has expired.
/// </summary>
public sealed class JobLease
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
