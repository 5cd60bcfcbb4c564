using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Merchants;

/// <summary>
/// A partner merchant's own page: who they are signed in as, for which village, and what a merchant does here.
/// The points shop is not built yet, so the page says so rather than showing anything made up.
/// </summary>
public sealed class MerchantHomeModel(VillagePointsDb db) : PageModel
{
    public Village Village { get; private set; } = null!;

    public string AccountName { get; private set; } = "";

    public string MaskedPhone { get; private set; } = "";

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        var account = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Id == grant.UserId, ct);
        AccountName = account.DisplayName;
        MaskedPhone = PhoneNumber.Mask(account.Phone);
        return Page();
    }
}
