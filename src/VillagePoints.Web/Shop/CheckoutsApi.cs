using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VillagePoints.Core;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Shop;

public sealed record CheckoutLineRequest(string? ItemCode, int Quantity);

/// <summary>A checkout at the counter: a cart for a household, or the pickup of a reservation (then without lines).</summary>
public sealed record CheckoutRequest(int? HouseholdNo, List<CheckoutLineRequest>? Lines, long? ReservationNumber);

public sealed record CancelCheckoutRequest(string? Reason);

/// <summary>The point of sale (兑换结算), its receipts and their same-day cancellation.</summary>
public static class CheckoutsApi
{
    public const string Tag = "Checkouts";

    public static RouteGroupBuilder MapCheckoutsApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("/shop/checkouts").WithTags(Tag);
        group.MapPost("/", Create).RequireVillage(VillagePermission.RunShop)
            .WithSummary("Checks a household's cart out in one transaction: Redemption entries, stock movements, the receipt and any vouchers. " +
                         "Refused whole with 409 balance.insufficient, stock.insufficient or item.limit-reached. Accepts Idempotency-Key: a retry answers the first receipt.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", List).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("Checkouts, newest first. The shop sees every household's (?householdNo= narrows, ?day=yyyy-MM-dd keeps one day); a villager sees their own household's.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{number:long}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("One receipt: its lines, points, the balance after it and its vouchers. The shop, or the household's villagers.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{number:long}/cancellation", Cancel).RequireVillage(VillagePermission.RunShop)
            .WithSummary("Cancels a checkout on its own day, with a reason: its entries are reversed, its goods returned to stock, its vouchers cancelled. " +
                         "Once only; refused once a voucher was honoured. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return village;
    }

    public static async Task<Created<CheckoutReceipt>> Create(HttpContext http, CheckoutDesk desk, CheckoutQueries queries, CheckoutRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var householdNo = request.HouseholdNo
            ?? throw new DomainException("checkout.household-required", "Name the household by its number.");
        var lines = (request.Lines ?? []).Select(l => new CartLine(l?.ItemCode, l?.Quantity ?? 0)).ToList();
        var checkout = await desk.CheckoutAsync(new CheckoutCommand(grant.Village.Id, householdNo, lines, grant.UserId,
            request.ReservationNumber, idempotencyKey), ct);
        return TypedResults.Created(Location(grant.Village.Code, checkout.Number), await queries.ReceiptAsync(checkout, ct));
    }

    public static async Task<Ok<List<CheckoutSummary>>> List(HttpContext http, CheckoutQueries queries, Households.HouseholdQueries households,
        [FromQuery] int? householdNo, [FromQuery] DateOnly? day, [FromQuery] int? take, CancellationToken ct)
    {
        var grant = http.Grant();
        Guid? householdId = null;
        if (householdNo is { } n)
        {
            var household = await households.FindAsync(grant.Village.Id, n, ct);
            if (household is null || !CanSee(grant, household.Id))
                throw grant.Has(VillagePermission.RunShop) || grant.OwnHouseholds.Count > 0 ? HouseholdNotFound() : Forbidden();
            householdId = household.Id;
        }
        else if (!grant.Has(VillagePermission.RunShop))
        {
            // A villager's own receipts; a household is named when they belong to several.
            householdId = grant.OwnHouseholds.Count == 1 ? grant.OwnHouseholds.Single() : throw Forbidden();
        }
        return TypedResults.Ok(await queries.ListAsync(grant.Village.Id, householdId, day, take ?? 50, ct));
    }

    public static async Task<Ok<CheckoutReceipt>> Get(HttpContext http, CheckoutQueries queries, long number, CancellationToken ct)
    {
        var grant = http.Grant();
        await CheckReadableAsync(grant, queries, number, ct);
        return TypedResults.Ok(await queries.ReceiptAsync(grant.Village.Id, number, ct) ?? throw CheckoutDesk.NotFound());
    }

    public static async Task<Ok<CheckoutReceipt>> Cancel(HttpContext http, CheckoutDesk desk, CheckoutQueries queries, long number,
        CancelCheckoutRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var checkout = await desk.CancelAsync(new CancelCheckout(grant.Village.Id, number, grant.UserId, request.Reason, idempotencyKey), ct);
        return TypedResults.Ok(await queries.ReceiptAsync(grant.Village.Id, checkout.Number, ct) ?? throw CheckoutDesk.NotFound());
    }

    /// <summary>
    /// The shop reads every receipt; a villager their own household's, and another household's answers 404 as if it did not exist;
    /// anyone else in the village (a merchant, a grid worker) is refused.
    /// </summary>
    public static async Task CheckReadableAsync(VillageGrant grant, CheckoutQueries queries, long number, CancellationToken ct)
    {
        if (grant.Has(VillagePermission.RunShop))
            return;
        if (grant.OwnHouseholds.Count == 0)
            throw Forbidden();
        var household = await queries.HouseholdOfAsync(grant.Village.Id, number, ct);
        if (household is not { } id || !grant.OwnHouseholds.Contains(id))
            throw CheckoutDesk.NotFound();
    }

    private static bool CanSee(VillageGrant grant, Guid householdId) =>
        grant.Has(VillagePermission.RunShop) || grant.OwnHouseholds.Contains(householdId);

    public static string Location(string villageCode, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/shop/checkouts/{number}");

    private static DomainException HouseholdNotFound() =>
        new("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);

    private static DomainException Forbidden() =>
        new("access.forbidden", "Your role in this village does not allow this.", DomainErrorKind.Forbidden);
}
