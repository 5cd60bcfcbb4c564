using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Households;

/// <summary>
/// The shop clerk's counter: find a household by number or head's name and read its balance. Nothing else:
/// the clerk sees no members, contacts or ledger lines.
/// </summary>
[VillageScope(VillagePermission.ReadHouseholds)]
public sealed class LookupModel(HouseholdQueries households, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> text) : PageModel
{
    public const int MaxResults = 20;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    public Village Village { get; private set; } = null!;

    public IReadOnlyList<HouseholdSummary>? Results { get; private set; }

    public string? Error { get; private set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        if (string.IsNullOrWhiteSpace(Query))
            return Page();
        try
        {
            Results = (await households.SearchAsync(Village.Id, new HouseholdSearch(Query, PageSize: MaxResults),
                new HouseholdDisclosure(Archive: false, FullPhones: false), ct)).Households;
        }
        catch (DomainException ex)
        {
            var message = text[ex.Code];
            Error = message.ResourceNotFound ? ex.Message : message.Value;
        }
        return Page();
    }
}
