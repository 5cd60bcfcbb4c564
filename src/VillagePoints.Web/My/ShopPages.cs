using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Claims;
using VillagePoints.Web.Shop;

namespace VillagePoints.Web.My;

/// <summary>
/// What the villager's shop pages share: their own household, found as their home page finds it. These pages live outside
/// any village route, so they read only the signed-in villager's own household and nothing else.
/// </summary>
public abstract class MyShopPageModel(VillagerShopQueries shop) : PageModel
{
    protected VillagerShopQueries Shop => shop;

    /// <summary>Null when this login has no household (a cadre without one): the page says so.</summary>
    public OwnHousehold? Own { get; private set; }

    public bool Chinese => !CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.Ordinal);

    public string ShopPath => Own is { } own ? $"/villages/{Uri.EscapeDataString(own.Village.Code)}/shop" : "/my";

    protected async Task<bool> LoadOwnAsync(CancellationToken ct)
    {
        Own = await shop.OwnAsync(User.UserId() ?? Guid.Empty, ct);
        return Own is not null;
    }
}

/// <summary>我的预约: the household's reservations, open ones first with their pickup deadline and a cancel button.</summary>
public sealed class MyReservationsModel(VillagerShopQueries shop, ReservationQueries queries, ReservationDesk desk,
    IStringLocalizer<SharedResource> text) : MyShopPageModel(shop)
{
    public const string Path = "/my/reservations";
    public const int Shown = 50;

    [BindProperty]
    public string FormKey { get; set; } = "";

    [BindProperty]
    public long? Number { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Reserved { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Cancelled { get; set; }

    public IReadOnlyList<ReservationView> Reservations { get; private set; } = [];

    public List<FieldError> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || Number is not { } number)
            return NotFound();
        try
        {
            await desk.CancelAsync(new CancelReservation(Own!.Village.Id, number, User.UserId()!.Value, ByShop: false, $"ui-reservation-cancel-{FormKey}"), ct);
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{Path}?cancelled={number}"));
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return NotFound();
        }
        catch (DomainException ex)
        {
            var message = text[ex.Code];
            Errors.Add(new FieldError(message.ResourceNotFound ? ex.Message : message.Value, null));
            FormKey = ClaimForms.NewFormKey();
            ModelState.Remove(nameof(FormKey));
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (!ClaimForms.IsFormKey(FormKey))
            FormKey = ClaimForms.NewFormKey();
        if (!await LoadOwnAsync(ct))
            return false;
        Reservations = await queries.ListAsync(Own!.Village.Id, [Own.Household.Id], openOnly: false, Shown, ct);
        return true;
    }
}

/// <summary>我的兑换: the household's receipts, newest first.</summary>
public sealed class MyReceiptsModel(VillagerShopQueries shop) : MyShopPageModel(shop)
{
    public const string Path = "/my/receipts";

    public IReadOnlyList<Receipt> Receipts { get; private set; } = [];

    public static string ReceiptPath(long number) => string.Create(CultureInfo.InvariantCulture, $"{Path}/{number}");

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadOwnAsync(ct))
            Receipts = await Shop.ReceiptsAsync(Own!.Village.Id, Own.Household.Id, ct);
    }
}

/// <summary>One receipt of the household; another household's number answers 404, as if there were none.</summary>
public sealed class MyReceiptModel(VillagerShopQueries shop) : MyShopPageModel(shop)
{
    public Receipt Receipt { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long number, CancellationToken ct)
    {
        if (!await LoadOwnAsync(ct))
            return NotFound();
        var found = await Shop.ReceiptAsync(Own!.Village.Id, Own.Household.Id, number, ct);
        if (found is null)
            return NotFound();
        Receipt = found;
        return Page();
    }
}

/// <summary>我的服务券: the household's vouchers; each usable one with its code in groups of four and a large QR for the merchant.</summary>
public sealed class MyVouchersModel(VillagerShopQueries shop, TimeProvider time) : MyShopPageModel(shop)
{
    public const string Path = "/my/vouchers";

    public IReadOnlyList<HouseholdVoucher> Vouchers { get; private set; } = [];

    public DateOnly Today { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Today = BusinessCalendar.Today(time);
        if (await LoadOwnAsync(ct))
            Vouchers = await Shop.VouchersAsync(Own!.Village.Id, Own.Household.Id, ct);
    }

    /// <summary>Issued, expired, honoured or cancelled, as the villager needs to know it today.</summary>
    public string StateKey(HouseholdVoucher v) => v.State switch
    {
        VoucherState.Issued when v.ValidUntil < Today => "Expired",
        var s => s.ToString(),
    };
}
