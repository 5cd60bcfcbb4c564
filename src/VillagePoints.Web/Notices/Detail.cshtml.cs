using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.Notices;

/// <summary>
/// A month's notice for the village's members: the draft while the committee previews it, then the published notice.
/// A villager finds their own household first and, while the window is open, objects to any entry with one tap; the
/// committee publishes a past month's draft here and may close an open window early.
/// </summary>
public sealed class NoticeDetailModel(NoticeBook book, NoticeDesk desk, VillagePointsDb db, TimeProvider time,
    IStringLocalizer<SharedResource> text) : PageModel
{
    public Village Village { get; private set; } = null!;

    /// <summary>The month as written in the address, for the crumbs even when it is not a month.</summary>
    public string MonthText { get; private set; } = "";

    public NoticeSheet? Sheet { get; private set; }

    /// <summary>A refused action or an unreadable month, shown at the top.</summary>
    public string? Problem { get; private set; }

    public string? Done { get; private set; }

    public bool CanPublish { get; private set; }

    public bool CanClose { get; private set; }

    /// <summary>Where a notice published now would stop taking objections.</summary>
    public DateOnly WindowLastDayIfPublishedNow { get; private set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty(SupportsGet = true, Name = "late")]
    public string? Late { get; set; }

    /// <summary>One per form shown, so a double tap on Publish publishes once and answers the same.</summary>
    [BindProperty]
    public string FormKey { get; set; } = Guid.NewGuid().ToString("N");

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";
    public string NoticesPath => $"{VillagePath}/notices";
    public string NoticePath => $"{NoticesPath}/{Uri.EscapeDataString(MonthText)}";

    public async Task<IActionResult> OnGetAsync(string month, [FromQuery] string? done, CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        MonthText = month;
        await LoadAsync(ct);
        if (Sheet is not null)
        {
            Done = done switch
            {
                "published" when Sheet.Document.WindowClosesAt is { } c => text["Notices.PublishedDone", text.Date(NoticeText.LastDay(c))].Value,
                "closed" => text["Notices.ClosedDone"].Value,
                _ => null,
            };
        }
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(string month, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        if (!grant.Has(VillagePermission.PublishNotices))
            return Forbid();
        Village = grant.Village;
        MonthText = month;
        try
        {
            await desk.PublishAsync(new PublishNotice(Village.Id, NoticeMonth.Parse(month), grant.UserId, Key("publish")), ct);
            return Redirect($"{NoticePath}?done=published");
        }
        catch (DomainException ex)
        {
            return await RefusedAsync(ex, ct);
        }
    }

    public async Task<IActionResult> OnPostCloseAsync(string month, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        if (!grant.Has(VillagePermission.PublishNotices))
            return Forbid();
        Village = grant.Village;
        MonthText = month;
        try
        {
            await desk.CloseAsync(new CloseNotice(Village.Id, NoticeMonth.Parse(month), grant.UserId), ct);
            return Redirect($"{NoticePath}?done=closed");
        }
        catch (DomainException ex)
        {
            return await RefusedAsync(ex, ct);
        }
    }

    /// <summary>The page again, as it stands now, with the refusal at the top.</summary>
    private async Task<IActionResult> RefusedAsync(DomainException ex, CancellationToken ct)
    {
        await LoadAsync(ct);
        Problem = NoticeText.Problem(text, ex);
        Response.StatusCode = NoticeText.StatusFor(ex);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        NoticeDocument doc;
        int month;
        try
        {
            month = NoticeMonth.Parse(MonthText);
            doc = await book.ReadAsync(Village.Id, month, ct);
        }
        catch (DomainException ex)
        {
            Problem = NoticeText.Problem(text, ex);
            Response.StatusCode = NoticeText.StatusFor(ex);
            return;
        }

        var now = time.GetUtcNow();
        var today = BusinessCalendar.Today(time);
        var own = grant.OwnHouseholds.Count == 0
            ? []
            : (await db.Households.AsNoTracking().Where(h => h.VillageId == Village.Id && grant.OwnHouseholds.Contains(h.Id))
                .Select(h => h.Number).ToListAsync(ct)).ToHashSet();
        var windowOpen = doc.State == NoticeDocument.Published && doc.WindowClosesAt is { } closes && now < closes;
        var code = Uri.EscapeDataString(Village.Code);
        var publicPath = $"/public/villages/{code}/notices/{MonthText}";
        CanPublish = grant.Has(VillagePermission.PublishNotices) && doc.State == NoticeDocument.Draft && month < NoticeMonth.Of(today);
        CanClose = grant.Has(VillagePermission.PublishNotices) && doc.State == NoticeDocument.Published;
        WindowLastDayIfPublishedNow = NoticeText.LastDay(NoticeDesk.WindowClosesAt(now, doc.PublicityWindowDays));
        Sheet = new NoticeSheet(doc, own,
            EntriesPath: windowOpen && own.Count > 0 ? $"{VillagePath}/entries" : null,
            VerificationUrl: NoticeText.VerificationUrl(Request, Village.Code, doc.ChainHead),
            PdfPath: $"/api/v1/villages/{code}/notices/{MonthText}.pdf",
            PrintPath: doc.State == NoticeDocument.Draft ? null : $"{publicPath}/print",
            ObjectionsPath: grant.Has(VillagePermission.DecideObjections) ? $"{VillagePath}/objections" : null,
            SearchPath: NoticePath,
            Query: Query,
            RuleNamesEn: await NoticeText.RuleNamesAsync(db, Village.Id, ct),
            AllLate: Late == "all");
    }

    private string? Key(string action) => FormKey is { Length: > 0 and <= 64 } && FormKey.All(char.IsAsciiLetterOrDigit)
        ? string.Create(CultureInfo.InvariantCulture, $"ui-notice-{action}-{FormKey}")
        : null;
}
