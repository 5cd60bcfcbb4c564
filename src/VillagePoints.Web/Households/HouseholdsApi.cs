using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Households;

public sealed record RegisterHouseholdRequest(int GroupNumber, string? HeadName, string? Address, string? Phone, List<NewMember>? Members);

public static class HouseholdsApi
{
    public static RouteGroupBuilder MapHouseholdsApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("/households").WithTags("Households");
        group.MapGet("/", Search).RequireVillage(VillagePermission.ReadHouseholds)
            .WithSummary("Search households by name, household number or phone.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity); // a query with control characters (text.forbidden-characters)
        group.MapGet("/{householdNo:int}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("A household's archive: members and balance. Villagers see only their own.");
        group.MapPost("/", Register).RequireVillage(VillagePermission.ManageHouseholds)
            .WithSummary("Open a household's points archive with its base grant.");
        return village;
    }

    public static async Task<Ok<List<HouseholdSummary>>> Search(HttpContext http, HouseholdQueries queries,
        [FromQuery] string? q, [FromQuery] int? take, CancellationToken ct) =>
        TypedResults.Ok(await queries.SearchAsync(http.Grant().Village.Id, q, take ?? 50, ct));

    public static async Task<Ok<HouseholdDetail>> Get(HttpContext http, HouseholdQueries queries, int householdNo, CancellationToken ct)
    {
        var household = await FindReadableAsync(http, queries, householdNo, ct);
        var grant = http.Grant();
        return TypedResults.Ok(await queries.DetailAsync(household, grant.Has(VillagePermission.ReadHouseholds), ct));
    }

    public static async Task<Created<HouseholdDetail>> Register(HttpContext http, HouseholdRegistry registry, HouseholdQueries queries,
        RegisterHouseholdRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        var grant = http.Grant();
        IdempotencyKeys.Validate(idempotencyKey);
        var household = await registry.RegisterAsync(new RegisterHousehold(grant.Village.Id, request.GroupNumber, request.HeadName ?? "",
            request.Address, request.Phone, request.Members ?? [], grant.UserId), idempotencyKey, ct);
        var detail = await queries.DetailAsync(household, true, ct);
        return TypedResults.Created($"/api/v1/villages/{grant.Village.Code}/households/{household.Number}", detail);
    }

    /// <summary>Another household's archive is as invisible to a villager as another village's.</summary>
    public static async Task<Core.Places.Household> FindReadableAsync(HttpContext http, HouseholdQueries queries, int householdNo, CancellationToken ct)
    {
        var grant = http.Grant();
        var household = await queries.FindAsync(grant.Village.Id, householdNo, ct);
        if (household is null || !grant.CanReadHousehold(household.Id))
            throw new DomainException("household.not-found", "No such household, or it is not yours to see.", DomainErrorKind.NotFound);
        return household;
    }
}
