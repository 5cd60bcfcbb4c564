using System.Text.Json.Serialization;

namespace VillagePoints.Core.Ledger;

[JsonConverter(typeof(JsonStringEnumConverter<EntryKind>))]
public enum EntryKind
{
    BaseGrant,
    Award,
    Deduction,
    Redemption,
    Reversal,
    Adjustment,
    Reset,
}

/// <summary>
/// Publicised entries count towards the total at once; they become effective when the
/// monthly notice's publicity window closes. This is the only field that ever changes.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<EntryState>))]
public enum EntryState
{
    Publicised,
    Effective,
}

/// <summary>Where an entry came from, so a villager can see why it exists.</summary>
public static class SourceKinds
{
    public const string Opening = "opening";
    public const string Claim = "claim";
    public const string Patrol = "patrol";
    public const string Committee = "committee";
    public const string Checkout = "checkout";
    public const string Objection = "objection";
    public const string Import = "import";
    public const string Demo = "demo";
}

/// <summary>One immutable change of a household's points (积分流水).</summary>
public sealed class LedgerEntry
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>Gapless sequence within the village; also the position in the hash chain.</summary>
    public long Number { get; set; }
    public Guid HouseholdId { get; set; }
    public int Amount { get; set; }
    public EntryKind Kind { get; set; }
    public EntryState State { get; set; }
    public required string Reason { get; set; }
    public Guid? RuleId { get; set; }
    public int? RuleVersion { get; set; }
    public required string SourceKind { get; set; }
    public string? SourceRef { get; set; }
    public Guid? SubmittedBy { get; set; }
    public Guid? ApprovedBy { get; set; }
    public Guid? ReversesEntryId { get; set; }

    /// <summary>The business date (Asia/Shanghai) the deed or change happened on.</summary>
    public DateOnly OccurredOn { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>
    /// Set only on entries recorded before keys moved to <see cref="Data.IdempotentRequest"/> (the one store
    /// for every write); kept because those entries' hashes cover it. New entries leave both empty.
    /// </summary>
    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }

    /// <summary>
    /// The encoding <see cref="Hash"/> was computed with (see <see cref="LedgerHash"/>). New entries use the
    /// current one; rows written before versions were recorded are version 1.
    /// </summary>
    public int HashVersion { get; set; } = LedgerHash.CurrentVersion;
}

/// <summary>A household's running balance, kept in the same transaction as its entries.</summary>
public sealed class HouseholdBalance
{
    public Guid VillageId { get; set; }
    public Guid HouseholdId { get; set; }
    public long Total { get; set; }
    public long Effective { get; set; }
    public long Publicised { get; set; }

    /// <summary>Points ever awarded (base grant excluded); star tiers are based on this.</summary>
    public long Earned { get; set; }
    public long EntryCount { get; set; }
}

/// <summary>
/// The head of a village's hash chain. Every append updates it under an optimistic
/// check on <see cref="LastNumber"/>, so two app nodes can never fork the chain.
/// </summary>
public sealed class VillageLedgerHead
{
    public Guid VillageId { get; set; }
    public long LastNumber { get; set; }
    public required string LastHash { get; set; }
}
