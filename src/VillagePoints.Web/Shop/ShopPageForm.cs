using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>One line of a shop form's error summary, linking to the field it is shown beside.</summary>
public sealed record ShopFieldError(string Message, string? Target);

/// <summary>
/// What the clerk's catalogue and stock pages share: the village, the form key that makes a resent form write once,
/// and problems placed beside the field they are about.
/// </summary>
public abstract class ShopPageModel(IStringLocalizer<SharedResource> text) : PageModel
{
    protected IStringLocalizer<SharedResource> Text => text;

    /// <summary>Made when the form is shown; with the form's action it is the write's Idempotency-Key.</summary>
    [BindProperty]
    public string FormKey { get; set; } = "";

    public Village Village { get; private set; } = null!;

    public VillageGrant Grant { get; private set; } = null!;

    public List<ShopFieldError> Errors { get; } = [];

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string ShopPath => VillagePath + "/shop";

    public string ItemPath(string code) => $"{ShopPath}/items/{Uri.EscapeDataString(code)}";

    public string StockPath(string code) => $"{ShopPath}/stock/{Uri.EscapeDataString(code)}";

    public static bool English => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public string? ErrorFor(string target) => Errors.FirstOrDefault(e => e.Target == target)?.Message;

    public string? Invalid(string target) => ErrorFor(target) is null ? null : "true";

    protected void Begin()
    {
        Grant = HttpContext.Grant();
        Village = Grant.Village;
        if (!IsFormKey(FormKey))
            FormKey = Guid.NewGuid().ToString("N");
    }

    protected string Key(string action) => $"ui-{action}-{FormKey}";

    /// <summary>Puts a refusal beside its field: <paramref name="prefix"/> names the form, the problem code the field.</summary>
    protected void Refused(DomainException ex, string prefix)
    {
        if (ex.Code == "idempotency.conflict")
        {
            // The same form sent again with other values (changed after going back): a fresh key lets the clerk send them on purpose.
            FormKey = Guid.NewGuid().ToString("N");
            ModelState.Remove(nameof(FormKey));
            Errors.Add(new ShopFieldError(text["Catalogue.FormUsed"].Value, null));
            return;
        }
        var message = text[ex.Code];
        Errors.Add(new ShopFieldError(message.ResourceNotFound ? ex.Message : message.Value,
            FieldFor(ex.Code) is { } field ? $"{prefix}-{field}" : null));
    }

    /// <summary>A value the form could not read (letters in a number box): said beside its field, before anything is written.</summary>
    protected bool BindingFailed(string property, string target)
    {
        if (ModelState.TryGetValue(property, out var entry) && entry.Errors.Count > 0)
        {
            Errors.Add(new ShopFieldError(text["Binding.Invalid"].Value, target));
            ModelState.Remove(property);
            return true;
        }
        return false;
    }

    public string CategoryName(ItemCategory c) => text["Catalogue.Category." + c].Value;

    public string KindName(StockMovementKind k) => text["Catalogue.Kind." + k].Value;

    /// <summary>Fen as yuan with two decimals, the way prices are written on a receipt.</summary>
    public static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Yuan typed by the clerk ("12", "12.5", "12.50") as fen; null when empty, -1 when it is not an amount.</summary>
    public static long? Fen(string? yuan)
    {
        if (string.IsNullOrWhiteSpace(yuan))
            return null;
        if (!decimal.TryParse(yuan.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value * 100 != decimal.Truncate(value * 100) || value > StockDesk.MaxCostFen / 100m)
            return -1;
        return (long)(value * 100);
    }

    private static bool IsFormKey(string? key) => key is { Length: 32 } && key.All(char.IsAsciiHexDigitLower);

    /// <summary>The field a problem code belongs beside; null leaves it in the summary only.</summary>
    public static string? FieldFor(string code) => code switch
    {
        "item.code-invalid" or "item.code-taken" => "code",
        "item.name-invalid" => "name",
        "item.unit-invalid" => "unit",
        "item.price-invalid" => "price",
        "item.limit-invalid" => "limit",
        "item.threshold-invalid" => "threshold",
        "item.category-invalid" => "category",
        "item.merchant-required" or "item.merchant-unknown" => "merchant",
        "item.validity-invalid" => "validity",
        "item.settlement-price-invalid" => "settlement",
        "item.not-found" or "stock.item-required" => "item",
        "stock.quantity-invalid" or "stock.insufficient" => "quantity",
        "stock.cost-invalid" => "cost",
        "stock.supplier-required" or "stock.donor-required" or "stock.counterparty-too-long" => "counterparty",
        "stock.reason-required" or "stock.reason-too-long" or "stocktake.reason-required" => "reason",
        "stock.date-invalid" => "date",
        _ when code.StartsWith("evidence.", StringComparison.Ordinal) => "photo",
        _ => null,
    };
}
