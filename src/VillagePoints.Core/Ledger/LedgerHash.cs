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
public static class LedgerHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(LedgerEntry e)
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
