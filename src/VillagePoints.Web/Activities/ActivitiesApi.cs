using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VillagePoints.Core;
using VillagePoints.Core.Activities;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Activities;

public sealed record CreateActivityRequest(
    string? Title,
    DateOnly? HeldOn,
    string? Place,
    string? RuleCode,
    decimal? Hours,
    int? Capacity,
    Guid? OrganiserId = null);

/// <summary>
/// A check-in. A villager scanning the poster sends its <see cref="Token"/> and names a member of their household
/// (<see cref="PersonId"/>); the organiser sends no token and names the household by number, and the person
/// unless the household has one member.
/// </summary>
public sealed record CheckInRequest(string? Token = null, int? HouseholdNo = null, Guid? PersonId = null);

public sealed record CheckInView(long ActivityNumber, Guid PersonId, int HouseholdNo, CheckInMethod Method, DateTimeOffset CheckedInAt, int AttendeeCount,
    int Capacity);

public sealed record CancelActivityRequest(string? Reason = null);

/// <summary>Volunteer activities (志愿活动): creation, check-in by poster or roster, confirmation into claims, cancellation.</summary>
public static class ActivitiesApi
{
    public static RouteGroupBuilder MapActivitiesApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("/activities").WithTags("Activities");
        group.MapPost("/", Create).RequireVillage(VillagePermission.ManageActivities)
            .WithSummary("The committee creates an activity: title, day, place, an award rule open to group inspection, hours, capacity and organiser (default: the caller). Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", List).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The village's activities, latest day first, at most ?take= (default 100, at most 500). The check-in link is given to those who run an activity.");
        group.MapGet("/{number:long}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("One activity; its organiser and the committee also get the check-in link and the roster.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{number:long}/check-ins", CheckIn).RequireVillage(VillagePermission.SubmitClaims)
            .WithSummary("Check in: a villager with the poster's token for a member of their own household (on the activity's day or the next), or the organiser naming any household of the village. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{number:long}/confirmation", Confirm).RequireVillage(VillagePermission.ReviewClaims)
            .WithSummary("The organiser or a committee member confirms attendance: one claim per attendee goes to review. Resolves once; repeating it answers the confirmed activity. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{number:long}/cancellation", Cancel).RequireVillage(VillagePermission.ReviewClaims)
            .WithSummary("The organiser or a committee member cancels an activity before its attendance is confirmed. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return village;
    }

    public static async Task<Created<ActivityView>> Create(HttpContext http, ActivityDesk desk, ActivityQueries queries,
        CreateActivityRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        if (request.HeldOn is not { } heldOn || request.Hours is not { } hours || request.Capacity is not { } capacity
            || string.IsNullOrWhiteSpace(request.RuleCode))
            throw new DomainException("activity.fields-required", "An activity needs a title, a day, a place, a rule, hours and a capacity.");
        var activity = await desk.CreateAsync(new CreateActivity(grant.Village.Id, request.Title ?? "", heldOn, request.Place ?? "", request.RuleCode,
            hours, capacity, request.OrganiserId ?? grant.UserId, grant.UserId, idempotencyKey), ct);
        return TypedResults.Created(Location(grant.Village.Code, activity.Number),
            await queries.ViewAsync(grant, activity, ActivityQueries.BaseUrl(http.Request), withRoster: true, ct));
    }

    public static async Task<Ok<List<ActivityView>>> List(HttpContext http, ActivityQueries queries, [FromQuery] int? take, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(http.Grant(), ct, take ?? 100));

    public static async Task<Ok<ActivityView>> Get(HttpContext http, ActivityQueries queries, long number, CancellationToken ct)
    {
        var grant = http.Grant();
        var activity = await queries.FindAsync(grant, number, ct);
        return TypedResults.Ok(await queries.ViewAsync(grant, activity, ActivityQueries.BaseUrl(http.Request), withRoster: true, ct));
    }

    public static async Task<Created<CheckInView>> CheckIn(HttpContext http, ActivityDesk desk, ActivityQueries queries, long number,
        CheckInRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var attendance = await desk.CheckInAsync(new CheckIn(grant.Village.Id, number, grant.UserId, request.HouseholdNo, request.PersonId,
            request.Token, idempotencyKey), ct);
        var activity = await queries.FindAsync(grant, number, ct);
        var householdNo = (await desk.RosterAsync(grant.Village.Id, activity.Id, ct)).Where(l => l.PersonId == attendance.PersonId)
            .Select(l => l.HouseholdNo).FirstOrDefault();
        return TypedResults.Created(Location(grant.Village.Code, number),
            new CheckInView(number, attendance.PersonId, householdNo, attendance.Method, attendance.CheckedInAt, activity.AttendeeCount, activity.Capacity));
    }

    public static async Task<Ok<ActivityView>> Confirm(HttpContext http, ActivityDesk desk, ActivityQueries queries, long number,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var activity = await desk.ConfirmAsync(new ConfirmAttendance(grant.Village.Id, number, grant.UserId, idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(grant, activity, null, withRoster: true, ct));
    }

    public static async Task<Ok<ActivityView>> Cancel(HttpContext http, ActivityDesk desk, ActivityQueries queries, long number,
        CancelActivityRequest? request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var activity = await desk.CancelAsync(new CancelActivity(grant.Village.Id, number, grant.UserId, request?.Reason, idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(grant, activity, null, withRoster: true, ct));
    }

    public static string Location(string villageCode, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/activities/{number}");
}
