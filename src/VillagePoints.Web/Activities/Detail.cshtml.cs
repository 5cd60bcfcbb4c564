using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Activities;

/// <summary>
/// One activity. Everyone in the village reads what, when and where; its organiser and the committee also keep the
/// roster here (find a household, tick its members), print the poster, confirm attendance or cancel it.
/// </summary>
public sealed class ActivityDetailModel(ActivityQueries queries, ActivityDesk desk, IStringLocalizer<SharedResource> text) : PageModel
{
    public Village Village { get; private set; } = null!;
    public Activity Activity { get; private set; } = null!;
    public ActivityView View { get; private set; } = null!;
    public bool Runs { get; private set; }
    public IReadOnlyList<RosterCandidate> Candidates { get; private set; } = [];
    public List<ActivityFormError> Errors { get; } = [];
    public string? Done { get; private set; }

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty] public Guid? PersonId { get; set; }
    [BindProperty] public int? HouseholdNo { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string FormKey { get; set; } = Guid.NewGuid().ToString("N");

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";
    public string ActivityPath => ActivityQueries.ActivityPath(Village.Code, Activity.Number);

    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    public async Task<IActionResult> OnGetAsync(long number, [FromQuery] string? created, [FromQuery] string? done, CancellationToken ct)
    {
        if (!await LoadAsync(number, ct))
            return NotFound();
        Done = created is not null ? text["Activity.Created"].Value
            : done is "confirmed" ? text["Activity.ConfirmedDone"].Value
            : done is "cancelled" ? text["Activity.CancelledDone"].Value
            : done is "ticked" ? text["Activity.TickedDone"].Value
            : null;
        if (Runs && !string.IsNullOrWhiteSpace(Q))
            Candidates = await queries.FindPeopleAsync(Village.Id, Activity.Id, Q, 30, ct);
        return Page();
    }

    public Task<IActionResult> OnPostTickAsync(long number, CancellationToken ct) => RunAsync(number, "roster-query", async grant =>
    {
        await desk.CheckInAsync(new CheckIn(Village.Id, number, grant.UserId, HouseholdNo, PersonId,
            IdempotencyKey: ActivityPageText.Key(FormKey, "tick-" + PersonId?.ToString("N"))), ct);
        return Redirect($"{ActivityPath}?done=ticked&q={Uri.EscapeDataString(Q ?? "")}#roster");
    }, ct);

    public Task<IActionResult> OnPostRemoveAsync(long number, CancellationToken ct) => RunAsync(number, "roster", async grant =>
    {
        await desk.RemoveCheckInAsync(new RemoveCheckIn(Village.Id, number, grant.UserId, PersonId ?? Guid.Empty,
            ActivityPageText.Key(FormKey, "untick-" + PersonId?.ToString("N"))), ct);
        return Redirect($"{ActivityPath}#roster");
    }, ct);

    public Task<IActionResult> OnPostConfirmAsync(long number, CancellationToken ct) => RunAsync(number, "confirm", async grant =>
    {
        await desk.ConfirmAsync(new ConfirmAttendance(Village.Id, number, grant.UserId, ActivityPageText.Key(FormKey, "confirm")), ct);
        return Redirect($"{ActivityPath}?done=confirmed");
    }, ct);

    public Task<IActionResult> OnPostCancelAsync(long number, CancellationToken ct) => RunAsync(number, "cancel-reason", async grant =>
    {
        await desk.CancelAsync(new CancelActivity(Village.Id, number, grant.UserId, Reason, ActivityPageText.Key(FormKey, "cancel")), ct);
        return Redirect($"{ActivityPath}?done=cancelled");
    }, ct);

    /// <summary>Loads the page, refuses whoever does not run the activity, and shows a refused change beside its form.</summary>
    private async Task<IActionResult> RunAsync(long number, string field, Func<VillageGrant, Task<IActionResult>> change, CancellationToken ct)
    {
        if (!await LoadAsync(number, ct))
            return NotFound();
        if (!Runs)
            return Forbid();
        try
        {
            return await change(HttpContext.Grant());
        }
        catch (DomainException ex)
        {
            Errors.Add(ActivityPageText.Error(text, ex, ActivityPageText.FieldFor(ex.Code) ?? field));
            await LoadAsync(number, ct);
            if (!string.IsNullOrWhiteSpace(Q))
                Candidates = await queries.FindPeopleAsync(Village.Id, Activity.Id, Q, 30, ct);
            return Page();
        }
    }

    private async Task<bool> LoadAsync(long number, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        var activity = await desk.GetAsync(Village.Id, number, ct);
        if (activity is null)
            return false;
        Activity = activity;
        Runs = ActivityQueries.Runs(grant, activity);
        View = await queries.ViewAsync(grant, activity, ActivityQueries.BaseUrl(Request), withRoster: true, ct);
        return true;
    }
}
