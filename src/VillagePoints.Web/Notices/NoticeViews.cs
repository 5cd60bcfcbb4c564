using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;
using VillagePoints.Web.Hosting;
using VillagePoints.Web.Ledger;
using VillagePoints.Web.Rules;

namespace VillagePoints.Web.Notices;

/// <summary>
/// One notice as a page shows it: the document plus what the reader may do with it. The member page and the public
/// page render the same sheet; only what is switched on here differs (the reader's own household, objection links,
/// the PDF, which only members fetch).
/// </summary>
/// <param name="Own">The reader's own household numbers, shown first and marked 我家.</param>
/// <param name="EntriesPath">Set while a villager may object: each entry links to <c>{EntriesPath}/{n}/objection</c>.</param>
/// <param name="VerificationUrl">The absolute public verification address the chain head's QR code holds.</param>
/// <param name="PdfPath">The PDF for members; null on the public page.</param>
/// <param name="PrintPath">The print layout, without its paper size; null for a draft, which is not public.</param>
/// <param name="ObjectionsPath">The committee's objection pages; null for anyone else.</param>
/// <param name="SearchPath">The page itself, which the household search form submits to.</param>
/// <param name="RuleNamesEn">English rule names by rule code, when the reader reads English.</param>
/// <param name="AllLate">List every late entry; otherwise the first <see cref="LateShown"/>, with a link to the rest.</param>
public sealed record NoticeSheet(
    NoticeDocument Document,
    IReadOnlySet<int> Own,
    string? EntriesPath,
    string VerificationUrl,
    string? PdfPath,
    string? PrintPath,
    string? ObjectionsPath,
    string SearchPath,
    string? Query,
    IReadOnlyDictionary<string, string>? RuleNamesEn,
    bool AllLate = false)
{
    /// <summary>
    /// Late entries shown before asking: a village's first notice lists its whole history as late, tens of thousands
    /// of lines that would make the page too heavy for a phone.
    /// </summary>
    public const int LateShown = 100;

    public IReadOnlyList<NoticeLine> Late() => AllLate || Document.Late.Count <= LateShown ? Document.Late : Document.Late.Take(LateShown).ToList();

    /// <summary>The longest household search the form accepts.</summary>
    public const int MaxQueryLength = 40;

    public string? CleanQuery => string.IsNullOrWhiteSpace(Query) ? null : Query.Trim() is var q && q.Length > MaxQueryLength ? q[..MaxQueryLength] : q;

    /// <summary>The reader's own households first, then the rest in number order; only matches when searching.</summary>
    public IReadOnlyList<NoticeHousehold> Households()
    {
        var query = CleanQuery;
        IEnumerable<NoticeHousehold> shown = Document.Households;
        if (query is not null)
        {
            var number = int.TryParse(query, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
            shown = shown.Where(h => h.Number == number || h.Name.Contains(query, StringComparison.Ordinal));
        }
        return shown.OrderBy(h => Own.Contains(h.Number) ? 0 : 1).ThenBy(h => h.Number).ToList();
    }

    public string RuleName(NoticeLine line) =>
        line.RuleCode is { } code && RuleNamesEn is not null && RuleNamesEn.TryGetValue(code, out var en) ? en : line.RuleName ?? "";

    public string? ObjectionLink(NoticeLine line) =>
        EntriesPath is null ? null : string.Create(CultureInfo.InvariantCulture, $"{EntriesPath}/{line.Number}/objection");
}

/// <summary>How notices read on the pages: titles, states and dates in the reader's language.</summary>
public static class NoticeText
{
    public static string Title(IStringLocalizer text, string month)
    {
        var first = NoticeMonth.FirstDay(NoticeMonth.Parse(month));
        return text["Notices.MonthTitle", first.Year, first.Month, first.ToString("MMMM yyyy", CultureInfo.GetCultureInfo("en-US"))];
    }

    public static string Date(IStringLocalizer text, DateTimeOffset instant) => text.Date(BusinessCalendar.DateOf(instant));

    /// <summary>The last day objections are taken: the window closes at the start of the following day, village time.</summary>
    public static DateOnly LastDay(DateTimeOffset closesAt) => BusinessCalendar.DateOf(closesAt.AddTicks(-1));

    /// <summary>草稿, 公示中（至 …）or 已结束, as one phrase.</summary>
    public static string State(IStringLocalizer text, string state, DateTimeOffset? closesAt, DateTimeOffset? closedAt) => state switch
    {
        NoticeDocument.Published when closesAt is { } c => text["Notices.OpenUntil", text.Date(LastDay(c))],
        NoticeDocument.Closed when closedAt is { } c => text["Notices.ClosedOn", Date(text, c)],
        _ => text.Named("Notices.State.", state),
    };

    /// <summary>The channel word: a claim channel, else where the entry came from.</summary>
    public static string Channel(IStringLocalizer text, string channel)
    {
        var word = text["Channel." + channel];
        return word.ResourceNotFound ? text.Named("Source.", channel) : word.Value;
    }

    public static string ObjectionState(IStringLocalizer text, string state) => text.Named("Notices.Objection.", state);

    /// <summary>A domain problem in the reader's language: its code's own wording, else the page's, else the English message.</summary>
    public static string Problem(IStringLocalizer text, DomainException ex)
    {
        var own = text[ex.Code];
        if (!own.ResourceNotFound)
            return own.Value;
        var page = text["Notices.Err." + ex.Code];
        return page.ResourceNotFound ? ex.Message : page.Value;
    }

    /// <summary>A published notice for a public page, or what to answer instead: the message in the reader's language and its status.</summary>
    public static async Task<(NoticeDocument? Doc, string? Problem, int Status)> ReadPublicAsync(NoticeBook book, IStringLocalizer text,
        string code, string month, CancellationToken ct)
    {
        try
        {
            // No village code is that long; answer as for any unknown village without asking the database.
            if ((code.Length > 40 ? null : await book.ReadPublicAsync(code, month, ct)) is { } doc)
                return (doc, null, StatusCodes.Status200OK);
            return (null, text["Notices.NotPublic"].Value, StatusCodes.Status404NotFound);
        }
        catch (DomainException ex)
        {
            return (null, Problem(text, ex), StatusFor(ex));
        }
    }

    /// <summary>A malformed month in the address is a bad request; anything else answers as the API would.</summary>
    public static int StatusFor(DomainException ex) =>
        ex.Code == "notice.month-invalid" ? StatusCodes.Status400BadRequest : ProblemMapping.StatusFor(ex.Kind);

    public static string VerificationUrl(HttpRequest request, string villageCode, NoticeChainHead head) =>
        NoticesApi.PublicBase(request.HttpContext, request.HttpContext.RequestServices.GetRequiredService<IConfiguration>())
        + PublicVerification.PathFor(villageCode, head);

    /// <summary>English rule names by code, read only when the page is in English (the notice keeps the Chinese name).</summary>
    public static async Task<IReadOnlyDictionary<string, string>?> RuleNamesAsync(VillagePointsDb db, Guid villageId, CancellationToken ct) =>
        RuleQueries.English
            ? await db.Rules.AsNoTracking().Where(r => r.VillageId == villageId).ToDictionaryAsync(r => r.Code, r => r.NameEn, ct)
            : null;
}
