using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Households;

namespace VillagePoints.Web.Claims;

/// <summary>邻里推荐: a villager recommends another household for a good deed; never their own (the claim desk refuses it).</summary>
[VillageScope(VillagePermission.SubmitClaims)]
public sealed class RecommendModel(ClaimForms forms, ClaimQueries queries, HouseholdQueries households, VillagePoints.Core.Data.VillagePointsDb db) : ClaimFormModel(forms, queries)
{
    public const int MaxResults = 20;

    protected override ClaimChannel Channel => ClaimChannel.NeighbourRecommendation;

    [BindProperty(SupportsGet = true, Name = "household")]
    public int? HouseholdNo { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    public Household? Household { get; private set; }

    public IReadOnlyList<HouseholdSummary>? Results { get; private set; }

    public string PagePath => $"{VillagePath}/claims/recommend";

    public string HouseholdLink(int number) => string.Create(CultureInfo.InvariantCulture, $"{PagePath}?household={number}");

    public string RuleLink(string code) => $"{HouseholdLink(Household!.Number)}&rule={Uri.EscapeDataString(code)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        await FindAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!await FindAsync(ct))
            return Page();
        var claim = await SubmitAsync(Household!.Id, ct);
        return claim is null ? Page() : Redirect(string.Create(CultureInfo.InvariantCulture, $"{PagePath}?done={claim.Number}"));
    }

    /// <summary>The chosen household, or the search results; false (with the message beside the field) when there is none to recommend.</summary>
    private async Task<bool> FindAsync(CancellationToken ct)
    {
        if (HouseholdNo is { } number)
        {
            Household = await households.FindAsync(Village.Id, number, ct);
            if (Household is null)
                Errors.Add(Forms.Error("household.not-found", ClaimForms.HouseholdField, ""));
            else if (Grant.OwnHouseholds.Contains(Household.Id) && HttpMethods.IsGet(Request.Method))
            {
                // Said before the form is filled in; a form sent anyway is refused by the claim desk itself.
                Errors.Add(Forms.Error("claim.recommend-own-household", ClaimForms.HouseholdField, ""));
                Household = null;
            }
            return Household is not null;
        }
        if (!string.IsNullOrWhiteSpace(Query))
        {
            try
            {
                var page = await households.SearchAsync(Village.Id, new HouseholdSearch(Query, PageSize: MaxResults + 5),
                    new HouseholdDisclosure(Archive: false, FullPhones: false), ct);
                var own = Grant.OwnHouseholds.ToList();
                var ownNumbers = await db.Households.Where(h => h.VillageId == Village.Id && own.Contains(h.Id)).Select(h => h.Number)
                    .ToListAsync(ct);
                Results = page.Households.Where(h => !ownNumbers.Contains(h.Number)).Take(MaxResults).ToList();
            }
            catch (DomainException ex)
            {
                Errors.Add(Forms.Error(ex.Code, ClaimForms.HouseholdField, ex.Message));
            }
        }
        if (Request.Method == "POST")
            Errors.Add(Forms.Error("claim.household-needed", ClaimForms.HouseholdField, ""));
        return false;
    }
}
