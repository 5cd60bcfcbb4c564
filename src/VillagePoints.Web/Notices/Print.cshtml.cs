using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core.Notices;

namespace VillagePoints.Web.Notices;

/// <summary>
/// A published notice laid out for the village board in large type, on A4 or A3 (<c>?paper=a3</c>): the browser's print
/// dialog does the rest. Public like the notice itself, with names masked as the village says.
/// </summary>
[AllowAnonymous]
public sealed class NoticePrintModel(NoticeBook book, IStringLocalizer<SharedResource> text) : PageModel
{
    public string Code { get; private set; } = "";

    public NoticePrintView? View { get; private set; }

    public string? Problem { get; private set; }

    public string NoticePath => $"/public/villages/{Uri.EscapeDataString(Code)}/notices";

    public async Task<IActionResult> OnGetAsync(string code, string month, string? paper, CancellationToken ct)
    {
        Code = code;
        var (doc, problem, status) = await NoticeText.ReadPublicAsync(book, text, code, month, ct);
        if (doc is null)
        {
            Problem = problem;
            Response.StatusCode = status;
            return Page();
        }
        View = new NoticePrintView(doc, NoticePrintView.PaperFrom(paper), NoticeText.VerificationUrl(Request, code, doc.ChainHead));
        return Page();
    }
}
