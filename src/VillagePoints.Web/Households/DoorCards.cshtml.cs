using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Households;

/// <summary>
/// Door cards (门牌卡) to print: one per household with its number, the head's name and a QR code that a phone's own
/// camera opens, leading whoever scans it to their work for that household.
/// </summary>
[VillageScope(VillagePermission.ManageHouseholds)]
public sealed class DoorCardsModel(HouseholdQueries households) : PageModel
{
    public Village Village { get; private set; } = null!;

    public IReadOnlyList<HouseholdSummary> Households { get; private set; } = [];

    public IReadOnlyList<GroupOption> Groups { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "group")]
    public int? Group { get; set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    /// <summary>Absolute, so the camera app opens it: the address this page was reached by.</summary>
    public string DoorLink(int number) =>
        $"{Request.Scheme}://{Request.Host}{VillagePath}/door/{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        Groups = await households.GroupsAsync(Village.Id, ct);
        if (!Groups.Any(g => g.Number == Group))
            Group = null;
        var all = new List<HouseholdSummary>();
        for (var page = 1; ; page++)
        {
            var found = await households.SearchAsync(Village.Id, new HouseholdSearch(null, Group, page, HouseholdQueries.MaxPageSize),
                new HouseholdDisclosure(Archive: false, FullPhones: false), ct);
            all.AddRange(found.Households);
            if (page >= found.PageCount)
                break;
        }
        Households = all;
        return Page();
    }
}
