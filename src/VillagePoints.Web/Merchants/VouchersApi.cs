using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Merchants;

/// <summary>A new partner merchant. <see cref="AccountPhone"/> names the login (a partner merchant of the village) that honours its vouchers.</summary>
public sealed record CreateMerchantRequest(string? Code, string? Name, string? AccountPhone = null, bool? Active = null);

/// <summary>A merchant's new name, login and active flag; a missing login unlinks it.</summary>
public sealed record UpdateMerchantRequest(string? Name, string? AccountPhone = null, bool? Active = null);

/// <summary>A merchant as the shop sees it; the login's phone is masked like every staff phone shown to the shop.</summary>
public sealed record MerchantResponse(string Code, string Name, bool Active, string? AccountName, string? AccountPhone)
{
    public static MerchantResponse From(MerchantView m) =>
        new(m.Code, m.Name, m.Active, m.AccountName, m.AccountPhone is { } p ? PhoneNumber.Mask(p) : null);
}

/// <summary>
/// Partner merchants (合作商户), honouring their service vouchers (服务券) and their monthly settlements (结算).
/// Who may read a voucher: its merchant, the shop (clerk, chair) and its household's villagers; anyone else gets
/// the 404 of a code that does not exist.
/// </summary>
public static class VouchersApi
{
    public static IServiceCollection AddVouchers(this IServiceCollection services) =>
        services.AddScoped<MerchantDesk>().AddScoped<VoucherDesk>().AddScoped<MerchantSettlements>();

