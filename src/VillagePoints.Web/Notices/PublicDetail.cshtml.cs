using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;

namespace VillagePoints.Web.Notices;

/// <summary>
/// A published notice for anyone, no sign-in: the same sheet as the members', with names masked when the village says
/// so, no objection links and no PDF. A draft is not public: it answers as a month with no notice.
/// </summary>
[AllowAnonymous]
public sealed class PublicNoticeModel(NoticeBook book, VillagePointsDb db, IStringLocalizer<SharedResource> text) : PageModel
{
    public string Code { get; private set; } = "";

    public string MonthText { get; private set; } = "";

    public NoticeSheet? Sheet { get; private set; }

    public string? Problem { get; private set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty(SupportsGet = true, Name = "late")]
    public string? Late { get; set; }

    public string ListPath => $"/public/villages/{Uri.EscapeDataString(Code)}/notices";

    public async Task<IActionResult> OnGetAsync(string code, string month, CancellationToken ct)
    {
        Code = code;
        MonthText = month;
        var (doc, problem, status) = await NoticeText.ReadPublicAsync(book, text, code, month, ct);
        if (doc is null)
        {
            Problem = problem;
            Response.StatusCode = status;
            return Page();
        }
        var villageId = await db.Villages.AsNoTracking().Where(v => v.Code == code).Select(v => v.Id).SingleAsync(ct);
        var path = $"{ListPath}/{Uri.EscapeDataString(month)}";
        Sheet = new NoticeSheet(doc, new HashSet<int>(), EntriesPath: null,
            VerificationUrl: NoticeText.VerificationUrl(Request, code, doc.ChainHead),
            PdfPath: null, PrintPath: $"{path}/print", ObjectionsPath: null, SearchPath: path, Query: Query,
            RuleNamesEn: await NoticeText.RuleNamesAsync(db, villageId, ct),
            AllLate: Late == "all");
        return Page();
    }
}
