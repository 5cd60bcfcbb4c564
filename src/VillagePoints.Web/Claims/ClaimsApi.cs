using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Claims;

/// <summary>A claim as its submitter, its household and its reviewers read it.</summary>
public sealed record ClaimView(
    long Number,
    ClaimChannel Channel,
    int HouseholdNo,
    string HouseholdHead,
    string RuleCode,
    string RuleName,
    int RuleVersion,
    DateOnly OccurredOn,
    decimal? Hours,
    string? Note,
    int Points,
    string Explanation,
    ClaimState State,
    string? SubmittedBy,
    DateTimeOffset SubmittedAt,
    string? FirstReviewedBy,
    string? FirstApprovedBy,
    string? ResolvedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolutionReason,
    long? EntryNumber,
    int Photos,
    long? InspectionNumber = null,
    long? ActivityNumber = null,
    string? ActivityTitle = null);

public sealed record SubmitClaimRequest(
    ClaimChannel? Channel,
    int? HouseholdNo,
    string? RuleCode,
    DateOnly? OccurredOn,
    decimal? Hours,
    string? Note,
    string? Difficulty = null,
    string? Effect = null);

public sealed record ClaimDecisionRequest(ClaimDecision? Decision, string? Reason);

public sealed record ResubmitClaimRequest(string? Note);

public sealed record ClaimPhotoView(Guid Id, int Width, int Height);



public sealed partial class ClaimQueries(VillagePointsDb db)
{
    public const string EvidenceOwnerKind = ClaimDesk.EvidenceOwnerKind;

    /// <summary>A reviewer sees every claim of the village; anyone else those they submitted or that are about their household.</summary>
    public IQueryable<Claim> Visible(VillageGrant grant)
    {
        var claims = db.Claims.AsNoTracking().Where(c => c.VillageId == grant.Village.Id);
        if (grant.Has(VillagePermission.ReviewClaims))
            return claims;
        var own = grant.OwnHouseholds.ToList();
        return claims.Where(c => c.SubmittedBy == grant.UserId || own.Contains(c.HouseholdId));
    }

    public async Task<List<ClaimView>> ListAsync(VillageGrant grant, ClaimState? state, ClaimChannel? channel, int? householdNo, int take,
        CancellationToken ct)
    {
        var households = db.Households.Where(h => h.VillageId == grant.Village.Id && h.Number == householdNo).Select(h => h.Id);
        var claims = await Visible(grant)
            .Where(c => (state == null || c.State == state) && (channel == null || c.Channel == channel)
                && (householdNo == null || households.Contains(c.HouseholdId)))
            .OrderByDescending(c => c.Number).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return await ToViewsAsync(grant.Village.Id, claims, ct);
    }

    /// <summary>The user's own claims: those they submitted and those about their household, whatever their other roles.</summary>
    public async Task<List<ClaimView>> MineAsync(VillageGrant grant, int take, CancellationToken ct)
    {
        var own = grant.OwnHouseholds.ToList();
        var claims = await db.Claims.AsNoTracking()
            .Where(c => c.VillageId == grant.Village.Id && (c.SubmittedBy == grant.UserId || own.Contains(c.HouseholdId)))
            .OrderByDescending(c => c.Number).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return await ToViewsAsync(grant.Village.Id, claims, ct);
    }

    /// <summary>Which of these claims the user submitted.</summary>
    public Task<List<long>> SubmittedByAsync(VillageGrant grant, IReadOnlyList<long> numbers, CancellationToken ct) =>
        db.Claims.AsNoTracking().Where(c => c.VillageId == grant.Village.Id && c.SubmittedBy == grant.UserId && numbers.Contains(c.Number))
            .Select(c => c.Number).ToListAsync(ct);

    public async Task<Claim?> FindAsync(VillageGrant grant, long number, CancellationToken ct) =>
        await Visible(grant).SingleOrDefaultAsync(c => c.Number == number, ct);

    public async Task<ClaimView> ViewAsync(Claim claim, CancellationToken ct) => (await ToViewsAsync(claim.VillageId, [claim], ct))[0];

