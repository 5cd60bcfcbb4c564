using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Activities;

/// <summary>
/// The check-in poster, printed on A4 and put up where the activity is held. Its QR code holds the check-in link with
/// the activity's secret, so only those who run the activity can open it.
/// </summary>
public sealed class ActivityPosterModel(ActivityQueries queries, ActivityDesk desk) : PageModel
{
    public Village Village { get; private set; } = null!;
    public ActivityView View { get; private set; } = null!;

    public string ActivityPath => ActivityQueries.ActivityPath(Village.Code, View.Number);

    public async Task<IActionResult> OnGetAsync(long number, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        var activity = await desk.GetAsync(Village.Id, number, ct);
        if (activity is null)
            return NotFound();
        if (!ActivityQueries.Runs(grant, activity))
            return Forbid();
        View = await queries.ViewAsync(grant, activity, ActivityQueries.BaseUrl(Request), withRoster: false, ct);
        if (View.CheckInUrl is null)
            return Redirect(ActivityPath);
        return Page();
    }
}
