using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>
/// The clerk's stock page: what is running low first, then the three ways stock moves by hand (a purchase received, a
/// donation received, a loss), then every item's level.
/// </summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class ShopStockModel(VillagePointsDb db, ShopCatalogue catalogue, StockDesk desk, TimeProvider time,
    IStringLocalizer<SharedResource> text) : ShopPageModel(text)
{
    public const string PurchaseForm = "purchase";
    public const string DonationForm = "donation";
    public const string LossForm = "loss";

    [BindProperty] public string? ItemCode { get; set; }
    [BindProperty] public int? Quantity { get; set; }
    [BindProperty] public string? Amount { get; set; }
    [BindProperty] public string? Counterparty { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public DateOnly? OccurredOn { get; set; }

    /// <summary>The movement just written, shown after the redirect: the item and its number in the item's chain.</summary>
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    [BindProperty(SupportsGet = true)] public long? Seq { get; set; }

    public IReadOnlyList<ShopItem> Items { get; private set; } = [];
    public IReadOnlyList<ShopItem> Low { get; private set; } = [];
    public StockMovementView? Recorded { get; private set; }

    /// <summary>The form the clerk sent, so only it is filled in again when it was refused.</summary>
    public string? SentForm { get; private set; }

    public string Today => BusinessCalendar.Today(time).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Begin();
        await LoadAsync(ct);
        if (Done is { Length: > 0 } code && Seq is { } seq && Items.Any(i => i.Code == code))
            Recorded = (await desk.HistoryAsync(Village.Id, code, 20, ct)).FirstOrDefault(m => m.Sequence == seq);
        return Page();
    }

    public Task<IActionResult> OnPostPurchaseAsync(CancellationToken ct) => RecordAsync(PurchaseForm, StockMovementKind.Purchase, ct);

    public Task<IActionResult> OnPostDonationAsync(CancellationToken ct) => RecordAsync(DonationForm, StockMovementKind.Donation, ct);

    public Task<IActionResult> OnPostLossAsync(CancellationToken ct) => RecordAsync(LossForm, StockMovementKind.Loss, ct);

    private async Task<IActionResult> RecordAsync(string form, StockMovementKind kind, CancellationToken ct)
    {
        Begin();
        SentForm = form;
        var unread = BindingFailed(nameof(Quantity), $"{form}-quantity") | BindingFailed(nameof(OccurredOn), $"{form}-date");
        var fen = Fen(Amount);
        if (fen == -1)
        {
            Errors.Add(new ShopFieldError(Text["stock.cost-invalid"].Value, $"{form}-cost"));
            unread = true;
        }
        if (!unread)
        {
            try
            {
                var movement = await desk.RecordAsync(new RecordStock(Village.Id, ItemCode ?? "", kind, Quantity ?? 0, Grant.UserId, fen,
                    Counterparty, Reason, OccurredOn, Key("stock-" + form)), ct);
                return Redirect($"{ShopPath}/stock?done={Uri.EscapeDataString(movement.ItemCode)}&seq={movement.Sequence}");
            }
            catch (DomainException ex)
            {
                Refused(ex, form);
            }
        }
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>The posted value for the form that was sent, nothing for the others.</summary>
    public T? Sent<T>(string form, T? value) => SentForm == form ? value : default;

    private async Task LoadAsync(CancellationToken ct)
    {
        Items = [.. (await db.ShopItems.AsNoTracking().Where(i => i.VillageId == Village.Id).ToListAsync(ct))
            .OrderBy(i => (int)i.Category).ThenBy(i => i.Code, StringComparer.Ordinal)];
        Low = await catalogue.LowStockAsync(Village.Id, ct);
    }
}
