using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Evidence;

/// <summary>
/// One stored evidence photo (佐证材料) of a village. Its owner is named by kind and reference (for example
/// a claim and its number) so the features that take photos attach them without this table knowing them.
/// </summary>
public sealed class EvidencePhoto
{
    /// <summary>How many photos one claim may carry.</summary>
    public const int MaxPhotosPerClaim = 6;

    public Guid VillageId { get; set; }
    public Guid Id { get; set; }
    public required string OwnerKind { get; set; }
    public required string OwnerRef { get; set; }
    public required string ContentKey { get; set; }
    public required string ThumbnailKey { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public long ByteSize { get; set; }

    /// <summary>SHA-256 of the stored JPEG, lower-case hex: the bytes can be checked against the row.</summary>
    public required string Sha256 { get; set; }
    public PhotoType OriginalType { get; set; }
    public Guid UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

internal sealed class EvidencePhotoConfiguration : IEntityTypeConfiguration<EvidencePhoto>
{
    public void Configure(EntityTypeBuilder<EvidencePhoto> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.OwnerKind, x.OwnerRef });
        b.Property(x => x.OwnerKind).HasMaxLength(30);
        b.Property(x => x.OwnerRef).HasMaxLength(40);
        b.Property(x => x.ContentKey).HasMaxLength(64);
        b.Property(x => x.ThumbnailKey).HasMaxLength(64);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.Property(x => x.OriginalType).HasConversion<string>().HasMaxLength(10);
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
    }
}
