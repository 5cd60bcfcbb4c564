using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>
/// The stocktake screen (盘点): every goods item with the level the app expects and a box for what the clerk counted, one
/// submit. A box left empty is not counted; each count that differs becomes a signed adjustment with the reason. The level
/// shown travels with the form, so a checkout made while the clerk was counting refuses the stocktake instead of hiding in it.
/// </summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class ShopStocktakeModel(VillagePointsDb db, StockDesk desk, IStringLocalizer<SharedResource> text) : ShopPageModel(text)
{
    public const string Prefix = "stocktake";

    public sealed class CountLine
    {
        public string? Code { get; set; }
        public int? Expected { get; set; }
        public int? Counted { get; set; }
    }

    [BindProperty] public List<CountLine> Lines { get; set; } = [];
    [BindProperty] public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)] public int? Adjusted { get; set; }
    [BindProperty(SupportsGet = true)] public int? Counted { get; set; }

    public IReadOnlyList<ShopItem> Items { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Begin();
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Begin();
        for (var i = 0; i < Lines.Count; i++)
            BindingFailed($"{nameof(Lines)}[{i}].{nameof(CountLine.Counted)}", $"{Prefix}-count-{i}");
        var counts = Lines.Where(l => l.Counted is not null && !string.IsNullOrWhiteSpace(l.Code))
            .Select(l => new StockCount(l.Code!, l.Counted!.Value, l.Expected)).ToList();
        if (Errors.Count == 0)
        {
            try
            {
                var result = await desk.TakeAsync(new TakeStock(Village.Id, counts, Reason, Grant.UserId, IdempotencyKey: Key("stocktake")), ct);
                return Redirect($"{ShopPath}/stocktake?counted={result.Lines.Count}&adjusted={result.Adjusted}");
            }
            catch (DomainException ex)
            {
                Refused(ex, Prefix);
                // A problem with one item's count goes beside that count.
                var line = ex is StockCountException one ? Lines.FindIndex(l => l.Code?.Trim() == one.ItemCode)
                    : ex.Code == "stocktake.empty" ? 0 : -1;
                if (line >= 0 && Errors.Count > 0)
                    Errors[^1] = Errors[^1] with { Target = $"{Prefix}-count-{line}" };
            }
        }
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>What the clerk typed for an item when the form comes back refused.</summary>
    public int? CountedFor(string code) => Lines.FirstOrDefault(l => l.Code == code)?.Counted;

    private async Task LoadAsync(CancellationToken ct) =>
        Items = [.. (await db.ShopItems.AsNoTracking()
                .Where(i => i.VillageId == Village.Id && i.Category != ItemCategory.ServiceVoucher && (i.Active || i.Stock > 0))
                .ToListAsync(ct))
            .OrderBy(i => (int)i.Category).ThenBy(i => i.Code, StringComparer.Ordinal)];
}
