using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.Households;

/// <summary>One household's archive and its full ledger. Villagers may open their own; staff any in their village.</summary>
public sealed class HouseholdDetailModel(VillageAccess access, HouseholdQueries households, LedgerQueries ledger) : PageModel
{
    public const int PageSize = 30;

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public Village Village { get; private set; } = null!;

    public HouseholdDetail Household { get; private set; } = null!;

    public LedgerLinesView History { get; private set; } = null!;

    /// <summary>Staff came from the village register; a villager came from their own home page.</summary>
    public bool FromRegister { get; private set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public async Task<IActionResult> OnGetAsync(string villageCode, int householdNo, CancellationToken ct)
    {
        var grant = await access.GrantAsync(User, villageCode, ct);
        if (grant is null)
            return NotFound();
        var household = await households.FindAsync(grant.Village.Id, householdNo, ct);
        if (household is null || !grant.CanReadHousehold(household.Id))
            return NotFound();

        Village = grant.Village;
        FromRegister = grant.Has(VillagePermission.ReadHouseholds);
        Household = await households.DetailAsync(household, showPhones: FromRegister, ct);
        var page = await ledger.HistoryAsync(Village.Id, household.Id, household.Number, Before, PageSize, ct);
        History = new LedgerLinesView(page.Entries, $"{VillagePath}/households/{household.Number}", Before, page.NextBefore);
        return Page();
    }
}
