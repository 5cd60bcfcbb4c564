using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Shop;

/// <summary>
/// One shop item as the API shows it. <c>name</c> is in the caller's language; <c>available</c> is what can still be sold
/// (stock less what reservations hold). The merchant's settlement price is the clerk's business, so only the shop sees it.
/// </summary>
public sealed record ItemView(
    string Code,
    string Name,
    string NameZh,
    string NameEn,
    ItemCategory Category,
    string Unit,
    int PricePoints,
    int Stock,
    int Reserved,
    int Available,
    bool Active,
    int? Limit,
    LimitPeriod LimitPeriod,
    int LowStockThreshold,
    bool LowStock,
    string? PhotoUrl,
    bool IsVoucher,
    string? MerchantCode,
    int? VoucherValidDays,
    long? SettlementPriceFen);

/// <summary>An item to add. <c>nameEn</c> defaults to <c>nameZh</c>; a <c>ServiceVoucher</c> names its merchant, validity and settlement price.</summary>
public sealed record CreateItemRequest(
    string? Code,
    ItemCategory? Category,
    string? NameZh,
    string? NameEn,
    string? Unit,
    int? PricePoints,
    int? LimitPerHousehold,
    LimitPeriod? LimitPeriod,
    bool? Active,
    int? LowStockThreshold,
    string? MerchantCode,
    int? VoucherValidDays,
    long? SettlementPriceFen);

/// <summary>
/// Changes to an item: what is sent replaces the item's value, what is left out keeps it. <c>limitPerHousehold</c> 0 removes
/// the limit. The code does not change.
/// </summary>
public sealed record EditItemRequest(
    ItemCategory? Category,
    string? NameZh,
    string? NameEn,
    string? Unit,
    int? PricePoints,
    int? LimitPerHousehold,
    LimitPeriod? LimitPeriod,
    bool? Active,
    int? LowStockThreshold,
    string? MerchantCode,
    int? VoucherValidDays,
    long? SettlementPriceFen);

/// <summary>A receipt, donation or loss; <c>quantity</c> is always positive (a loss takes it out); <c>occurredOn</c> defaults to today.</summary>
public sealed record StockMovementRequest(
    string? ItemCode,
    StockMovementKind? Kind,
    int? Quantity,
    long? CostFen,
    string? Counterparty,
    string? Reason,
    DateOnly? OccurredOn);

public sealed record StockCountRequest(string? ItemCode, int? Counted, int? Expected);

/// <summary>A stocktake: the counted quantity of each item, and why counts may differ. <c>expected</c>, when sent, must still be the item's level.</summary>
public sealed record StocktakeRequest(List<StockCountRequest>? Counts, string? Reason, DateOnly? OccurredOn);

