using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Merchants;

/// <summary>A problem shown beside the field it is about, or above the form.</summary>
public sealed record MerchantFormError(string Message, string? Field);

/// <summary>The shop's partner merchants: the clerk (or the chair) adds one, renames it, links its login, or stops it.</summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class ShopMerchantsModel(MerchantDesk desk, IStringLocalizer<SharedResource> text) : PageModel
{
    public Village Village { get; private set; } = null!;
    public IReadOnlyList<MerchantView> Merchants { get; private set; } = [];
    public IReadOnlyList<MerchantAccountOption> Accounts { get; private set; } = [];
    public List<MerchantFormError> Errors { get; } = [];

    /// <summary>The merchant whose edit form answered, so its errors show in place; null for the new-merchant form.</summary>
    public string? EditedCode { get; private set; }
    public string? Saved { get; private set; }

    [BindProperty] public string? MerchantCode { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public Guid? AccountId { get; set; }
    [BindProperty] public bool Active { get; set; } = true;
    [BindProperty] public string FormKey { get; set; } = Guid.NewGuid().ToString("N");

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    public async Task<IActionResult> OnGetAsync(string? saved, CancellationToken ct)
    {
        await LoadAsync(ct);
        Saved = saved is { Length: <= 40 } ? saved : null;
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        try
        {
            var merchant = await desk.CreateAsync(new CreateMerchant(grant.Village.Id, MerchantCode, Name, AccountId, Active, grant.UserId,
                Key("create")), ct);
            return Redirect($"/villages/{Uri.EscapeDataString(grant.Village.Code)}/shop/merchants?saved={Uri.EscapeDataString(merchant.Code)}");
        }
        catch (DomainException ex)
        {
            Errors.Add(Error(ex, "merchant-new"));
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostUpdateAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        EditedCode = MerchantCode;
        try
        {
            if (await desk.FindAsync(grant.Village.Id, MerchantCode, ct) is null)
                throw MerchantDesk.MerchantNotFound();
            var merchant = await desk.UpdateAsync(new UpdateMerchant(grant.Village.Id, MerchantCode!, Name, AccountId, Active, grant.UserId,
                Key("update")), ct);
            return Redirect($"/villages/{Uri.EscapeDataString(grant.Village.Code)}/shop/merchants?saved={Uri.EscapeDataString(merchant.Code)}");
        }
        catch (DomainException ex)
        {
            Errors.Add(Error(ex, $"edit-{MerchantCode}"));
        }
        await LoadAsync(ct);
        return Page();
    }

    private MerchantFormError Error(DomainException ex, string prefix)
    {
        var message = text[ex.Code];
        var field = ex.Code switch
        {
            "merchant.code-invalid" or "merchant.code-taken" => $"{prefix}-code",
            "merchant.name-invalid" or Core.Data.StoredText.ForbiddenCode => $"{prefix}-name",
            "merchant.account-not-merchant" or "merchant.account-taken" => $"{prefix}-account",
            _ => null,
        };
        return new MerchantFormError(message.ResourceNotFound ? ex.Message : message.Value, field);
    }

    private string? Key(string action) =>
        FormKey is { Length: > 0 and <= 64 } && FormKey.All(char.IsAsciiLetterOrDigit) ? $"ui-merchant-{action}-{FormKey}" : null;

    private async Task LoadAsync(CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        Merchants = await desk.ListAsync(Village.Id, ct);
        Accounts = await desk.AccountOptionsAsync(Village.Id, ct);
    }
}
