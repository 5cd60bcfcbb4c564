using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Claims;

namespace VillagePoints.Web.Shop;

/// <summary>
/// The clerk's pickup list (待取货预约): open reservations by deadline, each with a link to check it out (which spends the
/// points and hands the goods over) and a cancel button; below them the latest that were closed.
/// </summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class ShopPickupsModel(ReservationQueries queries, ReservationDesk desk, IStringLocalizer<SharedResource> text) : PageModel
{
    public const int RecentClosed = 20;

    [BindProperty]
    public string FormKey { get; set; } = "";

    [BindProperty]
    public long? Number { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Cancelled { get; set; }

    public Village Village { get; private set; } = null!;

    public IReadOnlyList<ReservationView> Open { get; private set; } = [];

    public IReadOnlyList<ReservationView> Closed { get; private set; } = [];

    public List<FieldError> Errors { get; } = [];

    public bool Chinese => !CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.Ordinal);

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string CheckoutPath(long number) => string.Create(CultureInfo.InvariantCulture, $"{VillagePath}/shop/checkout?reservation={number}");

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Number is not { } number)
            return NotFound();
        try
        {
            await desk.CancelAsync(new CancelReservation(Village.Id, number, HttpContext.Grant().UserId, ByShop: true, $"ui-reservation-cancel-{FormKey}"), ct);
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{VillagePath}/shop/reservations?cancelled={number}"));
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

    private async Task LoadAsync(CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        if (!ClaimForms.IsFormKey(FormKey))
            FormKey = ClaimForms.NewFormKey();
        var all = await queries.ListAsync(Village.Id, null, openOnly: false, ReservationQueries.MaxList, ct);
        Open = [.. all.Where(r => r.IsOpen)];
        Closed = [.. all.Where(r => !r.IsOpen).Take(RecentClosed)];
    }
}
