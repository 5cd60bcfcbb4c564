using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Households;

namespace VillagePoints.Web.Claims;

/// <summary>
/// 网格员巡查 for one household: once the household is open, a record takes at most three taps: the rule (award or
/// deduction), the photo, send. The day is today; the place note is optional.
/// </summary>
[VillageScope(VillagePermission.SubmitClaims)]
[VillageScope(VillagePermission.ReadHouseholds)]
public sealed class PatrolHouseholdModel(VillageAccess access, ClaimForms forms, ClaimQueries queries, HouseholdQueries households)
    : ClaimFormModel(forms, queries)
{
    protected override ClaimChannel Channel => ClaimChannel.Patrol;

    public HouseholdDetail Household { get; private set; } = null!;

    public string PatrolPath => $"{VillagePath}/patrol";

    public string PagePath => string.Create(CultureInfo.InvariantCulture, $"{PatrolPath}/{Household.Number}");

    public async Task<IActionResult> OnGetAsync(int householdNo, CancellationToken ct) =>
        await OpenAsync(householdNo, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(int householdNo, CancellationToken ct)
    {
        if (await OpenAsync(householdNo, ct) is { } refused)
            return refused;
        // Patrol records what is seen today.
        OccurredOn ??= VillagePoints.Core.Data.BusinessCalendar.Today(HttpContext.RequestServices.GetRequiredService<TimeProvider>());
        // A weighted rule is scored at its first (lowest) level unless said otherwise: the patrol stays three taps.
        if (Rule is { } rule)
        {
            Difficulty ??= rule.DifficultyLevels.FirstOrDefault()?.Code;
            Effect ??= rule.EffectLevels.FirstOrDefault()?.Code;
        }
        var claim = await SubmitAsync(householdId, ct);
        return claim is null ? Page() : Redirect(string.Create(CultureInfo.InvariantCulture, $"{PagePath}?done={claim.Number}"));
    }

    private Guid householdId;

    private async Task<IActionResult?> OpenAsync(int householdNo, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!ClaimForms.CanPatrol(await access.RolesAsync(Grant.UserId, ct), Village.Id))
            return Forbid();
        var household = await households.FindAsync(Village.Id, householdNo, ct);
        if (household is null)
            return NotFound();
        householdId = household.Id;
        Household = await households.DetailAsync(household, new HouseholdDisclosure(Archive: false, FullPhones: false), ct);
        return null;
    }
}
