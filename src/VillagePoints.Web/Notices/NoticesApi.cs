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
    public static RouteGroupBuilder MapPublicNoticesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/public/villages/{villageCode}/notices").WithTags("Notices").AllowAnonymous()
            .RequireRateLimiting(PublicReadRateLimitPolicy.Name);
        group.MapGet("/", PublicList)
            .WithSummary("Public, no login: the village's published and closed notices, newest first.");
        group.MapGet("/{month}", PublicGet)
            .WithSummary("Public, no login: a published notice, with names masked (黄*敏) when the village says so; never a phone or ID number.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
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
            NoticePdfRows.Write(new NoticePdf(folder), doc, output);
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

/// <summary>
/// Lays a notice document out as the title and rows the PDF writer takes: the summary, each household with its
/// month's entries, late entries, the red and black list, objections, and the chain head to verify.
/// </summary>
public static class NoticePdfRows
{
    public static void Write(NoticePdf pdf, NoticeDocument doc, Stream output)
    {
        var (title, rows) = Lay(doc);
        pdf.Write(title, rows, output);
    }

    public static (string Title, List<string> Rows) Lay(NoticeDocument doc)
    {
        var c = CultureInfo.InvariantCulture;
        var (year, month) = (doc.Month[..4], int.Parse(doc.Month[5..], c));
        var title = $"{doc.VillageName}{year}年{month}月积分公示";
        var s = doc.Summary;
        var rows = new List<string>
        {
            string.Create(c, $"发放 {s.PointsIssued} 分，扣减 {s.PointsDeducted} 分，兑换 {s.PointsRedeemed} 分；参与 {s.ParticipatingHouseholds} 户，志愿服务 {s.VolunteerPersonTimes} 人次"),
        };
        if (doc.WindowClosesAt is { } closes)
            rows.Add(string.Create(c, $"公示期至 {TimeZoneInfo.ConvertTime(closes, BusinessCalendar.Zone):yyyy-MM-dd HH:mm}，如有异议请向村评分管理委员会提出"));
        rows.Add("");
        foreach (var h in doc.Households)
        {
            rows.Add(string.Create(c, $"{h.Number:0000} {h.Name}（{h.GroupName}） 本月 {Signed(h.MonthTotal)} 累计 {h.Cumulative} 全村第 {h.VillageRank} 名 组内第 {h.GroupRank} 名"));
            foreach (var e in h.Entries)
                rows.Add(Line(e));
        }
        if (doc.Late.Count > 0)
        {
            rows.Add("");
            rows.Add("补录的以往月份积分");
            rows.AddRange(doc.Late.Select(e => string.Create(c, $"{e.HouseholdNumber:0000} {e.HouseholdName}") + Line(e)));
        }
        if (doc.Boards is { } boards)
        {
            rows.Add("");
            rows.Add("红榜：" + string.Join("、", boards.Red.Select(r => string.Create(c, $"{r.Name} {r.Points}"))));
            rows.Add("黑榜：" + string.Join("、", boards.Black.Select(r => string.Create(c, $"{r.Name} {r.Points}"))));
        }
        if (doc.Objections.Count > 0)
        {
            rows.Add("");
            rows.Add("异议及处理");
            rows.AddRange(doc.Objections.Select(o => string.Create(c,
                $"异议 #{o.Number} 流水 #{o.EntryNumber} {o.HouseholdName}：{o.Reason}（{o.State}）{(o.Decision is null ? "" : "处理意见：" + o.Decision)}")));
        }
        rows.Add("");
        rows.Add(string.Create(c, $"链头 {doc.ChainHead.Printed}"));
        return (title, rows);
    }

    private static string Line(NoticeLine e) => string.Create(CultureInfo.InvariantCulture,
        $"  #{e.Number} {e.OccurredOn:yyyy-MM-dd} {Signed(e.Amount)} {e.RuleName ?? e.Kind} {e.Reason}");

    private static string Signed(long n) => n > 0 ? "+" + n.ToString(CultureInfo.InvariantCulture) : n.ToString(CultureInfo.InvariantCulture);
}
