using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Notices;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Notices;

public sealed record RaiseObjectionRequest(string? Reason, Guid? PhotoId);

public sealed record ObjectionDecisionRequest(bool? Upheld, string? Reason, int? CorrectedAmount);

public sealed record ObjectionPhotoView(Guid Id, int Width, int Height);

/// <summary>Objections (异议) to a published notice's entries, and the committee's decision on each.</summary>
public static class ObjectionsApi
{
    public static RouteGroupBuilder MapObjectionsApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("").WithTags("Objections");
        group.MapPost("/entries/{entryNo:long}/objections", Raise).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("A villager objects to an entry of a published notice while its publicity window is open, with a reason and optionally an evidence photo's id; the household concerned is notified. A household objects to an entry once. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/objection-photos", UploadPhoto).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("A villager uploads one photo for an objection they are about to raise (multipart/form-data with one file part, e.g. named photo: JPEG, PNG, WebP or HEIC); send the answer's id as photoId. Accepts Idempotency-Key: a retried upload of the same photo stores it once.")
            .AddOpenApiOperationTransformer(VillagePoints.Web.Claims.ClaimsApi.DescribePhotoUpload)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/objections", List).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The village's objections, open ones first, then newest first; ?state=open or ?state=decided narrows them.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/objections/{objectionNo:int}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("One objection with the entry it names, the notice month and the decision.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/objections/{objectionNo:int}/decision", Decide).RequireVillage(VillagePermission.DecideObjections)
            .WithSummary("The committee decides an open objection once: upheld reverses the entry (and records correctedAmount, when given, as a new entry), both linked to the objection; dismissed keeps the entry. Either way the reason is recorded and the household and the objector are notified. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return village;
    }

    public static async Task<Created<ObjectionView>> Raise(HttpContext http, ObjectionDesk desk, ObjectionQueries queries, long entryNo,
        RaiseObjectionRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var objection = await desk.RaiseAsync(new RaiseObjection(grant.Village.Id, entryNo, grant.UserId, request.Reason, request.PhotoId, idempotencyKey), ct);
        return TypedResults.Created(Location(grant.Village.Code, objection.Number), await queries.ViewAsync(objection, ct));
    }

    public static async Task<Ok<List<ObjectionView>>> List(HttpContext http, ObjectionQueries queries, [FromQuery] string? state,
        [FromQuery] int? take, CancellationToken ct)
    {
        bool? open = state switch
        {
            null or "" => null,
            "open" => true,
            "decided" => false,
            _ => throw new DomainException("objection.state-filter-invalid", "state is open or decided."),
        };
        return TypedResults.Ok(await queries.ListAsync(http.Grant().Village.Id, open, take ?? 100, ct));
    }

    public static async Task<Ok<ObjectionView>> Get(HttpContext http, ObjectionQueries queries, int objectionNo, CancellationToken ct) =>
        TypedResults.Ok(await queries.FindAsync(http.Grant().Village.Id, objectionNo, ct) ?? throw ObjectionDesk.NotFound());

    public static async Task<Ok<ObjectionView>> Decide(HttpContext http, ObjectionDesk desk, ObjectionQueries queries, int objectionNo,
        ObjectionDecisionRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        if (request.Upheld is not { } upheld)
            throw new DomainException("objection.decision-required", "Say whether the objection is upheld: \"upheld\": true or false.");
        var objection = await desk.DecideAsync(new DecideObjection(grant.Village.Id, objectionNo, grant.UserId, upheld, request.Reason,
            request.CorrectedAmount, idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(objection, ct));
    }

    public const string PhotoOperation = "objection.photo";

    /// <summary>
    /// One photo per request, stored before the objection that names it. With an Idempotency-Key the request's fingerprint
    /// holds the uploader and the SHA-256 of the bytes, and the key is saved in the photo row's own save.
    /// </summary>
    public static async Task<Created<ObjectionPhotoView>> UploadPhoto(HttpContext http, EvidenceIntake intake, VillagePointsDb db, TimeProvider time,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        if (grant.OwnHouseholds.Count == 0)
            throw new DomainException("objection.not-villager", "Only a villager of this village, linked to a household, may object.", DomainErrorKind.Forbidden);
        if (!http.Request.HasFormContentType)
            throw new DomainException("objection.photo-required", "Send one photo as a multipart form file.");
        var form = await http.Request.ReadFormAsync(ct);
        if (form.Files.Count != 1)
            throw new DomainException("objection.photo-required", "Send one photo as a multipart form file.");
        string? hash = null;
        if (idempotencyKey is not null)
        {
            await using var raw = form.Files[0].OpenReadStream();
            hash = Idempotency.Fingerprint(PhotoOperation).Add(grant.Village.Id).Add(grant.UserId)
                .Add(Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(raw, ct))).Hash();
            if (await Idempotency.ReplayAsync<Guid?>(db, grant.Village.Id, idempotencyKey, PhotoOperation, hash, ct) is { } earlier)
                return Photo(grant.Village.Code, await db.EvidencePhotos.AsNoTracking().SingleAsync(p => p.VillageId == grant.Village.Id && p.Id == earlier, ct));
        }
        var id = Ids.New();
        Idempotency.Remember(db, grant.Village.Id, idempotencyKey, PhotoOperation, hash ?? "", id, BusinessCalendar.Truncate(time.GetUtcNow()));
        try
        {
            await using var content = form.Files[0].OpenReadStream();
            var photo = await intake.AcceptAsync(new EvidenceUpload(grant.Village.Id, ObjectionDesk.EvidenceOwnerKind, id.ToString("N"), grant.UserId, id),
                content, ct);
            return Photo(grant.Village.Code, photo);
        }
        catch (DbUpdateException) when (hash is not null)
        {
            // The same upload sent twice at once lost the race for its key: answer what the other one stored.
            db.ChangeTracker.Clear();
            var other = await Idempotency.ReplayAsync<Guid?>(db, grant.Village.Id, idempotencyKey, PhotoOperation, hash, ct) ?? throw Idempotency.Conflict();
            return Photo(grant.Village.Code, await db.EvidencePhotos.AsNoTracking().SingleAsync(p => p.VillageId == grant.Village.Id && p.Id == other, ct));
        }
        catch when (hash is not null)
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }

    private static Created<ObjectionPhotoView> Photo(string villageCode, EvidencePhoto photo) =>
        TypedResults.Created($"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/evidence/{photo.Id}", new ObjectionPhotoView(photo.Id, photo.Width, photo.Height));

    public static string Location(string villageCode, int number) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/objections/{number}");
}
