using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core.Places;
using VillagePoints.Core.Reports;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Households;

/// <summary>
/// A village's page: for staff the household register (a search by name, household number or phone, a
/// villager-group filter, the results page by page), and for everyone who belongs there its key figures.
/// </summary>
public sealed class VillageHouseholdsModel(HouseholdQueries households, VillageStats stats, IStringLocalizer<SharedResource> text) : PageModel
{
    public const int PageSize = HouseholdQueries.DefaultPageSize;

    public string? Query { get; private set; }

    public int? Group { get; private set; }

    public Village Village { get; private set; } = null!;

    public StatsFigures Figures { get; private set; } = null!;

    /// <summary>Null for those who may see the village's figures but not its register (a partner merchant, a villager).</summary>
    public HouseholdSearchPage? Results { get; private set; }

    public IReadOnlyList<GroupOption> Groups { get; private set; } = [];

    /// <summary>Who may open a household's archive gets links and phones; the shop clerk gets the name, number and balance.</summary>
    public bool CanOpenHouseholds { get; private set; }

    public bool Searched => !string.IsNullOrWhiteSpace(Query);

    /// <summary>Who keeps the register prints its door cards.</summary>
    public bool CanPrintDoorCards { get; private set; }

    public bool CanReadShopFunding { get; private set; }

    private HouseholdSearchPage Shown => Results ?? throw new InvalidOperationException("The register is not shown to this user.");

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string HouseholdPath(int number) => $"{VillagePath}/households/{number}";

    /// <summary>The same search on another page.</summary>
    public string PagePath(int page)
    {
        var query = new List<string>();
        if (Searched)
            query.Add("q=" + Uri.EscapeDataString(Query!.Trim()));
        if (Group is { } g)
            query.Add("group=" + g.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (page > 1)
            query.Add("page=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return query.Count == 0 ? VillagePath : $"{VillagePath}?{string.Join('&', query)}";
    }

    /// <summary>The page numbers to offer: the first, the last, and two either side of this one; 0 marks a gap.</summary>
    public IReadOnlyList<int> PageLinks()
    {
        var wanted = new SortedSet<int> { 1, Shown.PageCount };
        for (var p = Shown.Page - 2; p <= Shown.Page + 2; p++)
            if (p >= 1 && p <= Shown.PageCount)
                wanted.Add(p);
        var links = new List<int>();
        foreach (var p in wanted)
        {
            if (links.Count > 0 && p - links[^1] > 1)
                links.Add(0);
            links.Add(p);
        }
        return links;
    }

    /// <summary>"1 household" and "2 households" are different words in English, so a count picks the key's ".One" form when it is one; Chinese says 户 either way.</summary>
    public string Counted(string key, long count, params object[] args)
    {
        var one = text[key + ".One", args];
        return count == 1 && !one.ResourceNotFound ? one.Value : text[key, args].Value;
    }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "q")] string? q, [FromQuery(Name = "group")] int? group,
        [FromQuery(Name = "page")] int? page, CancellationToken ct)
    {
        // The village scope was checked before the page ran; the grant comes with the request.
        var grant = HttpContext.Grant();
        Village = grant.Village;
        CanOpenHouseholds = grant.Has(VillagePermission.ReadHouseholdRecords);
        CanPrintDoorCards = grant.Has(VillagePermission.ManageHouseholds);
        CanReadShopFunding = grant.Has(VillagePermission.ReadShopFunding);
        if (grant.Has(VillagePermission.ReadHouseholds))
        {
            Query = q;
            Groups = await households.GroupsAsync(Village.Id, ct);
            Group = Groups.Any(g => g.Number == group) ? group : null;
            Results = await households.SearchAsync(Village.Id, new HouseholdSearch(q, Group, page ?? 1, PageSize), HouseholdDisclosure.ForRegister(grant), ct);
        }
        Figures = await stats.ComputeAsync(Village.Id, ct);
        return Page();
    }
}