    public static RouteGroupBuilder MapVouchersApi(this RouteGroupBuilder village)
    {
        var merchants = village.MapGroup("/merchants").WithTags("Merchants");
        merchants.MapGet("/", List).RequireVillage(VillagePermission.RunShop)
            .WithSummary("The village's partner merchants, by code, with their linked login (name, masked phone) and whether they are active.");
        merchants.MapPost("/", Create).RequireVillage(VillagePermission.RunShop)
            .WithSummary("The shop adds a partner merchant: code (lower-case letters, digits, dashes), name, and optionally the phone of its login, which must hold the partner merchant role in this village (else merchant.account-not-merchant). Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        merchants.MapPut("/{merchantCode}", Update).RequireVillage(VillagePermission.RunShop)
            .WithSummary("The shop edits a merchant: name, linked login (by phone; absent unlinks) and active flag. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        merchants.MapGet("/{merchantCode}/settlements", Settlement).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("A merchant's settlement for ?month=yyyy-MM (default: this month, village time): honoured vouchers counted at their agreed price in fen, grouped by price, with every line. For the merchant itself, the shop and the funding view's readers.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        merchants.MapGet("/{merchantCode}/settlements.csv", SettlementCsv).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The settlement as CSV: UTF-8 with a byte-order mark, Chinese headers, amounts in yuan; the lines, an empty row, then the summary by price and the total.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        merchants.MapGet("/{merchantCode}/settlements.xlsx", SettlementXlsx).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The settlement as an Excel workbook: a summary sheet (结算汇总) and a sheet of honoured vouchers (核销明细).")
            .Produces(StatusCodes.Status200OK, contentType: SettlementExport.XlsxContentType)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        var vouchers = village.MapGroup("").WithTags("Vouchers");
        vouchers.MapGet("/vouchers/{code}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("One voucher by its code (any case, with or without dashes): for its merchant, the shop and its household's villagers; 404 for anyone else.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        vouchers.MapPost("/vouchers/{code}/honour", Honour).RequireVillage(VillagePermission.HonourVouchers)
            .WithSummary("The voucher's own merchant honours it, once, on or before its last valid day. Refused: voucher.not-found (404, also for another village's), voucher.other-merchant (403), voucher.expired, voucher.cancelled and voucher.already-honoured with honouredAt (409). Accepts Idempotency-Key: a retry answers the first honour.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        vouchers.MapGet("/households/{householdNo:int}/vouchers", ForHousehold).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("A household's vouchers, newest first: for its own villagers and the shop.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return village;
    }

    public static async Task<Ok<List<MerchantResponse>>> List(HttpContext http, MerchantDesk desk, CancellationToken ct) =>
        TypedResults.Ok((await desk.ListAsync(http.Grant().Village.Id, ct)).Select(MerchantResponse.From).ToList());

    public static async Task<Created<MerchantResponse>> Create(HttpContext http, MerchantDesk desk, CreateMerchantRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var account = await AccountAsync(desk, grant, request.AccountPhone, ct);
        var merchant = await desk.CreateAsync(new CreateMerchant(grant.Village.Id, request.Code, request.Name, account, request.Active ?? true,
            grant.UserId, idempotencyKey), ct);
        return TypedResults.Created($"/api/v1/villages/{Uri.EscapeDataString(grant.Village.Code)}/merchants/{Uri.EscapeDataString(merchant.Code)}",
            MerchantResponse.From(merchant));
    }

    public static async Task<Ok<MerchantResponse>> Update(HttpContext http, MerchantDesk desk, string merchantCode, UpdateMerchantRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        if (await desk.FindAsync(grant.Village.Id, merchantCode, ct) is null)
            throw MerchantDesk.MerchantNotFound();
        var account = await AccountAsync(desk, grant, request.AccountPhone, ct);
        var merchant = await desk.UpdateAsync(new UpdateMerchant(grant.Village.Id, merchantCode, request.Name, account, request.Active ?? true,
            grant.UserId, idempotencyKey), ct);
        return TypedResults.Ok(MerchantResponse.From(merchant));
    }

    public static async Task<Ok<MerchantSettlement>> Settlement(HttpContext http, MerchantDesk desk, MerchantSettlements settlements, TimeProvider time,
        string merchantCode, [FromQuery] string? month, CancellationToken ct) =>
        TypedResults.Ok(await SettlementOfAsync(http, desk, settlements, time, merchantCode, month, ct));

    public static async Task<FileContentHttpResult> SettlementCsv(HttpContext http, MerchantDesk desk, MerchantSettlements settlements, TimeProvider time,
        string merchantCode, [FromQuery] string? month, CancellationToken ct)
    {
        var settlement = await SettlementOfAsync(http, desk, settlements, time, merchantCode, month, ct);
        return TypedResults.File(SettlementExport.Csv(settlement), SettlementExport.CsvContentType, SettlementExport.FileName(settlement, "csv"));
    }

    public static async Task<FileContentHttpResult> SettlementXlsx(HttpContext http, MerchantDesk desk, MerchantSettlements settlements, TimeProvider time,
        string merchantCode, [FromQuery] string? month, CancellationToken ct)
    {
        var settlement = await SettlementOfAsync(http, desk, settlements, time, merchantCode, month, ct);
        return TypedResults.File(SettlementExport.Xlsx(settlement), SettlementExport.XlsxContentType, SettlementExport.FileName(settlement, "xlsx"));
    }

    public static async Task<Ok<VoucherView>> Get(HttpContext http, VoucherDesk desk, string code, CancellationToken ct)
    {
        var grant = http.Grant();
        var found = await desk.FindWithPartiesAsync(grant.Village.Id, code, ct);
        if (found is not { } f || !(grant.Has(VillagePermission.RunShop) || f.MerchantAccountId == grant.UserId || grant.OwnHouseholds.Contains(f.HouseholdId)))
            throw VoucherNotFound();
        return TypedResults.Ok(f.View);
    }

    public static async Task<Results<Ok<VoucherView>, ProblemHttpResult>> Honour(HttpContext http, VoucherDesk desk, IStringLocalizer<SharedResource> text,
        string code, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        try
        {
            return TypedResults.Ok(await desk.HonourAsync(new HonourVoucher(grant.Village.Id, code, grant.UserId, idempotencyKey), ct));
        }
        catch (VoucherAlreadyHonouredException ex)
        {
            // The one refusal that carries a fact the merchant needs: when it was honoured.
            return TypedResults.Problem(
                detail: text[VoucherDesk.AlreadyHonoured + ".at", VillageTime(ex.HonouredAt)].Value,
                statusCode: StatusCodes.Status409Conflict,
                title: text["problem.409"].ResourceNotFound ? "Conflict" : text["problem.409"].Value,
                type: $"urn:villagepoints:problem:{ex.Code}",
                extensions: new Dictionary<string, object?> { ["code"] = ex.Code, ["honouredAt"] = ex.HonouredAt });
        }
    }

    public static async Task<Ok<List<VoucherView>>> ForHousehold(HttpContext http, VoucherDesk desk, VillagePointsDb db, int householdNo,
        CancellationToken ct)
    {
        var grant = http.Grant();
        var householdId = await db.Households.AsNoTracking().Where(h => h.VillageId == grant.Village.Id && h.Number == householdNo)
            .Select(h => (Guid?)h.Id).SingleOrDefaultAsync(ct);
        if (householdId is not { } id || !(grant.Has(VillagePermission.RunShop) || grant.OwnHouseholds.Contains(id)))
            throw new DomainException("household.not-found", "No such household, or it is not yours to see.", DomainErrorKind.NotFound);
        return TypedResults.Ok(await desk.ForHouseholdAsync(grant.Village.Id, id, ct));
    }

    /// <summary>The honour time as the merchant's clock shows it.</summary>
    public static string VillageTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, BusinessCalendar.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The month asked for, or this month in village time.</summary>
    public static int MonthOrThis(string? month, TimeProvider time) =>
        month is null ? VoucherDesk.MonthOf(time.GetUtcNow()) : SettlementMonths.Parse(month);

    /// <summary>A merchant's settlement, for the merchant's own login, the shop and the funding view's readers; 404 for anyone else.</summary>
    private static async Task<MerchantSettlement> SettlementOfAsync(HttpContext http, MerchantDesk desk, MerchantSettlements settlements, TimeProvider time,
        string merchantCode, string? month, CancellationToken ct)
    {
        var grant = http.Grant();
        var merchant = await desk.FindAsync(grant.Village.Id, merchantCode, ct);
        if (merchant is null || !(grant.Has(VillagePermission.RunShop) || grant.Has(VillagePermission.ReadShopFunding) || merchant.AccountId == grant.UserId))
            throw MerchantDesk.MerchantNotFound();
        return await settlements.ForMerchantAsync(grant.Village.Id, merchant, MonthOrThis(month, time), ct);
    }

    private static async Task<Guid?> AccountAsync(MerchantDesk desk, VillageGrant grant, string? phone, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(phone) ? null : await desk.AccountByPhoneAsync(grant.Village.Id, phone, ct);

    private static DomainException VoucherNotFound() => new(VoucherDesk.NotFound, "No voucher has this code.", DomainErrorKind.NotFound);
}
