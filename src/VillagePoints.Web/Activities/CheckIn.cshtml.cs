using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Activities;

/// <summary>
/// Where the poster's QR code leads. A signed-in villager checks in a member of their household with one tap; the
/// link's secret proves they stood in front of the poster. Anything that stops them is said plainly on the page.
/// </summary>
public sealed class ActivityCheckInModel(ActivityDesk desk, ActivityQueries queries, TimeProvider time, IStringLocalizer<SharedResource> text)
    : PageModel
{
    public Village Village { get; private set; } = null!;
    public ActivityView View { get; private set; } = null!;
    public IReadOnlyList<HouseholdMember> Members { get; private set; } = [];

    /// <summary>Why no one can check in from here, when that is so: the link, the day, the state, the capacity, the role.</summary>
    public string? Blocked { get; private set; }
    public string? Error { get; private set; }
    public string? Done { get; private set; }

    [BindProperty(SupportsGet = true, Name = "t")] public string? Token { get; set; }
    [BindProperty] public Guid? PersonId { get; set; }
    [BindProperty] public string FormKey { get; set; } = Guid.NewGuid().ToString("N");

    public string ActivityPath => ActivityQueries.ActivityPath(Village.Code, View.Number);
    public string CheckInPath => ActivityQueries.CheckInPath(Village.Code, View.Number);

    public async Task<IActionResult> OnGetAsync(long number, [FromQuery] string? done, CancellationToken ct)
    {
        if (!await LoadAsync(number, ct))
            return NotFound();
        if (done is not null && Members.FirstOrDefault(m => m.CheckedIn && m.PersonId.ToString("N") == done) is { } who)
            Done = text["CheckIn.Done", who.Name].Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long number, CancellationToken ct)
    {
        if (!await LoadAsync(number, ct))
            return NotFound();
        try
        {
            var grant = HttpContext.Grant();
            await desk.CheckInAsync(new CheckIn(Village.Id, number, grant.UserId, PersonId: PersonId, Token: Token ?? "",
                IdempotencyKey: ActivityPageText.Key(FormKey, "check-in-" + PersonId?.ToString("N"))), ct);
            return Redirect($"{CheckInPath}?t={Uri.EscapeDataString(Token ?? "")}&done={PersonId:N}");
        }
        catch (DomainException ex)
        {
            Error = ActivityPageText.Error(text, ex).Message;
            await LoadAsync(number, ct);
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
        View = await queries.ViewAsync(grant, activity, null, withRoster: false, ct);
        var today = BusinessCalendar.Today(time);
        var own = grant.OwnHouseholds.ToList();
        var tokenOk = Token is not null && ActivityDesk.TokenMatches(activity.CheckInToken, Token);
        Blocked = !tokenOk ? text["activity.token-invalid"].Value
            : activity.State == ActivityState.Cancelled ? text["activity.cancelled"].Value
            : activity.State == ActivityState.Confirmed ? text["activity.already-confirmed"].Value
            : today < activity.HeldOn ? text["activity.check-in-not-yet"].Value
            : !ActivityDesk.SelfScanOpen(activity.HeldOn, today) ? text["activity.check-in-closed"].Value
            : own.Count == 0 ? text["CheckIn.VillagersOnly"].Value
            : activity.AttendeeCount >= activity.Capacity ? text["activity.full"].Value
            : null;
        // The household's members are shown only to someone holding the poster's link, and only their own.
        Members = tokenOk && own.Count > 0 ? await MembersAsync(activity, own, ct) : [];
        return true;
    }

    private async Task<List<HouseholdMember>> MembersAsync(Activity activity, List<Guid> households, CancellationToken ct)
    {
        var members = new List<HouseholdMember>();
        foreach (var h in households)
            members.AddRange(await desk.MembersAsync(Village.Id, activity.Id, h, ct));
        return members;
    }
}
