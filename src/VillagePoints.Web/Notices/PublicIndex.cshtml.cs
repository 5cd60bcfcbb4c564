using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;

namespace VillagePoints.Web.Notices;

/// <summary>A village's published notices for anyone, no sign-in: what the board outside the village office shows.</summary>
[AllowAnonymous]
public sealed class PublicNoticeListModel(VillagePointsDb db, NoticeBook book) : PageModel
{
    public string? VillageName { get; private set; }

    public NoticeListView? List { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        var village = code.Length > 40 ? null
            : await db.Villages.AsNoTracking().Where(v => v.Code == code).Select(v => new { v.Id, v.Name }).SingleOrDefaultAsync(ct);
        if (village is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        VillageName = village.Name;
        List = new NoticeListView(await book.ListAsync(village.Id, includeDrafts: false, ct),
            $"/public/villages/{Uri.EscapeDataString(code)}/notices");
        return Page();
    }
}
