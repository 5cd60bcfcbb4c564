using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Households;

namespace VillagePoints.Web.Claims;

/// <summary>The grid worker's patrol: find the household (by the door card's number or the head's name), then record.</summary>
[VillageScope(VillagePermission.SubmitClaims)]
[VillageScope(VillagePermission.ReadHouseholds)]
public sealed class PatrolModel(VillageAccess access, HouseholdQueries households, ClaimForms forms) : PageModel
{
    public const int MaxResults = 30;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    public Village Village { get; private set; } = null!;

    public IReadOnlyList<HouseholdSummary>? Results { get; private set; }

    public string? Error { get; private set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string HouseholdLink(int number) => $"{VillagePath}/patrol/{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        if (!ClaimForms.CanPatrol(await access.RolesAsync(grant.UserId, ct), Village.Id))
            return Forbid();
        if (!string.IsNullOrWhiteSpace(Query))
        {
            try
            {
                // A number typed exactly opens the household at once: the door card's number is the quickest way in.
                var page = await households.SearchAsync(Village.Id, new HouseholdSearch(Query, PageSize: MaxResults),
                    new HouseholdDisclosure(Archive: false, FullPhones: false), ct);
                var clean = HouseholdQueries.Clean(Query);
                if (page.Households is [{ } only] && int.TryParse(clean, System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture, out var n) && n == only.Number)
                    return Redirect(HouseholdLink(only.Number));
                Results = page.Households;
            }
            catch (DomainException ex)
            {
                Error = forms.Error(ex.Code, ClaimForms.HouseholdField, ex.Message).Message;
            }
        }
        return Page();
    }
}
