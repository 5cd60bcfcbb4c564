using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>The clerk's catalogue: every item by category, with its price, what is on hand and what is running low.</summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class ShopItemsModel(VillagePointsDb db, IStringLocalizer<SharedResource> text) : ShopPageModel(text)
{
    public IReadOnlyList<ShopItem> Items { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Saved { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Begin();
        Items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == Village.Id).OrderBy(i => i.Code).ToListAsync(ct);
        return Page();
    }

    public static bool IsLow(ShopItem i) => i.Active && !i.IsVoucher && i.Available <= i.LowStockThreshold;
}
