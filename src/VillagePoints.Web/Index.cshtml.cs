using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web;

/// <summary>Sends each user where their work is: villagers to their household, staff to the place browser.</summary>
public sealed class IndexModel(VillageAccess access) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var roles = await access.RolesAsync(User.UserId() ?? Guid.Empty, ct);
        return VillageAccess.IsStaff(roles) ? LocalRedirect("/places") : LocalRedirect("/my");
    }
}
