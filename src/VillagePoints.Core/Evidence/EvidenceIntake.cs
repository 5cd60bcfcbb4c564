using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Evidence;

/// <summary>Who is attaching a photo to what.</summary>
/// <param name="PhotoId">The new photo's id when the caller must know it before the save (to remember it under an Idempotency-Key saved with it).</param>
public sealed record EvidenceUpload(Guid VillageId, string OwnerKind, string OwnerRef, Guid UploadedBy, Guid? PhotoId = null);

/// <summary>
/// Takes an uploaded photo in: processes it, stores the photo and its thumbnail, records the row. The bytes
/// are stored before the row is saved and removed again if saving fails, so a row never points at nothing.
/// </summary>
public sealed class EvidenceIntake(VillagePointsDb db, IEvidenceStore store, TimeProvider clock)
{
    /// <summary>Refuses one more photo for an owner that already has <paramref name="existing"/>.</summary>
    public static void EnsureRoomFor(int existing)
    {
        if (existing >= EvidencePhoto.MaxPhotosPerClaim)
            throw new DomainException(EvidenceErrors.TooManyPhotos,
                $"At most {EvidencePhoto.MaxPhotosPerClaim} photos per claim.", DomainErrorKind.Conflict);
    }

    public async Task<EvidencePhoto> AcceptAsync(EvidenceUpload upload, Stream content, CancellationToken ct = default)
    {
        EnsureRoomFor(await CountAsync(upload, ct));
        var photo = await PrepareAsync(content, ct);
        return await StoreAsync(upload, photo, ct);
    }

    /// <summary>
    /// Checks and processes a photo without storing anything: a form that writes a record and its photos
    /// together prepares every photo first, so a renamed PDF or an oversized file refuses the whole form
    /// before the record exists.
    /// </summary>
    public static Task<ProcessedPhoto> PrepareAsync(Stream content, CancellationToken ct = default) => PhotoProcessing.ProcessAsync(content, ct);

    /// <summary>How many photos the owner has already.</summary>
    public Task<int> CountAsync(EvidenceUpload upload, CancellationToken ct = default) =>
        db.EvidencePhotos.CountAsync(p => p.VillageId == upload.VillageId && p.OwnerKind == upload.OwnerKind && p.OwnerRef == upload.OwnerRef, ct);

    /// <summary>Stores a photo made ready by <see cref="PrepareAsync"/>, within the owner's limit of photos.</summary>
    public async Task<EvidencePhoto> StoreAsync(EvidenceUpload upload, ProcessedPhoto photo, CancellationToken ct = default)
    {
        EnsureRoomFor(await CountAsync(upload, ct));
        var id = upload.PhotoId ?? Ids.New();
        var row = new EvidencePhoto
        {
            VillageId = upload.VillageId,
            Id = id,
            OwnerKind = upload.OwnerKind,
            OwnerRef = upload.OwnerRef,
            ContentKey = EvidenceKeys.NewPhoto(id),
            ThumbnailKey = EvidenceKeys.NewThumbnail(id),
            Width = photo.Width,
            Height = photo.Height,
            ByteSize = photo.Content.LongLength,
            Sha256 = photo.Sha256,
            OriginalType = photo.OriginalType,
            UploadedBy = upload.UploadedBy,
            UploadedAt = clock.GetUtcNow(),
        };
        await store.SaveAsync(row.ContentKey, photo.Content, ct);
        try
        {
            await store.SaveAsync(row.ThumbnailKey, photo.Thumbnail, ct);
            db.EvidencePhotos.Add(row);
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            db.Entry(row).State = EntityState.Detached;
            await store.DeleteAsync(row.ContentKey, CancellationToken.None);
            await store.DeleteAsync(row.ThumbnailKey, CancellationToken.None);
            throw;
        }
        return row;
    }
}
