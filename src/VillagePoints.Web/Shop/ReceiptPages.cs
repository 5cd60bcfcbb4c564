using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>A receipt as a page shows or prints it.</summary>
public sealed record ReceiptView(CheckoutReceipt Receipt, string VillageName, string VillagePath)
{
    public string ReceiptPath => string.Create(CultureInfo.InvariantCulture, $"{VillagePath}/shop/checkouts/{Receipt.Number}");

    public string PrintPath(string paper) => $"{ReceiptPath}/print?paper={paper}";

    /// <summary>What a voucher's QR holds: its code, as printed, which the merchant's scanner types into the honour box.</summary>
    public static string VoucherQrText(string code) => VoucherCodes.Display(code);

    public static string Number(long number) => number.ToString("D6", CultureInfo.InvariantCulture);
}

/// <summary>
/// Loads a receipt for a page: the shop sees every receipt, a household's villagers their own; another household's answers
/// 404 and anyone else in the village is refused, as the API does.
/// </summary>
public abstract class ReceiptPageModel(CheckoutQueries queries) : PageModel
{
    public Village Village { get; private set; } = null!;

    public ReceiptView View { get; private set; } = null!;

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    protected CheckoutQueries Queries => queries;

    protected async Task<IActionResult?> LoadAsync(long number, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        try
        {
            await CheckoutsApi.CheckReadableAsync(grant, queries, number, ct);
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.Forbidden)
        {
            return Forbid();
        }
        catch (DomainException)
        {
            return NotFound();
        }
        var receipt = await queries.ReceiptAsync(Village.Id, number, ct);
        if (receipt is null)
            return NotFound();
        View = new ReceiptView(receipt, Village.Name, VillagePath);
        return null;
    }
}

/// <summary>One receipt (兑换凭证) on screen; the shop cancels it here on its day, with a reason and a confirmation step.</summary>
[VillageScope(VillagePermission.ReadVillage)]
public sealed class ReceiptModel(CheckoutQueries queries, CheckoutDesk desk, TimeProvider time, IStringLocalizer<SharedResource> text)
    : ReceiptPageModel(queries)
{
    [BindProperty(SupportsGet = true, Name = "done")]
    public bool Done { get; set; }

    /// <summary>The clerk asked to cancel: the reason form and what cancelling will do are shown.</summary>
    [BindProperty(SupportsGet = true, Name = "cancel")]
    public bool Cancelling { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string FormKey { get; set; } = "";

    public string? Error { get; private set; }

    public bool CanCancel { get; private set; }

    public bool RunsShop => HttpContext.Grant().Has(VillagePermission.RunShop);

    public async Task<IActionResult> OnGetAsync(long number, CancellationToken ct)
    {
        if (await LoadAsync(number, ct) is { } refused)
            return refused;
        CanCancel = Cancellable();
        Cancelling &= CanCancel;
        FormKey = Guid.NewGuid().ToString("N");
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(long number, CancellationToken ct)
    {
        if (await LoadAsync(number, ct) is { } refused)
            return refused;
        var grant = HttpContext.Grant();
        if (!grant.Has(VillagePermission.RunShop))
            return Forbid();
        try
        {
            var key = FormKey is { Length: > 0 and <= 64 } k && k.All(char.IsAsciiLetterOrDigit) ? $"ui-cancel-{k}" : null;
            await desk.CancelAsync(new CancelCheckout(Village.Id, number, grant.UserId, Reason, key), ct);
            return Redirect(View.ReceiptPath);
        }
        catch (DomainException ex)
        {
            var message = text["Checkout.Err." + ex.Code];
            Error = message.ResourceNotFound ? (text[ex.Code].ResourceNotFound ? text["Checkout.Err.other"].Value : text[ex.Code].Value) : message.Value;
            Cancelling = true;
            CanCancel = Cancellable();
            return Page();
        }
    }

    private bool Cancellable() =>
        HttpContext.Grant().Has(VillagePermission.RunShop) && View.Receipt.State == CheckoutState.Completed
        && View.Receipt.OccurredOn == BusinessCalendar.Today(time);
}

/// <summary>
/// A receipt laid out for paper: a 58 mm thermal roll (<c>?paper=58mm</c>, the default: narrow, one column) or A4. The
/// browser's print dialog does the rest; the voucher codes carry their QR for the merchant to scan.
/// </summary>
[VillageScope(VillagePermission.ReadVillage)]
public sealed class ReceiptPrintModel(CheckoutQueries queries) : ReceiptPageModel(queries)
{
    public bool A4 { get; private set; }

    public async Task<IActionResult> OnGetAsync(long number, string? paper, CancellationToken ct)
    {
        if (await LoadAsync(number, ct) is { } refused)
            return refused;
        A4 = string.Equals(paper, "a4", StringComparison.OrdinalIgnoreCase);
        return Page();
    }
}

/// <summary>The counter's list: today's checkouts and the recent ones, each linked to its receipt (and its cancellation).</summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class CheckoutsModel(CheckoutQueries queries, TimeProvider time) : PageModel
{
    public Village Village { get; private set; } = null!;

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public DateOnly Today { get; private set; }

    public IReadOnlyList<CheckoutSummary> Recent { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        Today = BusinessCalendar.Today(time);
        Recent = await queries.ListAsync(Village.Id, null, null, 100, ct);
        return Page();
    }

    public string ReceiptPath(long number) => string.Create(CultureInfo.InvariantCulture, $"{VillagePath}/shop/checkouts/{number}");
}
