using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Ledger;

public enum PrintedHeadFinding
{
    /// <summary>Every entry up to the printed one recomputes, links, and the printed entry still has the printed hash.</summary>
    Intact,

    /// <summary>An entry up to the printed one no longer matches its own hash or does not link to the entry before it.</summary>
    EntryChanged,

    /// <summary>The chain recomputes consistently, but the printed entry's hash is not the printed one: it was rewritten wholesale.</summary>
    ChainRewritten,
}

/// <summary>A signed checkpoint whose head hash is no longer the hash of the entry it signed.</summary>
public sealed record CheckpointMismatch(int Number, long EntryNumber);

/// <summary>The answer to "is the ledger up to this printed head unchanged since it was printed?".</summary>
/// <param name="CheckedEntries">How many entries were recomputed, from the first up to the printed one or the first that differs.</param>
/// <param name="FirstDifferingEntry">The first entry known to differ: the changed entry, or the printed entry when the chain was rewritten.</param>
/// <param name="MismatchedCheckpoint">The earliest validly signed checkpoint up to the printed entry that no longer matches, if any.</param>
/// <param name="What">One English sentence for operators and logs.</param>
public sealed record PrintedHeadReport(
    string VillageCode,
    string VillageName,
    PrintedHead Head,
    PrintedHeadFinding Finding,
    long CheckedEntries,
    long? FirstDifferingEntry,
    CheckpointMismatch? MismatchedCheckpoint,
    string What)
{
    public bool Intact => Finding == PrintedHeadFinding.Intact;
}

/// <summary>
/// Checks a chain head printed on a monthly notice against the ledger: recomputes the village's hash chain from
/// the first entry to the printed one and compares. Entries after the printed one are not read, so later entries
/// never make an old notice fail. This is the public check behind the verification page and <c>verify --head</c>.
/// </summary>
/// <remarks>
/// Someone who can write to the database can recompute every hash, so a consistent chain proves nothing by itself:
/// the printed hash is the anchor from outside. When it no longer matches, signed checkpoints (only those whose
/// signature checks with the keyring kept outside the database) can say how far back the rewrite reaches.
/// </remarks>
public sealed class PrintedHeadVerification(VillagePointsDb db, CheckpointKeyring? keyring = null)
{
    public async Task<PrintedHeadReport> VerifyAsync(string villageCode, PrintedHead head, CancellationToken ct = default)
    {
        var hash = PrintedHead.ParseHash(head.Hash);
        if (head.EntryNumber <= 0)
            throw new DomainException(PrintedHead.EntryMalformed, "The entry number must be a whole number from 1 up.");
        var village = await db.Villages.AsNoTracking().Where(v => v.Code == villageCode).Select(v => new { v.Id, v.Code, v.Name })
            .SingleOrDefaultAsync(ct)
            ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
        var last = await db.LedgerEntries.Where(e => e.VillageId == village.Id).MaxAsync(e => (long?)e.Number, ct) ?? 0;
        if (head.EntryNumber > last)
            throw new DomainException(PrintedHead.EntryUnknown, string.Create(CultureInfo.InvariantCulture,
                $"The ledger of {village.Code} ends at entry {last}; there is no entry {head.EntryNumber}. If that number is right, entries were removed."));

        var checkpoints = keyring is null
            ? []
            : await db.LedgerCheckpoints.AsNoTracking().Where(c => c.VillageId == village.Id && c.EntryNumber <= head.EntryNumber)
                .ToDictionaryAsync(c => c.EntryNumber, ct);
        CheckpointMismatch? mismatch = null;
        // Only a checkpoint whose signature checks counts (anyone with database access can write a row), and only one that
        // no longer matches needs checking: an intact ledger costs no signature verification at all.
        bool Signed(LedgerCheckpoint c) =>
            keyring!.Verify(c.KeyId, LedgerCheckpoint.SignedBytes(village.Id, village.Code, c.EntryNumber, c.HeadHash, c.SignedAt, c.KeyId), c.Signature);

        var printed = new PrintedHead(head.EntryNumber, hash);
        var previous = LedgerHash.Genesis;
        long expected = 1;
        var highestVersion = 0;
        string? lastHash = null;
        await foreach (var e in db.LedgerEntries.AsNoTracking()
                           .Where(e => e.VillageId == village.Id && e.Number <= head.EntryNumber)
                           .OrderBy(e => e.Number)
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            var problem = e.Number != expected ? (Entry: expected, What: "is missing (the entry numbers skip it)")
                : e.PreviousHash != previous ? (Entry: e.Number, What: string.Create(CultureInfo.InvariantCulture, $"does not link to entry {e.Number - 1} (its previous-hash differs from that entry's hash)"))
                : !LedgerHash.IsKnownVersion(e.HashVersion) || e.HashVersion < highestVersion ? (Entry: e.Number, What: "has a hash version it cannot have been written with")
                : LedgerHash.Compute(e) != e.Hash ? (Entry: e.Number, What: "no longer matches its own hash (its content was changed)")
                : ((long Entry, string What)?)null;
            if (problem is { } p)
                return new PrintedHeadReport(village.Code, village.Name, printed, PrintedHeadFinding.EntryChanged, p.Entry, p.Entry, mismatch,
                    string.Create(CultureInfo.InvariantCulture, $"entry {p.Entry} {p.What}; the ledger up to entry {head.EntryNumber} is not the one printed"));

            if (mismatch is null && checkpoints.TryGetValue(e.Number, out var checkpoint) && checkpoint.HeadHash != e.Hash && Signed(checkpoint))
                mismatch = new CheckpointMismatch(checkpoint.Number, checkpoint.EntryNumber);
            previous = e.Hash;
            lastHash = e.Hash;
            highestVersion = Math.Max(highestVersion, e.HashVersion);
            expected = e.Number + 1;
        }
        if (expected <= head.EntryNumber)
            // The printed entry existed a moment ago: it was removed while we read.
            return new PrintedHeadReport(village.Code, village.Name, printed, PrintedHeadFinding.EntryChanged, expected - 1, expected, mismatch,
                string.Create(CultureInfo.InvariantCulture, $"entry {expected} is missing; the ledger up to entry {head.EntryNumber} is not the one printed"));

        var checkedEntries = head.EntryNumber;
        if (lastHash == hash)
            return new PrintedHeadReport(village.Code, village.Name, printed, PrintedHeadFinding.Intact, checkedEntries, null, null,
                string.Create(CultureInfo.InvariantCulture, $"the ledger of {village.Code} up to entry {head.EntryNumber} is unchanged since the head {printed} was printed ({checkedEntries} entries recomputed)"));

        var reach = mismatch is { } m
            ? string.Create(CultureInfo.InvariantCulture, $"; signed checkpoint {m.Number} at entry {m.EntryNumber} no longer matches either, so the rewrite reaches back to entry {m.EntryNumber} or earlier")
            : "";
        return new PrintedHeadReport(village.Code, village.Name, printed, PrintedHeadFinding.ChainRewritten, checkedEntries, head.EntryNumber, mismatch,
            string.Create(CultureInfo.InvariantCulture, $"every entry up to {head.EntryNumber} recomputes, but entry {head.EntryNumber} now has hash {lastHash}, not the printed {hash}: the chain was rewritten{reach}"));
    }
}
