using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Ledger;

/// <summary>
/// A village's chain head, signed with a key kept outside the database. Someone who can write to the
/// database can recompute every hash, but cannot sign: a checkpoint pins the chain up to its entry.
/// </summary>
public sealed class LedgerCheckpoint
{
    public Guid VillageId { get; set; }

    /// <summary>1, 2, 3… within the village, so a deleted checkpoint leaves a visible gap.</summary>
    public int Number { get; set; }

    /// <summary>The entry the chain head was at; a village has at most one checkpoint per entry.</summary>
    public long EntryNumber { get; set; }
    public required string HeadHash { get; set; }
    public DateTimeOffset SignedAt { get; set; }

    /// <summary>Which key signed it (see <see cref="CheckpointSigningKey.KeyId"/>).</summary>
    public required string KeyId { get; set; }

    /// <summary>ECDSA P-256 with SHA-256 over <see cref="SignedBytes"/>, DER-encoded, in base64.</summary>
    public required string Signature { get; set; }

    /// <summary>
    /// What a checkpoint signs: the tag <c>vp-checkpoint-v1</c>, then the village id (32 hex digits), the
    /// village code, the entry number, the head hash, the signing time (<c>yyyy-MM-ddTHH:mm:ssZ</c>, UTC) and
    /// the key id, each written as <c>&lt;byte length&gt;:&lt;UTF-8 bytes&gt;</c> (see <see cref="CanonicalWriter"/>).
    /// </summary>
    public static byte[] SignedBytes(Guid villageId, string villageCode, long entryNumber, string headHash, DateTimeOffset signedAt, string keyId)
    {
        var w = new CanonicalWriter("vp-checkpoint-v1");
        w.Field(villageId.ToString("N"));
        w.Field(villageCode);
        w.Field(entryNumber.ToString(CultureInfo.InvariantCulture));
        w.Field(headHash);
        w.Field(signedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.Field(keyId);
        return w.ToArray();
    }
}

internal sealed class LedgerCheckpointConfiguration : IEntityTypeConfiguration<LedgerCheckpoint>
{
    public void Configure(EntityTypeBuilder<LedgerCheckpoint> b)
    {
        b.HasKey(x => new { x.VillageId, x.Number });
        // A second node signing the same head inserts nothing: the database refuses the duplicate.
        b.HasIndex(x => new { x.VillageId, x.EntryNumber }).IsUnique();
        b.Property(x => x.HeadHash).HasMaxLength(64);
        b.Property(x => x.KeyId).HasMaxLength(32);
        b.Property(x => x.Signature).HasMaxLength(200);
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
    }
}
