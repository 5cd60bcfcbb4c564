using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Merchants;

/// <summary>
/// The partner merchant's phone page: type or scan a voucher's code (a USB scanner types it and presses Enter),
/// check it, honour it with one big button, and see the answer in large text where the eye already is; below,
/// the last honours and the month's settlement with its downloads. Works without scripts.
/// </summary>
[VillageScope(VillagePermission.HonourVouchers)]
public sealed class MerchantHomeModel(VillagePointsDb db, VoucherDesk vouchers, MerchantDesk merchants, MerchantSettlements settlements,
    TimeProvider time, IStringLocalizer<SharedResource> text) : PageModel
{
    public Village Village { get; private set; } = null!;
    public string AccountName { get; private set; } = "";
    public string MaskedPhone { get; private set; } = "";

    /// <summary>The merchant this login honours for; null until the shop links one.</summary>
    public Merchant? Merchant { get; private set; }

    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string FormKey { get; set; } = NewFormKey();

    /// <summary>The voucher after a successful check: shown with the honour button.</summary>
    public VoucherView? Checked { get; private set; }

    /// <summary>The voucher just honoured.</summary>
    public VoucherView? Honoured { get; private set; }

    /// <summary>Why a check or an honour was refused, in the user's language.</summary>
    public string? Refusal { get; private set; }
    public string? RefusalCode { get; private set; }

    public IReadOnlyList<VoucherView> Recent { get; private set; } = [];
    public MerchantSettlement? Settlement { get; private set; }
    public IReadOnlyList<int> Months { get; private set; } = [];
    public string? MonthError { get; private set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public static bool Chinese => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    public string ExportPath(string extension) =>
        $"/api/v1/villages/{Uri.EscapeDataString(Village.Code)}/merchants/{Uri.EscapeDataString(Merchant!.Code)}/settlements.{extension}?month={Settlement!.MonthText}";

    public async Task<IActionResult> OnGetAsync(string? month, CancellationToken ct)
    {
        await LoadAsync(month, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        try
        {
            Checked = await vouchers.CheckAsync(new HonourVoucher(grant.Village.Id, Code, grant.UserId), ct);
            Code = Checked.DisplayCode;
        }
        catch (DomainException ex)
        {
            Refuse(ex);
        }
        await LoadAsync(null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostHonourAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        try
        {
            Honoured = await vouchers.HonourAsync(new HonourVoucher(grant.Village.Id, Code, grant.UserId, FormKeyOrNull(FormKey)), ct);
            // A fresh, empty form for the next customer.
            Code = null;
            FormKey = NewFormKey();
            ModelState.Clear();
        }
        catch (DomainException ex)
        {
            Refuse(ex);
        }
        await LoadAsync(null, ct);
        return Page();
    }

    private void Refuse(DomainException ex)
    {
        RefusalCode = ex.Code;
        var message = ex is VoucherAlreadyHonouredException honoured
            ? text[VoucherDesk.AlreadyHonoured + ".at", VouchersApi.VillageTime(honoured.HonouredAt)]
            : text[ex.Code];
        Refusal = message.ResourceNotFound ? ex.Message : message.Value;
        Checked = null;
        FormKey = NewFormKey();
        ModelState.Remove(nameof(FormKey));
    }

    private async Task LoadAsync(string? month, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        var account = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Id == grant.UserId, ct);
        AccountName = account.DisplayName;
        MaskedPhone = PhoneNumber.Mask(account.Phone);
        Merchant = await merchants.OfAccountAsync(Village.Id, grant.UserId, ct);
        if (Merchant is null)
            return;
        var thisMonth = VoucherDesk.MonthOf(time.GetUtcNow());
        var shown = thisMonth;
        if (month is not null)
        {
            try
            {
                shown = SettlementMonths.Parse(month);
            }
            catch (DomainException ex)
            {
                MonthError = text[ex.Code].Value;
            }
        }
        Recent = await vouchers.RecentHonoursAsync(Village.Id, Merchant.Id, 10, ct);
        Settlement = await settlements.ForMerchantAsync(Village.Id, Merchant, shown, ct);
        Months = (await settlements.MonthsAsync(Village.Id, Merchant.Id, ct)).Append(thisMonth).Distinct().OrderDescending().Take(24).ToList();
    }

    private static string NewFormKey() => Guid.NewGuid().ToString("N");

    /// <summary>The form's idempotency key: a retried submit of one form is the same honour.</summary>
    private static string? FormKeyOrNull(string? formKey) =>
        formKey is { Length: > 0 and <= 64 } && formKey.All(char.IsAsciiLetterOrDigit) ? $"ui-honour-{formKey}" : null;
}
