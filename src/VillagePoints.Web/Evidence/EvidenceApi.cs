using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Claims;

namespace VillagePoints.Web.Evidence;

public static class EvidenceApi
{
    public static RouteGroupBuilder MapEvidenceApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("/evidence").WithTags("Evidence");
        // Staff who read household records see every photo; anyone else only the photos of a claim they may see (one they
        // submitted or one about their household), so a deduction shows the household its evidence.
        group.MapGet("/{id:guid}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("An evidence photo (佐证材料) as stored: an upright JPEG of at most 1600 px with no EXIF or GPS tags; ?size=thumb gives the 320 px thumbnail. Readable by the village's staff, and by the household and the submitter of the claim it belongs to.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg");
        return village;
    }

    public static async Task<IResult> Get(HttpContext http, VillagePointsDb db, ClaimQueries claims, IEvidenceStore store, Guid id,
        [FromQuery] string? size, CancellationToken ct)
    {
        var grant = http.Grant();
        var photo = await db.EvidencePhotos.AsNoTracking()
            .Where(p => p.VillageId == grant.Village.Id && p.Id == id)
            .Select(p => new { p.ContentKey, p.ThumbnailKey, p.Sha256, p.OwnerKind, p.OwnerRef })
            .SingleOrDefaultAsync(ct) ?? throw NotFound();
        if (!grant.Has(VillagePermission.ReadHouseholdRecords) && !await ClaimIsVisibleAsync(claims, grant, photo.OwnerKind, photo.OwnerRef, ct)
            && !await ObjectionIsOwnAsync(db, grant, photo.OwnerKind, id, ct))
            throw NotFound();
        var thumbnail = string.Equals(size, "thumb", StringComparison.Ordinal);
        var content = await store.OpenReadAsync(thumbnail ? photo.ThumbnailKey : photo.ContentKey, ct) ?? throw NotFound();
        // A photo of a household is personal: private caches only, and never sniffed into anything but an image.
        http.Response.Headers.CacheControl = "private, max-age=3600";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Stream(content, "image/jpeg", entityTag: thumbnail ? null : new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{photo.Sha256}\""));
    }

    private static async Task<bool> ClaimIsVisibleAsync(ClaimQueries claims, VillageGrant grant, string ownerKind, string ownerRef, CancellationToken ct) =>
        ownerKind == ClaimQueries.EvidenceOwnerKind
        && long.TryParse(ownerRef, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
        && await claims.FindAsync(grant, number, ct) is not null;

    /// <summary>An objection's photo is shown to the household that raised it and the household it is about, as a claim's is.</summary>
    private static async Task<bool> ObjectionIsOwnAsync(VillagePointsDb db, VillageGrant grant, string ownerKind, Guid photoId, CancellationToken ct)
    {
        if (ownerKind != VillagePoints.Web.Notices.ObjectionEvidence.OwnerKind)
            return false;
        var own = grant.OwnHouseholds.ToList();
        return await db.Objections.AnyAsync(o => o.VillageId == grant.Village.Id && o.PhotoId == photoId
            && (o.RaisedBy == grant.UserId || own.Contains(o.RaisedByHouseholdId) || own.Contains(o.HouseholdId)), ct);
    }

    private static DomainException NotFound() =>
        new(EvidenceErrors.NotFound, "No such photo, or it is not yours to see.", DomainErrorKind.NotFound);
}