    private async Task<List<ClaimView>> ToViewsAsync(Guid villageId, IReadOnlyList<Claim> claims, CancellationToken ct)
    {
        var householdIds = claims.Select(c => c.HouseholdId).Distinct().ToList();
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && householdIds.Contains(h.Id))
            .ToDictionaryAsync(h => h.Id, ct);
        var ruleIds = claims.Select(c => c.RuleId).Distinct().ToList();
        var rules = await db.Rules.AsNoTracking().Where(r => r.VillageId == villageId && ruleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var actorIds = claims.SelectMany(c => new[] { c.SubmittedBy, c.FirstReviewedBy ?? Guid.Empty, c.FirstApproverId ?? Guid.Empty, c.ResolvedBy ?? Guid.Empty })
            .Distinct().ToList();
        var actors = await db.UserAccounts.AsNoTracking().Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var refs = claims.Select(c => c.Number.ToString(CultureInfo.InvariantCulture)).ToList();
        var photos = (await db.EvidencePhotos.AsNoTracking()
                .Where(p => p.VillageId == villageId && p.OwnerKind == EvidenceOwnerKind && refs.Contains(p.OwnerRef))
                .Select(p => p.OwnerRef).ToListAsync(ct))
            .GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        // A claim made by confirming an activity's attendance names that activity, so its household and reviewers know where it came from.
        var activityIds = claims.Where(c => c.ActivityId != null).Select(c => c.ActivityId!.Value).Distinct().ToList();
        var activities = activityIds.Count == 0 ? [] : await db.Activities.AsNoTracking()
            .Where(a => a.VillageId == villageId && activityIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => (a.Number, a.Title), ct);
        string? Name(Guid? id) => id is { } i ? actors.GetValueOrDefault(i) : null;
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        return claims.Select(c => new ClaimView(c.Number, c.Channel, households[c.HouseholdId].Number, households[c.HouseholdId].HeadName,
            rules[c.RuleId].Code, english ? rules[c.RuleId].NameEn : rules[c.RuleId].NameZh,
            c.RuleVersion, c.OccurredOn, c.Hours, c.Note, c.Points, english ? c.ExplanationEn : c.ExplanationZh, c.State, Name(c.SubmittedBy), c.SubmittedAt,
            Name(c.FirstReviewedBy), Name(c.FirstApproverId), Name(c.ResolvedBy), c.ResolvedAt, c.ResolutionReason, c.EntryNumber,
            photos.GetValueOrDefault(c.Number.ToString(CultureInfo.InvariantCulture)), c.InspectionNumber,
            c.ActivityId is { } a ? activities[a].Number : null, c.ActivityId is { } t ? activities[t].Title : null)).ToList();
    }
}

