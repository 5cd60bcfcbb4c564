using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Places;
using VillagePoints.Core.Reports;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Households;

/// <summary>A village's household register for staff: its key figures and a search by name, household number or phone.</summary>
public sealed class VillageHouseholdsModel(VillageAccess access, HouseholdQueries households, VillageStats stats) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    public Village Village { get; private set; } = null!;

    public StatsFigures Figures { get; private set; } = null!;

    public IReadOnlyList<HouseholdSummary> Results { get; private set; } = [];

    public bool Searched => !string.IsNullOrWhiteSpace(Query);

    public string HouseholdPath(int number) => $"/villages/{Uri.EscapeDataString(Village.Code)}/households/{number}";

    public async Task<IActionResult> OnGetAsync(string villageCode, CancellationToken ct)
    {
        var grant = await access.GrantAsync(User, villageCode, ct);
        if (grant is null || !grant.Has(VillagePermission.ReadHouseholds))
            return NotFound();
        Village = grant.Village;
        Figures = await stats.ComputeAsync(Village.Id, ct);
        Results = await households.SearchAsync(Village.Id, Query, PageSize, ct);
        return Page();
    }
}
