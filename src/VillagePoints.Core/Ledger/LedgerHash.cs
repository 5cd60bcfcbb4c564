using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VillagePoints.Core.Ledger;

/// <summary>
/// The per-village hash chain. Each entry's hash covers its canonical content and the
/// previous entry's hash. <see cref="LedgerEntry.State"/> is left out on purpose: it
/// moves from publicised to effective when a notice closes, and that is not a change of fact.
/// The entry's id is covered, because reversals (and later objections) point at it.
/// </summary>
/// <remarks>
/// Each entry records the encoding its hash was made with (<see cref="LedgerEntry.HashVersion"/>),
/// so entries hashed before an encoding change stay verifiable.
/// <list type="bullet">
/// <item>Version 1 joined fields with U+001F without escaping, so text containing U+001F could move
/// between fields without changing the hash; it also covered the client's idempotency key and the
/// C# names of <see cref="EntryKind"/>. Kept only to verify old entries.</item>
/// <item>Version 2 is the tag <c>v2</c> followed by the fields, each written as <c>&lt;byte length&gt;:&lt;UTF-8 bytes&gt;</c>
/// (length in ASCII decimal), or <c>-</c> for an absent field, so no text can shift between fields.
/// Kinds are written as the codes of <see cref="KindCodes"/>, not as C# names, and the idempotency
/// key is not covered: it is the client's retry token, not a fact about the entry.</item>
/// </list>
/// </remarks>
public static class LedgerHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The encoding new entries are hashed with.</summary>
    public const int CurrentVersion = 2;

    /// <summary>
    /// The stable code each kind is hashed as from version 2 on. A C# member may be renamed freely;
    /// these strings must never change, and a new kind gets a new code here.
    /// </summary>
    public static readonly IReadOnlyDictionary<EntryKind, string> KindCodes = new Dictionary<EntryKind, string>
    {
        [EntryKind.BaseGrant] = "base-grant",
        [EntryKind.Award] = "award",
        [EntryKind.Deduction] = "deduction",
        [EntryKind.Redemption] = "redemption",
        [EntryKind.Reversal] = "reversal",
        [EntryKind.Adjustment] = "adjustment",
        [EntryKind.Reset] = "reset",
    };

    public static bool IsKnownVersion(int version) => version is 1 or 2;

    public static string Compute(LedgerEntry e) => e.HashVersion switch
    {
        1 => ComputeV1(e),
        2 => ComputeV2(e),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.HashVersion, "Unknown ledger hash version."),
    };

    /// <summary>The canonical bytes of version 2 (exposed so tests and outside verifiers can see them).</summary>
    public static byte[] CanonicalV2(LedgerEntry e) => Write(e).ToArray();

    private static CanonicalWriter Write(LedgerEntry e)
    {
        var inv = CultureInfo.InvariantCulture;
        var w = new CanonicalWriter("v2");
        w.Field(e.VillageId.ToString("N"));
        w.Field(e.Id.ToString("N"));
        w.Field(e.Number.ToString(inv));
        w.Field(e.HouseholdId.ToString("N"));
        w.Field(e.Amount.ToString(inv));
        w.Field(KindCodes.TryGetValue(e.Kind, out var kind)
            ? kind
            : throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "This kind has no hash code."));
        w.Field(e.Reason);
        w.Field(e.RuleId?.ToString("N"));
        w.Field(e.RuleVersion?.ToString(inv));
        w.Field(e.SourceKind);
        w.Field(e.SourceRef);
        w.Field(e.SubmittedBy?.ToString("N"));
        w.Field(e.ApprovedBy?.ToString("N"));
        w.Field(e.ReversesEntryId?.ToString("N"));
        w.Field(e.OccurredOn.ToString("yyyy-MM-dd", inv));
        // Milliseconds since the Unix epoch: recorded times are kept to the millisecond on both databases.
        w.Field(e.RecordedAt.ToUnixTimeMilliseconds().ToString(inv));
        w.Field(e.PreviousHash);
        return w;
    }

    private static string ComputeV2(LedgerEntry e)
    {
        // Hashed straight from the writer's buffer: verifying a village recomputes every entry, so no copy per entry.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Write(e).WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static string ComputeV1(LedgerEntry e)
    {
        var inv = CultureInfo.InvariantCulture;
        var canonical = string.Join('\u001f',
            "v1",
            e.VillageId.ToString("N"),
            e.Id.ToString("N"),
            e.Number.ToString(inv),
            e.HouseholdId.ToString("N"),
            e.Amount.ToString(inv),
            e.Kind.ToString(),
            e.Reason,
            e.RuleId?.ToString("N") ?? "",
            e.RuleVersion?.ToString(inv) ?? "",
            e.SourceKind,
            e.SourceRef ?? "",
            e.SubmittedBy?.ToString("N") ?? "",
            e.ApprovedBy?.ToString("N") ?? "",
            e.ReversesEntryId?.ToString("N") ?? "",
            e.OccurredOn.ToString("yyyy-MM-dd", inv),
            e.RecordedAt.UtcTicks.ToString(inv),
            e.IdempotencyKey ?? "",
            e.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

/// <summary>
/// Length-prefixed fields: a tag (itself written as a field), then each field as <c>&lt;byte length&gt;:&lt;UTF-8 bytes&gt;</c> or <c>-</c> when
/// absent. Every field starts with a digit or a dash and says where it ends, so the bytes decode one way only.
/// Used by the ledger hash and by signed checkpoints.
/// </summary>
public sealed class CanonicalWriter
{
    // An entry's fields come to a few hundred bytes; one buffer of this size usually holds them all.
    private readonly ArrayBufferWriter<byte> buffer = new(512);

    public CanonicalWriter(string tag) => Field(tag);

    public void Field(string? value)
    {
        if (value is null)
        {
            buffer.GetSpan(1)[0] = (byte)'-';
            buffer.Advance(1);
            return;
        }
        // Written in place (length, colon, bytes) rather than through temporary arrays: a ledger's verification writes every entry.
        var length = Encoding.UTF8.GetByteCount(value);
        var span = buffer.GetSpan(length + 11);
        length.TryFormat(span, out var digits, provider: CultureInfo.InvariantCulture);
        span[digits] = (byte)':';
        Encoding.UTF8.GetBytes(value, span[(digits + 1)..]);
        buffer.Advance(digits + 1 + length);
    }

    public ReadOnlySpan<byte> WrittenSpan => buffer.WrittenSpan;

    public byte[] ToArray() => buffer.WrittenSpan.ToArray();
}
