using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web;

/// <summary>Sends each user where their work is (see <see cref="VillageAccess.LandingPathAsync"/>).</summary>
public sealed class IndexModel(VillageAccess access) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => LocalRedirect(await access.LandingPathAsync(User, ct));
}
