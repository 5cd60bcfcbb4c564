using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Activities;

/// <summary>The village's volunteer activities, latest first; the committee creates one here.</summary>
public sealed class ActivitiesIndexModel(ActivityQueries queries, ActivityDesk desk, TimeProvider time, IStringLocalizer<SharedResource> text)
    : PageModel
{
    public Village Village { get; private set; } = null!;
    public IReadOnlyList<ActivityView> Activities { get; private set; } = [];
    public IReadOnlyList<RuleOption> Rules { get; private set; } = [];
    public IReadOnlyList<OrganiserOption> Organisers { get; private set; } = [];
    public bool CanCreate { get; private set; }
    public List<ActivityFormError> Errors { get; } = [];

    [BindProperty] public string? Title { get; set; }
    [BindProperty] public DateOnly? HeldOn { get; set; }
    [BindProperty] public string? Place { get; set; }
    [BindProperty] public string? RuleCode { get; set; }
    [BindProperty] public decimal? Hours { get; set; }
    [BindProperty] public int? Capacity { get; set; }
    [BindProperty] public Guid? OrganiserId { get; set; }
    [BindProperty] public string FormKey { get; set; } = Guid.NewGuid().ToString("N");

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        HeldOn = BusinessCalendar.Today(time);
        Hours = 2;
        Capacity = 30;
        OrganiserId = HttpContext.Grant().UserId;
        RuleCode = Rules.FirstOrDefault(r => r.Code.Contains("volunteer", StringComparison.Ordinal))?.Code ?? Rules.FirstOrDefault()?.Code;
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!CanCreate)
            return Forbid();
        // A value the browser could not turn into a number or a date is named beside its own field.
        foreach (var (key, field, code) in new[]
                 {
                     (nameof(HeldOn), "activity-date", "activity.date-out-of-range"),
                     (nameof(Hours), "activity-hours", "activity.hours-invalid"),
                     (nameof(Capacity), "activity-capacity", "activity.capacity-invalid"),
                 })
        {
            if (ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
                Errors.Add(new ActivityFormError(text[code].Value, field));
        }
        if (HeldOn is null && Errors.All(e => e.Field != "activity-date"))
            Errors.Add(new ActivityFormError(text["activity.date-out-of-range"].Value, "activity-date"));
        if (Hours is null && Errors.All(e => e.Field != "activity-hours"))
            Errors.Add(new ActivityFormError(text["activity.hours-invalid"].Value, "activity-hours"));
        if (Capacity is null && Errors.All(e => e.Field != "activity-capacity"))
            Errors.Add(new ActivityFormError(text["activity.capacity-invalid"].Value, "activity-capacity"));
        if (Errors.Count > 0)
            return Page();
        try
        {
            var grant = HttpContext.Grant();
            var activity = await desk.CreateAsync(new CreateActivity(Village.Id, Title ?? "", HeldOn!.Value, Place ?? "", RuleCode ?? "",
                Hours!.Value, Capacity!.Value, OrganiserId ?? grant.UserId, grant.UserId, ActivityPageText.Key(FormKey, "activity")), ct);
            return Redirect(ActivityQueries.ActivityPath(Village.Code, activity.Number) + "?created=1");
        }
        catch (DomainException ex)
        {
            Errors.Add(ActivityPageText.Error(text, ex));
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        CanCreate = grant.Has(VillagePermission.ManageActivities);
        Activities = await queries.ListAsync(grant, ct);
        if (CanCreate)
        {
            Rules = await queries.AllowedRulesAsync(Village.Id, BusinessCalendar.Today(time), ct);
            Organisers = await queries.OrganisersAsync(Village.Id, ct);
        }
    }
}
