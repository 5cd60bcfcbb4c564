using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Ledger;

/// <summary>
/// Signs a village's chain head and stores the checkpoint: hourly by the scheduler when the head moved,
/// and at every monthly notice. A checkpoint only signs a chain that extends the previous checkpoint,
/// so a history rewritten in the database is refused here as well as reported by <see cref="LedgerVerifier"/>.
/// </summary>
public sealed class LedgerCheckpoints(VillagePointsDb db, TimeProvider time, CheckpointKeys keys)
{
    /// <summary>
    /// Signs the village's current head. Returns the checkpoint for that head (an earlier one if the head has
    /// not moved since, or one another node stored at the same moment), or null when the ledger is empty.
    /// </summary>
    public async Task<LedgerCheckpoint?> CreateCheckpointAsync(Guid villageId, CancellationToken ct = default)
    {
        var key = keys.SigningKey
            ?? throw new DomainException("checkpoint.no-signing-key", keys.Missing ?? "There is no ledger signing key.", DomainErrorKind.Conflict);
        var village = await db.Villages.AsNoTracking().Where(v => v.Id == villageId).Select(v => new { v.Id, v.Code }).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);

        var head = await db.VillageLedgerHeads.AsNoTracking().SingleOrDefaultAsync(h => h.VillageId == villageId, ct);
        if (head is null || head.LastNumber == 0)
            return null;
        var existing = await db.LedgerCheckpoints.AsNoTracking()
            .SingleOrDefaultAsync(c => c.VillageId == villageId && c.EntryNumber == head.LastNumber, ct);
        if (existing is not null)
            return existing;

        var last = await db.LedgerCheckpoints.AsNoTracking().Where(c => c.VillageId == villageId)
            .OrderByDescending(c => c.Number).FirstOrDefaultAsync(ct);
        await CheckChainAsync(villageId, last, head, ct);

        var signedAt = new DateTimeOffset(time.GetUtcNow().UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var checkpoint = new LedgerCheckpoint
        {
            VillageId = villageId,
            Number = (last?.Number ?? 0) + 1,
            EntryNumber = head.LastNumber,
            HeadHash = head.LastHash,
            SignedAt = signedAt,
            KeyId = key.KeyId,
            Signature = key.Sign(LedgerCheckpoint.SignedBytes(villageId, village.Code, head.LastNumber, head.LastHash, signedAt, key.KeyId)),
        };
        db.LedgerCheckpoints.Add(checkpoint);
        try
        {
            await db.SaveChangesAsync(ct);
            return checkpoint;
        }
        catch (DbUpdateException ex) when (WriteRetry.IsUniqueViolation(ex))
        {
            // Another node signed at the same moment (same head, or the same checkpoint number): keep theirs.
            db.ChangeTracker.Clear();
            return await db.LedgerCheckpoints.AsNoTracking()
                .Where(c => c.VillageId == villageId && c.EntryNumber >= head.LastNumber)
                .OrderBy(c => c.Number).FirstOrDefaultAsync(ct);
        }
    }

    public async Task<IReadOnlyList<LedgerCheckpoint>> ListAsync(Guid villageId, CancellationToken ct = default) =>
        await db.LedgerCheckpoints.AsNoTracking().Where(c => c.VillageId == villageId).OrderBy(c => c.Number).ToListAsync(ct);

    /// <summary>Every entry from the last checkpoint to the head must link and hash correctly before it is signed.</summary>
    private async Task CheckChainAsync(Guid villageId, LedgerCheckpoint? last, VillageLedgerHead head, CancellationToken ct)
    {
        var from = last?.EntryNumber ?? 0;
        var previous = LedgerHash.Genesis;
        var expected = from == 0 ? 1 : from;
        await foreach (var e in db.LedgerEntries.AsNoTracking()
                           .Where(e => e.VillageId == villageId && e.Number >= from && e.Number <= head.LastNumber)
                           .OrderBy(e => e.Number).AsAsyncEnumerable().WithCancellation(ct))
        {
            var sound = e.Number == expected
                        && (e.Number == from ? e.Hash == last!.HeadHash : e.PreviousHash == previous)
                        && LedgerHash.IsKnownVersion(e.HashVersion) && LedgerHash.Compute(e) == e.Hash;
            if (!sound)
                throw ChainBroken(e.Number);
            previous = e.Hash;
            expected++;
        }
        if (expected != head.LastNumber + 1 || previous != head.LastHash)
            throw ChainBroken(expected);
    }

    private static DomainException ChainBroken(long entryNumber) =>
        new("checkpoint.chain-broken", $"The chain does not verify at entry {entryNumber}; run verify. Nothing was signed.", DomainErrorKind.Conflict);
}
