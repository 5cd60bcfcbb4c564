using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VillagePoints.Core;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Shop;

public sealed record ReservationLineBody(string? ItemCode, int? Quantity);

/// <summary>A villager's reservation: householdNo may be left out when the villager belongs to one household of the village.</summary>
public sealed record ReserveRequest(int? HouseholdNo, List<ReservationLineBody>? Lines);

/// <summary>
/// Reservations for pickup (预约兑换): a villager reserves goods for their own household, which holds the stock and spends
/// nothing; the clerk's checkout of the reservation spends the points. Either may cancel; past its deadline it expires.
/// </summary>
public static class ReservationsApi
{
    /// <summary>The services the reservations need, the expiry job among them.</summary>
    public static IServiceCollection AddReservations(this IServiceCollection services)
    {
        services.AddScoped<ReservationDesk>();
        services.AddScoped<ReservationQueries>();
        services.AddScoped<VillagerShopQueries>();
        services.AddHostedService<ReservationScheduler>();
        return services;
    }

    public static RouteGroupBuilder MapReservationsApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("/shop/reservations").WithTags("Reservations");
        group.MapPost("", Reserve).RequireVillage(VillagePermission.ReserveForPickup)
            .WithSummary("A villager reserves goods for pickup for their own household: {\"householdNo\":5,\"lines\":[{\"itemCode\":\"rice-5kg\",\"quantity\":1}]} (householdNo may be left out with one household). The stock is held until the pickup deadline and no points are spent; the household's spendable points, less what its open reservations promise, must cover it, and per-household item limits count open reservations. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", List).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("Reservations, open ones first by deadline, then the newest closed ones: the whole village for the shop clerk, the own household's for a villager; ?state=open lists open ones only.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{number:long}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("One reservation with its lines, state and pickup deadline; a villager sees only their own household's.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{number:long}/cancellation", Cancel).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("Cancels an open reservation once, by a villager of its household or the shop clerk; the held stock goes back on the shelf. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return village;
    }

    public static async Task<Created<ReservationView>> Reserve(HttpContext http, ReservationDesk desk, ReservationQueries queries, ReserveRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var lines = request.Lines?.Select(l => new ReservationLineRequest(l?.ItemCode, l?.Quantity ?? 0)).ToList();
        var reservation = await desk.ReserveAsync(new ReserveForPickup(grant.Village.Id, grant.UserId, request.HouseholdNo, lines, idempotencyKey), ct);
        return TypedResults.Created(Location(grant.Village.Code, reservation.Number), await queries.ViewAsync(reservation, ct));
    }

    public static async Task<Ok<IReadOnlyList<ReservationView>>> List(HttpContext http, ReservationQueries queries, [FromQuery] string? state,
        [FromQuery] int? take, CancellationToken ct)
    {
        var openOnly = state switch
        {
            null or "" => false,
            "open" => true,
            _ => throw new DomainException("reservation.state-filter-invalid", "state is open, or left out for all."),
        };
        var grant = http.Grant();
        return TypedResults.Ok(await queries.ListAsync(grant.Village.Id, HouseholdsSeen(grant), openOnly, take ?? ReservationQueries.MaxList, ct));
    }

    public static async Task<Ok<ReservationView>> Get(HttpContext http, ReservationQueries queries, long number, CancellationToken ct)
    {
        var grant = http.Grant();
        return TypedResults.Ok(await queries.FindAsync(grant.Village.Id, number, HouseholdsSeen(grant), ct) ?? throw ReservationDesk.NotFound());
    }

    public static async Task<Ok<ReservationView>> Cancel(HttpContext http, ReservationDesk desk, ReservationQueries queries, long number,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var byShop = grant.Has(VillagePermission.RunShop);
        if (!byShop && !(grant.Has(VillagePermission.ReserveForPickup) && grant.OwnHouseholds.Count > 0))
            throw Forbidden();
        var reservation = await desk.CancelAsync(new CancelReservation(grant.Village.Id, number, grant.UserId, byShop, idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(reservation, ct));
    }

    /// <summary>Null for the shop (every household); a villager's own households; anyone else is refused.</summary>
    public static IReadOnlyCollection<Guid>? HouseholdsSeen(VillageGrant grant)
    {
        if (grant.Has(VillagePermission.RunShop))
            return null;
        if (grant.Has(VillagePermission.ReserveForPickup) && grant.OwnHouseholds.Count > 0)
            return grant.OwnHouseholds;
        throw Forbidden();
    }

    private static DomainException Forbidden() =>
        new(VillageScopeHandler.Forbidden, "Reservations are the shop clerk's and each villager's own.", DomainErrorKind.Forbidden);

    public static string Location(string villageCode, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/shop/reservations/{number}");
}
