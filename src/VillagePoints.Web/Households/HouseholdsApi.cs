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
            .WithSummary("Search the household register by name, household number or phone (or its last four digits), optionally within one villager group; paged, with the total count.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity); // a query with control characters (text.forbidden-characters)
        group.MapGet("/{householdNo:int}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("A household's archive: members and balance. Villagers see only their own; the shop clerk sees name, number and balance only.");
        group.MapPost("/", Register).RequireVillage(VillagePermission.ManageHouseholds)
            .WithSummary("Open a household's points archive with its base grant.");
        return village;
    }

    /// <param name="take">Older name of <paramref name="pageSize"/>, still honoured.</param>
    public static async Task<Ok<HouseholdSearchPage>> Search(HttpContext http, HouseholdQueries queries,
        [FromQuery] string? q, [FromQuery] int? group, [FromQuery] int? page, [FromQuery] int? pageSize, [FromQuery] int? take, CancellationToken ct)
    {
        var grant = http.Grant();
        var search = new HouseholdSearch(q, group, page ?? 1, pageSize ?? take ?? HouseholdQueries.DefaultPageSize);
        return TypedResults.Ok(await queries.SearchAsync(grant.Village.Id, search, HouseholdDisclosure.ForRegister(grant), ct));
    }

    public static async Task<Ok<HouseholdDetail>> Get(HttpContext http, HouseholdQueries queries, int householdNo, CancellationToken ct)
    {
        var grant = http.Grant();
        var household = await queries.FindAsync(grant.Village.Id, householdNo, ct);
        if (household is null || !grant.CanFindHousehold(household.Id))
            throw HouseholdNotFound();
        return TypedResults.Ok(await queries.DetailAsync(household, HouseholdDisclosure.For(grant, household.Id), ct));
    }

    public static async Task<Created<HouseholdDetail>> Register(HttpContext http, HouseholdRegistry registry, HouseholdQueries queries,
        RegisterHouseholdRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        var grant = http.Grant();
        IdempotencyKeys.Validate(idempotencyKey);
        var household = await registry.RegisterAsync(new RegisterHousehold(grant.Village.Id, request.GroupNumber, request.HeadName ?? "",
            request.Address, request.Phone, request.Members ?? [], grant.UserId), idempotencyKey, ct);
        var detail = await queries.DetailAsync(household, HouseholdDisclosure.For(grant, household.Id), ct);
        return TypedResults.Created($"/api/v1/villages/{grant.Village.Code}/households/{household.Number}", detail);
    }

    /// <summary>
    /// A household whose archive and ledger this user may read. Another household's is as invisible to a
    /// villager as another village's; the shop clerk finds households but reads no archive.
    /// </summary>
    public static async Task<Core.Places.Household> FindReadableAsync(HttpContext http, HouseholdQueries queries, int householdNo, CancellationToken ct)
    {
        var grant = http.Grant();
        var household = await queries.FindAsync(grant.Village.Id, householdNo, ct);
        if (household is null || !grant.CanReadHousehold(household.Id))
            throw HouseholdNotFound();
        return household;
    }

    private static DomainException HouseholdNotFound() =>
        new("household.not-found", "No such household, or it is not yours to see.", DomainErrorKind.NotFound);
}
