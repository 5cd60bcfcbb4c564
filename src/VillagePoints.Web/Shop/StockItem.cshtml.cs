using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>One item's stock movements, newest first: every receipt, donation, checkout, return, stocktake and loss.</summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class ShopStockItemModel(VillagePointsDb db, StockDesk desk, IStringLocalizer<SharedResource> text) : ShopPageModel(text)
{
    public const int Shown = 500;

    public ShopItem Item { get; private set; } = null!;

    public IReadOnlyList<StockMovementView> Movements { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string itemCode, CancellationToken ct)
    {
        Begin();
        var code = (itemCode ?? "").Trim();
        var item = await db.ShopItems.AsNoTracking().SingleOrDefaultAsync(i => i.VillageId == Village.Id && i.Code == code, ct);
        if (item is null)
            return NotFound();
        Item = item;
        Movements = await desk.HistoryAsync(Village.Id, code, Shown, ct);
        return Page();
    }
}
