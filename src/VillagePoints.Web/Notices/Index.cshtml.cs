using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Notices;

/// <summary>A list of notices and the path each month's page hangs under.</summary>
public sealed record NoticeListView(IReadOnlyList<NoticeListItem> Items, string BasePath);

/// <summary>The village's notices for its members, newest first: the drafts not yet published, then every published month.</summary>
public sealed class NoticeListModel(NoticeBook book) : PageModel
{
    public Village Village { get; private set; } = null!;

    public NoticeListView List { get; private set; } = null!;

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string PublicPath => $"/public/villages/{Uri.EscapeDataString(Village.Code)}/notices";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        List = new NoticeListView(await book.ListAsync(Village.Id, includeDrafts: true, ct), $"{VillagePath}/notices");
        return Page();
    }
}