/// <summary>Claims (申报) from the four channels, their review queue and their evidence photos.</summary>
public static class ClaimsApi
{
    public static RouteGroupBuilder MapClaimsApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("/claims").WithTags("Claims");
        group.MapPost("/", Submit).RequireVillage(VillagePermission.SubmitClaims)
            .WithSummary("Submit a claim through a channel; it is scored by the rule in force on the day. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", List).RequireVillage(VillagePermission.SubmitClaims)
            .WithSummary("Claims, newest first, narrowed by ?state=, ?channel=, ?householdNo=, ?group= (villager group number), ?ruleCode=, ?olderThanDays= (waiting at least that long) and ?inspection= (a group inspection's number). ?toReview=true is the reader's own review queue, oldest first: the claims waiting for their step that they may decide. A villager sees those they submitted or about their household.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{number:long}", Get).RequireVillage(VillagePermission.SubmitClaims)
            .WithSummary("One claim with its score, explanation and state.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{number:long}/decision", Decide).RequireVillage(VillagePermission.ReviewClaims)
            .WithSummary("Approve, reject or return a waiting claim. Nobody reviews their own submission or household. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{number:long}/withdrawal", Withdraw).RequireVillage(VillagePermission.SubmitClaims)
            .WithSummary("The submitter takes a claim back before a decision. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{number:long}/resubmission", Resubmit).RequireVillage(VillagePermission.SubmitClaims)
            .WithSummary("The submitter sends a returned claim back for review, after adding evidence. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{number:long}/photos", AddPhoto).RequireVillage(VillagePermission.SubmitClaims)
            .WithSummary("Attach one evidence photo (multipart/form-data with one file part, e.g. named photo: JPEG, PNG, WebP or HEIC) while the claim is submitted or returned; at most six. Accepts Idempotency-Key: a retried upload of the same photo stores it once.")
            .AddOpenApiOperationTransformer(DescribePhotoUpload)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapInspectionsApi();
        return village;
    }

    public static async Task<Created<ClaimView>> Submit(HttpContext http, ClaimDesk desk, ClaimQueries queries, VillagePointsDb db,
        SubmitClaimRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        if (request.Channel is not { } channel || request.HouseholdNo is not { } householdNo || string.IsNullOrWhiteSpace(request.RuleCode)
            || request.OccurredOn is not { } occurredOn)
            throw new DomainException("claim.fields-required", "A claim needs a channel, a household number, a rule code and a date.");
        var householdId = await db.Households.AsNoTracking().Where(h => h.VillageId == grant.Village.Id && h.Number == householdNo)
                .Select(h => (Guid?)h.Id).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);
        var claim = await desk.SubmitAsync(new SubmitClaim(grant.Village.Id, channel, householdId, request.RuleCode, occurredOn, grant.UserId,
            request.Hours, request.Difficulty, request.Effect, request.Note, idempotencyKey), ct);
        return TypedResults.Created(Location(grant.Village.Code, claim.Number), await queries.ViewAsync(claim, ct));
    }

    public static async Task<Ok<List<ClaimView>>> List(HttpContext http, ClaimQueries queries, TimeProvider time, [FromQuery] ClaimState? state,
        [FromQuery] ClaimChannel? channel, [FromQuery] int? householdNo, [FromQuery] int? group, [FromQuery] string? ruleCode,
        [FromQuery] int? olderThanDays, [FromQuery] bool? toReview, [FromQuery] long? inspection, [FromQuery] int? take, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(http.Grant(),
            new ClaimFilter(state, channel, householdNo, group, ruleCode, olderThanDays, toReview ?? false, take ?? 50, inspection), time, ct));

    public static async Task<Ok<ClaimView>> Get(HttpContext http, ClaimQueries queries, long number, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await queries.FindAsync(http.Grant(), number, ct) ?? throw NotFound(), ct));

    public static async Task<Ok<ClaimView>> Decide(HttpContext http, ClaimDesk desk, ClaimQueries queries, long number,
        ClaimDecisionRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        if (request.Decision is not { } decision)
            throw new DomainException("claim.decision-invalid", "A decision is Approve, Reject or Return.");
        var claim = await desk.DecideAsync(new DecideClaim(grant.Village.Id, number, grant.UserId, decision, request.Reason, idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(claim, ct));
    }

    public static async Task<Ok<ClaimView>> Withdraw(HttpContext http, ClaimDesk desk, ClaimQueries queries, long number,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        _ = await queries.FindAsync(grant, number, ct) ?? throw NotFound();
        var claim = await desk.WithdrawAsync(new WithdrawClaim(grant.Village.Id, number, grant.UserId, idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(claim, ct));
    }

    public static async Task<Ok<ClaimView>> Resubmit(HttpContext http, ClaimDesk desk, ClaimQueries queries, long number,
        ResubmitClaimRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        _ = await queries.FindAsync(grant, number, ct) ?? throw NotFound();
        var claim = await desk.ResubmitAsync(new ResubmitClaim(grant.Village.Id, number, grant.UserId, request.Note, idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(claim, ct));
    }

    public const string PhotoOperation = "claim.photo";

    /// <summary>
    /// One photo per request. With an Idempotency-Key the request's fingerprint holds the claim, the uploader and the
    /// SHA-256 of the bytes sent, and the key is saved in the photo row's own save: a retried upload answers the
    /// photo stored the first time, and the same key with another photo is a conflict.
    /// </summary>
    public static async Task<Created<ClaimPhotoView>> AddPhoto(HttpContext http, EvidenceIntake intake, ClaimQueries queries, VillagePointsDb db,
        TimeProvider time, long number, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var claim = await queries.FindAsync(grant, number, ct) ?? throw NotFound();
        if (claim.SubmittedBy != grant.UserId && !grant.Has(VillagePermission.ReviewClaims))
            throw new DomainException("claim.not-submitter", "Only whoever submitted a claim, or the village's reviewers, add its photos.",
                DomainErrorKind.Forbidden);
        if (!http.Request.HasFormContentType)
            throw new DomainException("claim.photo-required", "Send one photo as a multipart form file.");
        var form = await http.Request.ReadFormAsync(ct);
        if (form.Files.Count != 1)
            throw new DomainException("claim.photo-required", "Send one photo as a multipart form file.");
        var owner = claim.Number.ToString(CultureInfo.InvariantCulture);
        string? hash = null;
        if (idempotencyKey is not null)
        {
            await using var raw = form.Files[0].OpenReadStream();
            hash = Idempotency.Fingerprint(PhotoOperation).Add(grant.Village.Id).Add(claim.Number).Add(grant.UserId)
                .Add(Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(raw, ct))).Hash();
            if (await ReplayPhotoAsync(db, grant.Village.Id, idempotencyKey, hash, ct) is { } earlier)
                return Photo(grant.Village.Code, earlier);
        }
        if (claim.State is not (ClaimState.Submitted or ClaimState.Returned))
            throw new DomainException("claim.photos-closed", "Photos are added while a claim waits for its review.", DomainErrorKind.Conflict);
        var photoId = Ids.New();
        // Saved by the intake in the photo row's own save, so the key and the photo exist together or not at all.
        Idempotency.Remember(db, grant.Village.Id, idempotencyKey, PhotoOperation, hash ?? "", photoId, BusinessCalendar.Truncate(time.GetUtcNow()));
        EvidencePhoto photo;
        try
        {
            await using var content = form.Files[0].OpenReadStream();
            photo = await intake.AcceptAsync(new EvidenceUpload(grant.Village.Id, ClaimQueries.EvidenceOwnerKind, owner, grant.UserId, photoId),
                content, ct);
        }
        catch (DbUpdateException) when (hash is not null)
        {
            // The same upload, sent twice at once, lost the race for its key: answer what the other one stored.
            db.ChangeTracker.Clear();
            return Photo(grant.Village.Code, await ReplayPhotoAsync(db, grant.Village.Id, idempotencyKey, hash, ct) ?? throw Idempotency.Conflict());
        }
        catch when (hash is not null)
        {
            db.ChangeTracker.Clear();
            throw;
        }
        return Photo(grant.Village.Code, photo);
    }

    /// <summary>The photo an earlier upload under this key stored, or null when the key is new.</summary>
    private static async Task<EvidencePhoto?> ReplayPhotoAsync(VillagePointsDb db, Guid villageId, string? key, string hash, CancellationToken ct)
    {
        if (await Idempotency.ReplayAsync<Guid?>(db, villageId, key, PhotoOperation, hash, ct) is not { } id)
            return null;
        return await db.EvidencePhotos.AsNoTracking().SingleAsync(p => p.VillageId == villageId && p.Id == id, ct);
    }

    private static Created<ClaimPhotoView> Photo(string villageCode, EvidencePhoto photo) =>
        TypedResults.Created($"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/evidence/{photo.Id}",
            new ClaimPhotoView(photo.Id, photo.Width, photo.Height));

    /// <summary>
    /// The handler reads the form itself (so a bearer client needs no antiforgery token and a wrong body is our own problem, not a
    /// bare 415 before the village scope), so the document is told of the multipart body here.
    /// </summary>
    internal static Task DescribePhotoUpload(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context,
        CancellationToken ct)
    {
        operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
        {
            Required = true,
            Description = "One photo file (JPEG, PNG, WebP or HEIC; its real type is read from its bytes, not its name).",
            Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new Microsoft.OpenApi.OpenApiSchema
                    {
                        Type = Microsoft.OpenApi.JsonSchemaType.Object,
                        Required = new HashSet<string> { "photo" },
                        Properties = new Dictionary<string, Microsoft.OpenApi.IOpenApiSchema>
                        {
                            ["photo"] = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary", Description = "The photo." },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    public static string Location(string villageCode, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/claims/{number}");

    private static DomainException NotFound() => new("claim.not-found", "No such claim in this village.", DomainErrorKind.NotFound);
}
