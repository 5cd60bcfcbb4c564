using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Claims;

/// <summary>
/// 我的申报: the claims this person submitted or that are about their household, each with its state in words,
/// points, explanation and the reviewer's reason. A waiting claim of one's own can be withdrawn; a returned one
/// gets more photos and goes back for review.
/// </summary>
[VillageScope(VillagePermission.SubmitClaims)]
public sealed class MyClaimsModel(ClaimQueries queries, ClaimDesk desk, ClaimForms forms) : PageModel
{
    public const int Shown = 100;

    [BindProperty]
    public long? Number { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public List<IFormFile> Photos { get; set; } = [];

    [BindProperty(SupportsGet = true)]
    public string FormKey { get; set; } = "";

    /// <summary>The claim just withdrawn or sent again, named after the redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Changed { get; set; }

    public Village Village { get; private set; } = null!;

    public Guid UserId { get; private set; }

    public IReadOnlyList<ClaimView> Claims { get; private set; } = [];

    public List<FieldError> Errors { get; } = [];

    public string? ErrorFor(string target) => Errors.FirstOrDefault(e => e.Target == target)?.Message;

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string PagePath => $"{VillagePath}/claims";

    public string ClaimPath(long number) => string.Create(CultureInfo.InvariantCulture, $"{PagePath}/{number}");

    /// <summary>Only the submitter withdraws or resubmits; a claim about the household by someone else is only read.</summary>
    public HashSet<long> Submitted { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Number is not { } number || !Claims.Any(c => c.Number == number))
        {
            Errors.Add(forms.Error("claim.not-found", null, ""));
            return Page();
        }
        try
        {
            await desk.WithdrawAsync(new WithdrawClaim(Village.Id, number, UserId, Key("withdraw")), ct);
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{PagePath}?changed={number}#claim-{number}"));
        }
        catch (DomainException ex)
        {
            Errors.Add(forms.Error(ex.Code, $"claim-{number}", ex.Message));
            return Page();
        }
    }

    /// <summary>The photos are checked, then stored, then the claim goes back for review: a bad photo changes nothing.</summary>
    public async Task<IActionResult> OnPostResubmitAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var claim = Number is { } n ? await queries.FindAsync(HttpContext.Grant(), n, ct) : null;
        if (claim is null || claim.SubmittedBy != UserId)
        {
            Errors.Add(forms.Error("claim.not-found", null, ""));
            return Page();
        }
        var photoField = PhotosField(claim.Number);
        try
        {
            // Sent again (a double tap, a resend): the desk answers this key's first resubmission, or says it is not returned.
            if (claim.State != ClaimState.Returned)
            {
                await desk.ResubmitAsync(new ResubmitClaim(Village.Id, claim.Number, UserId, Note, Key("resubmit")), ct);
                return Redirect(string.Create(CultureInfo.InvariantCulture, $"{PagePath}?changed={claim.Number}#claim-{claim.Number}"));
            }
            var photos = await ClaimForms.PreparePhotosAsync(Photos, await forms.PhotoCountAsync(claim, ct), ct);
            await forms.StorePhotosAsync(claim, UserId, photos, ct);
            await desk.ResubmitAsync(new ResubmitClaim(Village.Id, claim.Number, UserId, Note, Key("resubmit")), ct);
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{PagePath}?changed={claim.Number}#claim-{claim.Number}"));
        }
        catch (DomainException ex)
        {
            var target = ClaimForms.FieldFor(ex.Code) switch
            {
                ClaimForms.PhotosField => photoField,
                ClaimForms.NoteField => NoteField(claim.Number),
                _ => $"claim-{claim.Number}",
            };
            Errors.Add(forms.Error(ex.Code, target, ex.Message));
            return Page();
        }
    }

    public static string PhotosField(long number) => string.Create(CultureInfo.InvariantCulture, $"resubmit-photos-{number}");

    public static string NoteField(long number) => string.Create(CultureInfo.InvariantCulture, $"resubmit-note-{number}");

    private string? Key(string action) => ClaimForms.IsFormKey(FormKey) ? $"ui-{action}-{FormKey}" : null;

    private async Task LoadAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        UserId = grant.UserId;
        if (!ClaimForms.IsFormKey(FormKey))
            FormKey = ClaimForms.NewFormKey();
        Claims = await queries.MineAsync(grant, Shown, ct);
        foreach (var number in await queries.SubmittedByAsync(grant, Claims.Select(c => c.Number).ToList(), ct))
            Submitted.Add(number);
    }
}
