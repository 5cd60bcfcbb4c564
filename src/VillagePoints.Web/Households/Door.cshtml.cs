using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Accounts;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Households;

/// <summary>
/// Where a door card's QR code leads. A grid worker or the committee goes to the patrol record for the household; a
/// villager to 记一笔 at their own door and to the recommendation of this household at anyone else's. Someone not
/// signed in is sent to the login and brought back here (the folder's authorization does that).
/// </summary>
public sealed class DoorModel(VillageAccess access, HouseholdQueries households) : PageModel
{
    public async Task<IActionResult> OnGetAsync(int householdNo, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        var village = grant.Village;
        var household = await households.FindAsync(village.Id, householdNo, ct);
        if (household is null)
            return NotFound();
        var path = $"/villages/{Uri.EscapeDataString(village.Code)}";
        var roles = await access.RolesAsync(grant.UserId, ct);
        if (Claims.ClaimForms.CanPatrol(roles, village.Id))
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{path}/patrol/{household.Number}"));
        if (grant.OwnHouseholds.Contains(household.Id))
            return Redirect($"{path}/claims/new");
        if (roles.Any(r => r.VillageId == village.Id && r.Role == Role.Villager))
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{path}/claims/recommend?household={household.Number}"));
        // Any other role: the household's page where their role may open it, else the village's.
        return Redirect(grant.CanReadHousehold(household.Id)
            ? string.Create(CultureInfo.InvariantCulture, $"{path}/households/{household.Number}")
            : path);
    }
}
