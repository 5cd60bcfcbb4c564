using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Claims;

/// <summary>"记一笔": a villager declares a good deed of their own household (村民申报), with photos from the phone's camera.</summary>
[VillageScope(VillagePermission.SubmitClaims)]
public sealed class NewClaimModel(ClaimForms forms, ClaimQueries queries) : ClaimFormModel(forms, queries)
{
    protected override ClaimChannel Channel => ClaimChannel.SelfDeclaration;

    /// <summary>The household this login declares for; null for someone with no household in the village.</summary>
    public Guid? OwnHousehold => Grant.OwnHouseholds.Order().Select(h => (Guid?)h).FirstOrDefault();

    public string PagePath => $"{VillagePath}/claims/new";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (OwnHousehold is not { } household)
        {
            Errors.Add(Forms.Error("claim.not-own-household", ClaimForms.HouseholdField, ""));
            return Page();
        }
        var claim = await SubmitAsync(household, ct);
        return claim is null ? Page() : Redirect(string.Create(CultureInfo.InvariantCulture, $"{PagePath}?done={claim.Number}"));
    }
}
