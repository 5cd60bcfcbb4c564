using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Notices;

/// <summary>What closing a notice's window did.</summary>
/// <param name="MadeEffective">Entries that became effective.</param>
/// <param name="HeldByObjections">Entries that stay publicised until their open objection is decided.</param>
public sealed record NoticeClosingView(string Month, string State, DateTimeOffset ClosedAt, int MadeEffective, int HeldByObjections);

/// <summary>
/// The monthly notice (月度积分公示): for the village's own people (drafts included, full names), the committee's
/// publishing and closing, the PDF for the board, and a public read of published notices that needs no login.
/// </summary>
public static class NoticesApi
{
    public const string FontFolderKey = "Notices:FontFolder";

    public static RouteGroupBuilder MapNoticesApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("/notices").WithTags("Notices");
        group.MapGet("/", List).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The village's notices, newest first: the months not yet published as drafts, then published and closed ones.");
        // "{month}.pdf" is a complex segment and so outranks the plain "{month}": 2026-10.pdf never reaches the JSON handler.
        group.MapGet("/{month}.pdf", Pdf).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The month's notice as an A4 PDF in large type for the village board; names masked when the village masks them in public.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{month}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The month's notice (yyyy-MM) with full names: the frozen document once published, otherwise the draft as publishing it now would freeze it.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{month}/publication", Publish).RequireVillage(VillagePermission.PublishNotices)
            .WithSummary("Publish the month's notice (the month must be over, and published in month order): its document is frozen and its publicity window opens. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{month}/closing", Close).RequireVillage(VillagePermission.PublishNotices)
            .WithSummary("Close the publicity window by hand, before its time: the notice's entries become effective, except those with an open objection.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return village;
    }

    /// <summary>Anyone, no login: the published and closed notices of a village, names masked as the village says.</summary>
    /// <param name="publicVillage">The anonymous, rate-limited group of one village's public routes (see <see cref="PublicRoutes"/>).</param>
    public static RouteGroupBuilder MapPublicNoticesApi(this RouteGroupBuilder publicVillage)
    {
        var group = publicVillage.MapGroup("/notices").WithTags("Notices");
        group.MapGet("/", PublicList)
            .WithSummary("Public, no login: the village's published and closed notices, newest first.");
        group.MapGet("/{month}", PublicGet)
            .WithSummary("Public, no login: a published notice, with names masked (黄*敏) when the village says so; never a phone or ID number.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return publicVillage;
    }

    public static async Task<Ok<IReadOnlyList<NoticeListItem>>> List(HttpContext http, NoticeBook book, CancellationToken ct) =>
        TypedResults.Ok(await book.ListAsync(http.Grant().Village.Id, includeDrafts: true, ct));

    public static async Task<Ok<NoticeDocument>> Get(HttpContext http, NoticeBook book, string month, CancellationToken ct) =>
        TypedResults.Ok(await book.ReadAsync(http.Grant().Village.Id, NoticeMonth.Parse(month), ct));

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Pdf(HttpContext http, NoticeBook book, IConfiguration configuration,
        IStringLocalizer<SharedResource> text, string month, CancellationToken ct)
    {
        var village = http.Grant().Village;
        var doc = await book.ReadAsync(village.Id, NoticeMonth.Parse(month), ct);
        // The PDF is printed for the board outside the village office, so it follows the public masking rule.
        if (village.Settings.MaskNamesInPublic)
            doc = doc.Masked();
        var folder = configuration[FontFolderKey] is { Length: > 0 } f ? f : CjkFont.DefaultFontFolder;
        try
        {
            using var output = new MemoryStream();
            var verification = PublicBase(http, configuration) + NoticePdf.VerificationPath(doc.VillageCode, doc.ChainHead);
            new NoticePdf(folder).Write(doc, output, PaperFrom(http.Request.Query["paper"]), verification, CultureInfo.CurrentUICulture);
            return TypedResults.File(output.ToArray(), "application/pdf", $"notice-{doc.VillageCode}-{doc.Month}.pdf");
        }
        catch (CjkFontMissingException)
        {
            const string code = "notice.font-missing";
            return TypedResults.Problem(
                detail: text[code, CjkFontMissingException.DebianPackage],
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: text[code + ".title"],
                type: "urn:villagepoints:problem:" + code,
                extensions: new Dictionary<string, object?> { ["code"] = code });
        }
    }

    public const string PublicBaseUrlKey = "Notices:PublicBaseUrl";

    /// <summary>
    /// Where villagers reach the app, for the QR code printed on paper: <c>Notices:PublicBaseUrl</c> when the operator set it
    /// (a printed code must not depend on the Host header of whoever asked), otherwise the address of this request.
    /// </summary>
    public static string PublicBase(HttpContext http, IConfiguration configuration) =>
        configuration[PublicBaseUrlKey] is { Length: > 0 } configured ? configured.TrimEnd('/')
            : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    /// <summary>A4 unless the board is A3 (<c>?paper=a3</c>).</summary>
    public static NoticePaper PaperFrom(string? paper) =>
        string.Equals(paper, "a3", StringComparison.OrdinalIgnoreCase) ? NoticePaper.A3 : NoticePaper.A4;

    public static async Task<Created<NoticeDocument>> Publish(HttpContext http, NoticeDesk desk, string month,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var notice = await desk.PublishAsync(new PublishNotice(grant.Village.Id, NoticeMonth.Parse(month), grant.UserId, idempotencyKey), ct);
        var doc = NoticeBook.Thaw(notice);
        return TypedResults.Created($"/api/v1/villages/{grant.Village.Code}/notices/{doc.Month}", doc);
    }

    public static async Task<Ok<NoticeClosingView>> Close(HttpContext http, NoticeDesk desk, string month, CancellationToken ct)
    {
        var grant = http.Grant();
        // By hand there is always an actor, so a notice closed already is refused rather than answered with null.
        var closing = await desk.CloseAsync(new CloseNotice(grant.Village.Id, NoticeMonth.Parse(month), grant.UserId), ct)
            ?? throw new DomainException("notice.already-closed", "That month's notice is closed already.", DomainErrorKind.Conflict);
        return TypedResults.Ok(new NoticeClosingView(NoticeMonth.Format(closing.Notice.Month), NoticeBook.StateWord(closing.Notice.State),
            closing.Notice.ClosedAt ?? DateTimeOffset.UtcNow, closing.MadeEffective, closing.HeldByObjections));
    }

    public static async Task<Ok<IReadOnlyList<NoticeListItem>>> PublicList(VillagePointsDb db, NoticeBook book, string villageCode, CancellationToken ct)
    {
        var id = await db.Villages.AsNoTracking().Where(v => v.Code == villageCode).Select(v => (Guid?)v.Id).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
        return TypedResults.Ok(await book.ListAsync(id, includeDrafts: false, ct));
    }

    public static async Task<Ok<NoticeDocument>> PublicGet(VillagePointsDb db, NoticeBook book, string villageCode, string month, CancellationToken ct)
    {
        NoticeMonth.Parse(month);
        if (!await db.Villages.AsNoTracking().AnyAsync(v => v.Code == villageCode, ct))
            throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
        return TypedResults.Ok(await book.ReadPublicAsync(villageCode, month, ct)
            ?? throw new DomainException("notice.not-found", "That month's notice has not been published.", DomainErrorKind.NotFound));
    }
}
