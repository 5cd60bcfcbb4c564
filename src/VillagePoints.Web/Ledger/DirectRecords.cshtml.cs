using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Ledger;

/// <summary>
/// The village's direct records waiting for a second committee member, so nobody has to open every
/// household to find them. Each links to its household's page, where it is approved or rejected.
/// </summary>
public sealed class DirectRecordsModel(VillageAccess access, DirectRecordQueries queries) : PageModel
{
    public Village Village { get; private set; } = null!;

    public IReadOnlyList<DirectRecordView> Pending { get; private set; } = [];

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public async Task<IActionResult> OnGetAsync(string villageCode, CancellationToken ct)
    {
        var grant = await access.GrantAsync(User, villageCode, ct);
        if (grant is null)
            return NotFound();
        if (!grant.Has(VillagePermission.RecordEntries))
            return Forbid();
        Village = grant.Village;
        Pending = await queries.ListAsync(Village.Id, DirectRecordState.Pending, null, 200, ct);
        return Page();
    }
}
