using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Claims;
using VillagePoints.Web.My;

namespace VillagePoints.Web.Shop;

/// <summary>
/// The points supermarket as the village sees it (积分超市): its hours, its shelves by category, and for a villager their
/// household's points, which items they can afford, and a reservation form for goods.
/// </summary>
public sealed class ShopBrowseModel(VillagerShopQueries shop, ReservationDesk desk, VillagePointsDb db, TimeProvider time,
    IStringLocalizer<SharedResource> text) : PageModel
{
    /// <summary>Made when the form is shown; the reservation's idempotency key, so a resent form reserves once.</summary>
    [BindProperty]
    public string FormKey { get; set; } = "";

    [BindProperty]
    public string? ItemCode { get; set; }

    [BindProperty]
    public int? Quantity { get; set; }

    public Village Village { get; private set; } = null!;

    public IReadOnlyList<BrowseItem> Items { get; private set; } = [];

    /// <summary>The villager's household and its points; null for anyone without one here (staff, oversight).</summary>
    public Household? Household { get; private set; }

    public HouseholdShopPurse? Purse { get; private set; }

    public int OpenReservations { get; private set; }

    public List<FieldError> Errors { get; } = [];

    /// <summary>The item whose form the last error belongs to, so the message stands beside it.</summary>
    public string? ErrorItem { get; private set; }

    /// <summary>The clerk browsing the shelf: a link to the pickup list.</summary>
    public bool RunsShop { get; private set; }

    public bool OpenToday { get; private set; }

    public bool OpenNow { get; private set; }

    public bool Chinese => !CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.Ordinal);

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public static string FormId(string code) => "reserve-" + code;

    /// <summary>Goods on the shelf the household can afford now: an item it cannot is marked, not offered.</summary>
    public bool CanReserve(BrowseItem item) => Household is not null && !item.IsVoucher && item.InStock && Affordable(item);

    public bool Affordable(BrowseItem item) => Purse is { } p && item.PricePoints <= p.Available;

    /// <summary>The most one reservation may ask for: what is on the shelf, within the desk's per-line maximum.</summary>
    public static int MaxQuantity(BrowseItem item) => Math.Clamp(item.Available, 1, ReservationDesk.MaxQuantity);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Household is null)
            return StatusCode(StatusCodes.Status403Forbidden);
        if (ModelState[nameof(Quantity)] is { Errors.Count: > 0 } || Quantity is null)
        {
            ModelState.Remove(nameof(Quantity));
            AddError(new DomainException("reservation.quantity-invalid", "A quantity is a whole number."));
            return Page();
        }
        try
        {
            var reservation = await desk.ReserveAsync(new ReserveForPickup(Village.Id, HttpContext.Grant().UserId, Household.Number,
                [new ReservationLineRequest(ItemCode, Quantity.Value)], $"ui-reserve-{FormKey}"), ct);
            return Redirect($"{MyReservationsModel.Path}?reserved={reservation.Number.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (DomainException ex)
        {
            if (ex.Code == "idempotency.conflict")
            {
                FormKey = ClaimForms.NewFormKey();
                ModelState.Remove(nameof(FormKey));
            }
            AddError(ex);
            await LoadAsync(ct);
            return Page();
        }
    }

    private void AddError(DomainException ex)
    {
        var message = text[ex.Code];
        ErrorItem = Items.Any(i => i.Code == ItemCode) ? ItemCode : null;
        Errors.Add(new FieldError(message.ResourceNotFound ? ex.Message : message.Value, ErrorItem is { } code ? FormId(code) + "-qty" : null));
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        if (!ClaimForms.IsFormKey(FormKey))
            FormKey = ClaimForms.NewFormKey();
        RunsShop = grant.Has(VillagePermission.RunShop);
        Items = await shop.ShelfAsync(Village.Id, ct);
        var now = time.GetUtcNow();
        OpenToday = ShopHours.OpensOn(Village.Settings, BusinessCalendar.DateOf(now).DayOfWeek);
        OpenNow = ShopHours.IsOpen(Village.Settings, now);
        if (grant.Has(VillagePermission.ReserveForPickup) && grant.OwnHouseholds.Count > 0)
        {
            var own = grant.OwnHouseholds.ToList();
            Household = await db.Households.AsNoTracking().Where(h => h.VillageId == Village.Id && own.Contains(h.Id))
                .OrderBy(h => h.Number).FirstOrDefaultAsync(ct);
            if (Household is not null)
            {
                Purse = await desk.PurseAsync(Village, Household.Id, ct);
                OpenReservations = await db.Reservations.CountAsync(r => r.VillageId == Village.Id && r.HouseholdId == Household.Id
                    && r.State == ReservationState.Reserved, ct);
            }
        }
    }
}
