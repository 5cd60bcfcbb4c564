using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Merchants;

/// <summary>
/// All merchants' settlements for a month, for the shop and the committee (the funding view's readers): what the
/// village owes each merchant, and the month as CSV or Excel for the accounts.
/// </summary>
public sealed class ShopSettlementsModel(MerchantSettlements settlements, TimeProvider time, IStringLocalizer<SharedResource> text) : PageModel
{
    public Village Village { get; private set; } = null!;
    public VillageSettlement Settlement { get; private set; } = null!;
    public IReadOnlyList<int> Months { get; private set; } = [];
    public string? MonthError { get; private set; }
    public bool CanKeepMerchants { get; private set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string MerchantExportPath(string merchantCode, string extension) =>
        $"/api/v1/villages/{Uri.EscapeDataString(Village.Code)}/merchants/{Uri.EscapeDataString(merchantCode)}/settlements.{extension}?month={Settlement.MonthText}";

    public async Task<IActionResult> OnGetAsync(string? month, CancellationToken ct) => await LoadAsync(month, ct) ?? Page();

    public async Task<IActionResult> OnGetCsvAsync(string? month, CancellationToken ct) =>
        await LoadAsync(month, ct) ?? File(SettlementExport.Csv(Settlement), SettlementExport.CsvContentType, SettlementExport.FileName(Settlement, "csv"));

    public async Task<IActionResult> OnGetXlsxAsync(string? month, CancellationToken ct) =>
        await LoadAsync(month, ct) ?? File(SettlementExport.Xlsx(Settlement), SettlementExport.XlsxContentType, SettlementExport.FileName(Settlement, "xlsx"));

    /// <summary>Null when the page may be shown; otherwise the refusal.</summary>
    private async Task<IActionResult?> LoadAsync(string? month, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        // Either permission opens it: the shop runs the settlements, the committee and oversight read them with the funding view.
        if (!grant.Has(VillagePermission.RunShop) && !grant.Has(VillagePermission.ReadShopFunding))
            return Forbid();
        Village = grant.Village;
        CanKeepMerchants = grant.Has(VillagePermission.RunShop);
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
        Settlement = await settlements.ForVillageAsync(Village.Id, shown, ct);
        Months = (await settlements.VillageMonthsAsync(Village.Id, ct)).Append(thisMonth).Distinct().OrderDescending().Take(24).ToList();
        return null;
    }
}
