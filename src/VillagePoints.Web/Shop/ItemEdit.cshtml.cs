using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>The clerk edits an item: its terms and its photo. Its stock changes only on the stock pages.</summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class ShopItemEditModel(VillagePointsDb db, ShopCatalogue catalogue, EvidenceIntake intake, IEvidenceStore store,
    IStringLocalizer<SharedResource> text) : ItemFormPage(db, catalogue, intake, store, text)
{
    public async Task<IActionResult> OnGetAsync(string itemCode, CancellationToken ct)
    {
        Begin();
        if (!await LoadItemAsync(itemCode, ct))
            return NotFound();
        var merchant = Item!.MerchantId is { } m ? Merchants.FirstOrDefault(x => x.Id == m)?.Code : null;
        Fill(Item, merchant);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string itemCode, CancellationToken ct)
    {
        Begin();
        if (!await LoadItemAsync(itemCode, ct))
            return NotFound();
        if (Terms() is not { } terms)
            return Page();
        try
        {
            var photo = await PreparePhotoAsync(ct);
            await Catalogue.EditAsync(new EditItem(Village.Id, Item!.Code, terms, Grant.UserId, Key("item-edit")), ct);
            await StorePhotoAsync(Item.Code, photo, ct);
            return Redirect($"{ShopPath}/items?saved={Uri.EscapeDataString(Item.Code)}");
        }
        catch (DomainException ex)
        {
            Refused(ex);
            return Page();
        }
    }

    private async Task<bool> LoadItemAsync(string itemCode, CancellationToken ct)
    {
        await LoadMerchantsAsync(ct);
        var code = (itemCode ?? "").Trim();
        Item = await Db.ShopItems.AsNoTracking().SingleOrDefaultAsync(i => i.VillageId == Village.Id && i.Code == code, ct);
        return Item is not null;
    }
}
