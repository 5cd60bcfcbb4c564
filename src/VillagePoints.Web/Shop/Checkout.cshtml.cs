using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Households;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.Shop;

/// <summary>One line of the cart as the page shows it, with what is wrong with it, if anything.</summary>
public sealed record CartRow(ShelfItem Item, int Quantity, string? Problem)
{
    public long Points => (long)Item.PricePoints * Quantity;
}

/// <summary>
/// The point of sale (兑换结算) for a clerk on a tablet or phone: find the household (its number, its door card's QR scanned
/// into the box, or its head's name), fill the cart, check the summary, confirm. Every step is a plain form, so it works
/// without JavaScript; the cart travels as form fields <c>qty[itemCode]</c> until the confirmation writes it.
/// </summary>
[VillageScope(VillagePermission.RunShop)]
public sealed class CheckoutModel(CheckoutDesk desk, CheckoutQueries queries, HouseholdQueries households, IStringLocalizer<SharedResource> text)
    : PageModel
{
    public const int MaxResults = 20;

    public Village Village { get; private set; } = null!;

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string PagePath => $"{VillagePath}/shop/checkout";

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty(Name = "qty")]
    public Dictionary<string, string?> Quantities { get; set; } = [];

    [BindProperty]
    public string FormKey { get; set; } = "";

    public IReadOnlyList<HouseholdSummary>? Results { get; private set; }

    public HouseholdWallet? Wallet { get; private set; }

    public IReadOnlyList<ShelfItem> Shelf { get; private set; } = [];

    public List<CartRow> Cart { get; } = [];

    /// <summary>The reservation being picked up, when the counter was opened with <c>?reservation=</c>.</summary>
    public PickupView? Pickup { get; private set; }

    /// <summary>The cart is checked and waits for the clerk's confirmation.</summary>
    public bool Confirming { get; private set; }

    public string? SearchError { get; private set; }

    public string? Error { get; private set; }

    public long CartPoints => Cart.Sum(r => r.Points);

    public long Remaining => (Wallet?.Spendable ?? 0) - CartPoints;

    public static bool Chinese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName != "en";

    public string HouseholdPath(int number) => string.Create(CultureInfo.InvariantCulture, $"{PagePath}?household={number}");

    public int QuantityOf(string code) => Cart.FirstOrDefault(r => r.Item.Code == code)?.Quantity ?? 0;

    public async Task<IActionResult> OnGetAsync(int? household, long? reservation, CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        FormKey = NewFormKey();
        if (reservation is { } number)
            return await OpenPickupAsync(number, ct);
        if (household is { } n)
            return await OpenAsync(n, ct) ? Page() : NotFound();
        if (!string.IsNullOrWhiteSpace(Query))
            return await FindAsync(ct);
        return Page();
    }

    /// <summary>The cart's buttons: +, −, recount, and on to the summary. Nothing is written.</summary>
    public async Task<IActionResult> OnPostCartAsync(int household, string? step, CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        if (!IsFormKey(FormKey))
            FormKey = NewFormKey();
        if (!await OpenAsync(household, ct))
            return NotFound();
        var cartOk = ReadCart(step);
        if (step == "review" && cartOk)
        {
            if (Cart.Count == 0)
                Error = Message("checkout.empty");
            else if (Cart.Any(r => r.Problem is not null))
                Error = Message("Checkout.FixLines");
            else
                Confirming = true;
        }
        return Page();
    }

    /// <summary>The confirmation: one checkout, then the receipt. A refused one shows the cart again with the reason beside it.</summary>
    public async Task<IActionResult> OnPostConfirmAsync(int household, long? reservation, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        if (reservation is { } number)
        {
            var opened = await OpenPickupAsync(number, ct);
            if (Pickup is null || Wallet is null)
                return opened;
        }
        else
        {
            if (!await OpenAsync(household, ct))
                return NotFound();
            if (!ReadCart(null))
                return Page();
        }
        try
        {
            var key = IsFormKey(FormKey) ? $"ui-checkout-{FormKey}" : null;
            var lines = reservation is null ? Cart.Select(r => new CartLine(r.Item.Code, r.Quantity)).ToList() : [];
            var checkout = await desk.CheckoutAsync(new CheckoutCommand(Village.Id, Wallet!.Number, lines, grant.UserId, reservation, key), ct);
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{VillagePath}/shop/checkouts/{checkout.Number}?done=1"));
        }
        catch (DomainException ex)
        {
            Error = Message(ex.Code);
            // A refused checkout wrote nothing: the next attempt is a new request with a new key.
            FormKey = NewFormKey();
            ModelState.Remove(nameof(FormKey));
            Wallet = await queries.WalletAsync(Village.Id, Wallet!.Number, ct);
            Shelf = await queries.ShelfAsync(Village.Id, ct, includeInactive: reservation is not null);
            MarkProblems();
            return Page();
        }
    }

    private async Task<IActionResult> FindAsync(CancellationToken ct)
    {
        // Whole, not cut to a search's length: a scanned door-card link is longer than any name.
        var clean = (Query ?? "").Normalize(System.Text.NormalizationForm.FormKC).Trim();
        if (DoorCardNumber(clean) is { } number)
        {
            if (await households.FindAsync(Village.Id, number, ct) is not null)
                return Redirect(HouseholdPath(number));
            SearchError = Message("household.not-found");
            return Page();
        }
        try
        {
            Results = (await households.SearchAsync(Village.Id, new HouseholdSearch(Query, PageSize: MaxResults),
                HouseholdDisclosure.ForRegister(HttpContext.Grant()), ct)).Households;
        }
        catch (DomainException ex)
        {
            SearchError = Message(ex.Code);
        }
        return Page();
    }

    /// <summary>
    /// The household number in what was typed or scanned: a number (0005, ０００５), or the door card's link
    /// (…/villages/{code}/door/5), which a USB or Bluetooth scanner types into the box like a keyboard.
    /// </summary>
    public static int? DoorCardNumber(string clean)
    {
        var text = clean;
        var door = text.LastIndexOf("/door/", StringComparison.OrdinalIgnoreCase);
        if (door >= 0)
            text = text[(door + "/door/".Length)..].Split('/', '?', '#')[0];
        return text.Length is > 0 and <= 6 && text.All(char.IsAsciiDigit)
            ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;
    }

    private async Task<bool> OpenAsync(int householdNo, CancellationToken ct)
    {
        Wallet = await queries.WalletAsync(Village.Id, householdNo, ct);
        if (Wallet is null)
            return false;
        Shelf = await queries.ShelfAsync(Village.Id, ct);
        return true;
    }

    private async Task<IActionResult> OpenPickupAsync(long number, CancellationToken ct)
    {
        Pickup = await queries.PickupAsync(Village.Id, number, ct);
        if (Pickup is null)
            return NotFound();
        Wallet = await queries.WalletAsync(Village.Id, Pickup.HouseholdNo, ct);
        Shelf = await queries.ShelfAsync(Village.Id, ct, includeInactive: true);
        foreach (var (code, quantity) in Pickup.Lines)
        {
            if (Shelf.FirstOrDefault(i => i.Code == code) is { } item)
                Cart.Add(new CartRow(item, quantity, null));
        }
        if (Pickup.State != ReservationState.Reserved)
            Error = Message("reservation.not-open");
        return Page();
    }

    /// <summary>Reads the posted quantities into the cart, applying a + or − button. False when a quantity cannot be read.</summary>
    private bool ReadCart(string? step)
    {
        var ok = true;
        foreach (var item in Shelf)
        {
            var typed = Quantities.GetValueOrDefault(item.Code);
            var quantity = ParseQuantity(typed);
            string? problem = null;
            if (quantity is null)
            {
                problem = Message("checkout.quantity-invalid");
                ok = false;
                quantity = 0;
            }
            if (step == "plus:" + item.Code)
                quantity = Math.Min(CheckoutDesk.MaxQuantity, quantity.Value + 1);
            else if (step == "minus:" + item.Code)
                quantity = Math.Max(0, quantity.Value - 1);
            if (quantity > 0 || problem is not null)
                Cart.Add(new CartRow(item, quantity.Value, problem));
        }
        if (Cart.Count > CheckoutDesk.MaxLines)
        {
            Error = Message("checkout.too-many-lines");
            ok = false;
        }
        if (!ok)
            Error ??= Message("Checkout.FixLines");
        MarkProblems();
        return ok;
    }

    /// <summary>Beside each line, what stops it now: not enough on the shelf. The write checks again under its lock.</summary>
    private void MarkProblems()
    {
        for (var i = 0; i < Cart.Count; i++)
        {
            var row = Cart[i];
            var fresh = Shelf.FirstOrDefault(s => s.Code == row.Item.Code) ?? row.Item;
            if (row.Problem is null && Pickup is null && row.Quantity > fresh.Available)
                Cart[i] = row with { Item = fresh, Problem = text["Checkout.OnlyLeft", fresh.Available, fresh.Unit].Value };
        }
    }

    /// <summary>Empty is none; digits typed on a phone's full-width keyboard count; anything else, or out of 0…999, is null.</summary>
    public static int? ParseQuantity(string? typed)
    {
        var clean = (typed ?? "").Normalize(System.Text.NormalizationForm.FormKC).Trim();
        if (clean.Length == 0)
            return 0;
        return clean.Length <= 3 && clean.All(char.IsAsciiDigit) ? int.Parse(clean, NumberStyles.None, CultureInfo.InvariantCulture) : null;
    }

    private string Message(string code)
    {
        var page = text["Checkout.Err." + code];
        if (!page.ResourceNotFound)
            return page.Value;
        var shared = text[code];
        return shared.ResourceNotFound ? text["Checkout.Err.other"].Value : shared.Value;
    }

    private static bool IsFormKey(string? key) => key is { Length: > 0 and <= 64 } && key.All(char.IsAsciiLetterOrDigit);

    private static string NewFormKey() => Guid.NewGuid().ToString("N");

    public string Points(long value) => Wording.Points(value);
}