/// <summary>The shop's catalogue and stock: every village member reads the catalogue; the clerk edits it and moves stock.</summary>
public static class CatalogueApi
{
    public static RouteGroupBuilder MapCatalogueApi(this RouteGroupBuilder village)
    {
        var shop = village.MapGroup("/shop").WithTags("Shop catalogue");
        shop.MapGet("/items", List).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The shop's items by category, with price, stock and what can still be sold. The clerk also sees inactive items.");
        shop.MapGet("/items/{itemCode}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("One item.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        shop.MapGet("/items/{itemCode}/photo", Photo).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("An item's photo: an upright JPEG of at most 1600 px without EXIF or GPS tags; ?size=thumb gives the 320 px thumbnail.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound);
        shop.MapPut("/items/{itemCode}/photo", PutPhoto).RequireVillage(VillagePermission.RunShop)
            .WithSummary("Give an item its photo (shop clerk): multipart/form-data with one file (JPEG, PNG or WebP). It is turned upright, shrunk and stripped of EXIF and GPS tags, and replaces the item's earlier photo, so sending it again changes nothing.")
            .AddOpenApiOperationTransformer(VillagePoints.Web.Claims.ClaimsApi.DescribePhotoUpload)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        shop.MapPost("/items", Create).RequireVillage(VillagePermission.RunShop)
            .WithSummary("Add an item (shop clerk). Its stock starts at 0 and moves only by stock movements. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        shop.MapPut("/items/{itemCode}", Edit).RequireVillage(VillagePermission.RunShop)
            .WithSummary("Change an item's names, price, limit, threshold, voucher terms or active flag (shop clerk); fields left out keep their value. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        shop.MapPost("/stock-movements", Record).RequireVillage(VillagePermission.RunShop)
            .WithSummary("Record a purchase receipt (cost in fen, supplier), a donation (donor, optional value in fen) or a loss (reason) (shop clerk). Checkouts and returns are written by checkouts. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        shop.MapGet("/stock-movements", Movements).RequireVillage(VillagePermission.RunShop)
            .WithSummary("Stock movements, newest first: one item's with ?item=code, else the shop's latest (shop clerk); ?limit= up to 1000.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        shop.MapPost("/stocktakes", Stocktake).RequireVillage(VillagePermission.RunShop)
            .WithSummary("A stocktake (shop clerk): the counted quantity per item; each difference becomes a signed stocktake movement with the reason, a matching count writes nothing. All or nothing. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        shop.MapGet("/low-stock", LowStock).RequireVillage(VillagePermission.RunShop)
            .WithSummary("Active goods whose sellable stock is at or below their low-stock threshold, emptiest first (shop clerk).");
        return village;
    }

    public static async Task<Ok<List<ItemView>>> List(HttpContext http, VillagePointsDb db, CancellationToken ct)
    {
        var grant = http.Grant();
        var shop = grant.Has(VillagePermission.RunShop);
        var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == grant.Village.Id && (shop || i.Active)).ToListAsync(ct);
        // The shelves in their own order (staples first), not the alphabetical order of the stored names.
        return TypedResults.Ok(await ViewsAsync(db, grant, [.. items.OrderBy(i => (int)i.Category).ThenBy(i => i.Code, StringComparer.Ordinal)], ct));
    }

    public static async Task<Ok<ItemView>> Get(HttpContext http, VillagePointsDb db, string itemCode, CancellationToken ct)
    {
        var grant = http.Grant();
        var item = await FindVisibleAsync(db, grant, itemCode, ct);
        return TypedResults.Ok((await ViewsAsync(db, grant, [item], ct))[0]);
    }

    public static async Task<IResult> Photo(HttpContext http, VillagePointsDb db, ShopCatalogue catalogue, IEvidenceStore store, string itemCode,
        [FromQuery] string? size, CancellationToken ct)
    {
        var grant = http.Grant();
        var item = await FindVisibleAsync(db, grant, itemCode, ct);
        var photo = await catalogue.PhotoAsync(grant.Village.Id, item.Code, ct) ?? throw PhotoNotFound();
        var thumbnail = string.Equals(size, "thumb", StringComparison.Ordinal);
        var content = await store.OpenReadAsync(thumbnail ? photo.ThumbnailKey : photo.ContentKey, ct) ?? throw PhotoNotFound();
        http.Response.Headers.CacheControl = "private, max-age=3600";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Stream(content, "image/jpeg");
    }

    /// <summary>The handler reads the form itself, so a bearer client needs no antiforgery token and a wrong body is answered as a problem.</summary>
    public static async Task<Ok<ItemView>> PutPhoto(HttpContext http, VillagePointsDb db, ShopCatalogue catalogue, EvidenceIntake intake,
        IEvidenceStore store, string itemCode, CancellationToken ct)
    {
        var grant = http.Grant();
        var item = await catalogue.FindAsync(grant.Village.Id, itemCode.Trim(), ct, tracked: false);
        if (!http.Request.HasFormContentType)
            throw PhotoRequired();
        var form = await http.Request.ReadFormAsync(ct);
        if (form.Files.Count != 1)
            throw PhotoRequired();
        ProcessedPhoto photo;
        await using (var content = form.Files[0].OpenReadStream())
            photo = await EvidenceIntake.PrepareAsync(content, ct);
        var updated = await catalogue.SetPhotoAsync(intake, store, grant.Village.Id, item.Code, photo, grant.UserId, ct);
        return TypedResults.Ok((await ViewsAsync(db, grant, [updated], ct))[0]);
    }

    public static async Task<Created<ItemView>> Create(HttpContext http, VillagePointsDb db, ShopCatalogue catalogue, CreateItemRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var terms = new ItemTerms(request.Category ?? InvalidCategory, request.NameZh ?? "", request.NameEn, request.Unit ?? "",
            request.PricePoints ?? 0, request.LimitPerHousehold, request.LimitPeriod ?? LimitPeriod.Month, request.Active ?? true,
            request.LowStockThreshold ?? 0, request.MerchantCode, request.VoucherValidDays, request.SettlementPriceFen);
        var item = await catalogue.CreateAsync(new CreateItem(grant.Village.Id, request.Code ?? "", terms, grant.UserId, idempotencyKey), ct);
        return TypedResults.Created(Location(grant.Village.Code, item.Code), (await ViewsAsync(db, grant, [item], ct))[0]);
    }

    public static async Task<Ok<ItemView>> Edit(HttpContext http, VillagePointsDb db, ShopCatalogue catalogue, string itemCode, EditItemRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var current = await catalogue.FindAsync(grant.Village.Id, itemCode.Trim(), ct, tracked: false);
        var merchant = current.MerchantId is { } m
            ? await db.Merchants.AsNoTracking().Where(x => x.VillageId == grant.Village.Id && x.Id == m).Select(x => x.Code).SingleOrDefaultAsync(ct)
            : null;
        var terms = new ItemTerms(request.Category ?? current.Category, request.NameZh ?? current.NameZh, request.NameEn ?? current.NameEn,
            request.Unit ?? current.Unit, request.PricePoints ?? current.PricePoints,
            request.LimitPerHousehold is { } limit ? (limit == 0 ? null : limit) : current.LimitPerHousehold,
            request.LimitPeriod ?? current.LimitPeriod, request.Active ?? current.Active, request.LowStockThreshold ?? current.LowStockThreshold,
            request.MerchantCode ?? merchant, request.VoucherValidDays ?? current.VoucherValidDays, request.SettlementPriceFen ?? current.SettlementPriceFen);
        var item = await catalogue.EditAsync(new EditItem(grant.Village.Id, current.Code, terms, grant.UserId, idempotencyKey), ct);
        return TypedResults.Ok((await ViewsAsync(db, grant, [item], ct))[0]);
    }

    public static async Task<Created<StockMovementView>> Record(HttpContext http, StockDesk desk, StockMovementRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var kind = request.Kind ?? throw new DomainException("stock.kind-not-allowed", "Say what moved the stock: Purchase, Donation or Loss.");
        var movement = await desk.RecordAsync(new RecordStock(grant.Village.Id, request.ItemCode ?? "", kind, request.Quantity ?? 0, grant.UserId,
            request.CostFen, request.Counterparty, request.Reason, request.OccurredOn, idempotencyKey), ct);
        return TypedResults.Created(string.Create(CultureInfo.InvariantCulture,
            $"/api/v1/villages/{Uri.EscapeDataString(grant.Village.Code)}/shop/stock-movements?item={Uri.EscapeDataString(movement.ItemCode)}"), movement);
    }

    public static async Task<Ok<List<StockMovementView>>> Movements(HttpContext http, StockDesk desk, [FromQuery] string? item, [FromQuery] int? limit,
        CancellationToken ct) =>
        TypedResults.Ok(await desk.HistoryAsync(http.Grant().Village.Id, string.IsNullOrWhiteSpace(item) ? null : item, limit ?? 200, ct));

    public static async Task<Created<StocktakeResult>> Stocktake(HttpContext http, StockDesk desk, StocktakeRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var counts = (request.Counts ?? []).Select(c => new StockCount(c?.ItemCode ?? "", c?.Counted ?? -1, c?.Expected)).ToList();
        var result = await desk.TakeAsync(new TakeStock(grant.Village.Id, counts, request.Reason, grant.UserId, request.OccurredOn, idempotencyKey), ct);
        return TypedResults.Created($"/api/v1/villages/{Uri.EscapeDataString(grant.Village.Code)}/shop/stock-movements", result);
    }

    public static async Task<Ok<List<ItemView>>> LowStock(HttpContext http, VillagePointsDb db, ShopCatalogue catalogue, CancellationToken ct)
    {
        var grant = http.Grant();
        return TypedResults.Ok(await ViewsAsync(db, grant, await catalogue.LowStockAsync(grant.Village.Id, ct), ct));
    }

    public static string Location(string villageCode, string itemCode) =>
        $"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/shop/items/{Uri.EscapeDataString(itemCode)}";

    /// <summary>An active item for anyone in the village; an inactive one only for the shop.</summary>
    private static async Task<ShopItem> FindVisibleAsync(VillagePointsDb db, VillageGrant grant, string itemCode, CancellationToken ct)
    {
        var code = (itemCode ?? "").Trim();
        var item = await db.ShopItems.AsNoTracking().SingleOrDefaultAsync(i => i.VillageId == grant.Village.Id && i.Code == code, ct);
        if (item is null || (!item.Active && !grant.Has(VillagePermission.RunShop)))
            throw ShopCatalogue.NotFound();
        return item;
    }

    public static async Task<List<ItemView>> ViewsAsync(VillagePointsDb db, VillageGrant grant, IReadOnlyList<ShopItem> items, CancellationToken ct)
    {
        var merchants = await db.Merchants.AsNoTracking().Where(m => m.VillageId == grant.Village.Id).ToDictionaryAsync(m => m.Id, m => m.Code, ct);
        var shop = grant.Has(VillagePermission.RunShop);
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        return items.Select(i => new ItemView(i.Code, i.Name(!english), i.NameZh, i.NameEn, i.Category, i.Unit, i.PricePoints, i.Stock, i.Reserved,
            i.Available, i.Active, i.LimitPerHousehold, i.LimitPeriod, i.LowStockThreshold,
            i.Active && !i.IsVoucher && i.Available <= i.LowStockThreshold,
            i.PhotoId is null ? null : PhotoPath(grant.Village.Code, i.Code),
            i.IsVoucher, i.MerchantId is { } m ? merchants.GetValueOrDefault(m) : null, i.VoucherValidDays,
            shop ? i.SettlementPriceFen : null)).ToList();
    }

    public static string PhotoPath(string villageCode, string itemCode) => Location(villageCode, itemCode) + "/photo";

    /// <summary>A category the request left out: the catalogue refuses it with its own code.</summary>
    private const ItemCategory InvalidCategory = (ItemCategory)(-1);

    private static DomainException PhotoRequired() => new("item.photo-required", "Send one photo as a multipart form file.");

    private static DomainException PhotoNotFound() => new(EvidenceErrors.NotFound, "This item has no photo.", DomainErrorKind.NotFound);
}
