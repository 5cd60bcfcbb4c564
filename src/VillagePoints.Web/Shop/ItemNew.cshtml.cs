using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>The clerk adds an item to the catalogue; its stock starts at nothing and comes in on the stock page.</summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class ShopItemNewModel(VillagePointsDb db, ShopCatalogue catalogue, EvidenceIntake intake, IEvidenceStore store,
    IStringLocalizer<SharedResource> text) : ItemFormPage(db, catalogue, intake, store, text)
{
    [BindProperty] public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Begin();
        await LoadMerchantsAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Begin();
        await LoadMerchantsAsync(ct);
        if (Terms() is not { } terms)
            return Page();
        try
        {
            var photo = await PreparePhotoAsync(ct);
            var item = await Catalogue.CreateAsync(new CreateItem(Village.Id, Code ?? "", terms, Grant.UserId, Key("item-new")), ct);
            await StorePhotoAsync(item.Code, photo, ct);
            return Redirect($"{ShopPath}/items?saved={Uri.EscapeDataString(item.Code)}");
        }
        catch (DomainException ex)
        {
            Refused(ex);
            return Page();
        }
    }
}
