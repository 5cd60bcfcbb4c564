using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Claims;

/// <summary>
/// The form behind "记一笔", the neighbour recommendation and the patrol record: a rule of the channel, the
/// day, the inputs the rule asks for, a note and photos. Photos are checked before the claim is written; a
/// key made with the form makes a double tap or a resend write one claim.
/// </summary>
public abstract class ClaimFormModel(ClaimForms forms, ClaimQueries queries) : PageModel
{
    protected ClaimForms Forms => forms;

    [BindProperty(SupportsGet = true, Name = "rule")]
    public string? RuleCode { get; set; }

    [BindProperty]
    public DateOnly? OccurredOn { get; set; }

    [BindProperty]
    public decimal? Hours { get; set; }

    [BindProperty]
    public string? Difficulty { get; set; }

    [BindProperty]
    public string? Effect { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public List<IFormFile> Photos { get; set; } = [];

    /// <summary>Made when the form is shown; the claim's idempotency key, so a resent form writes once.</summary>
    [BindProperty(SupportsGet = true)]
    public string FormKey { get; set; } = "";

    /// <summary>The claim just written, shown after the redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Done { get; set; }

    public Village Village { get; private set; } = null!;

    public VillageGrant Grant { get; private set; } = null!;

    public IReadOnlyList<RuleChoice> Rules { get; private set; } = [];

    public RuleChoice? Rule { get; private set; }

    public ClaimView? Result { get; private set; }

    public List<FieldError> Errors { get; } = [];

    public string? ErrorFor(string target) => Errors.FirstOrDefault(e => e.Target == target)?.Message;

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string MyClaimsPath => $"{VillagePath}/claims";

    public string Today => VillagePoints.Core.Data.BusinessCalendar.Today(HttpContext.RequestServices.GetRequiredService<TimeProvider>())
        .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected abstract ClaimChannel Channel { get; }

    /// <summary>Loads the village, the channel's rules, the chosen rule and a shown result; false when the village is not the user's.</summary>
    protected async Task LoadAsync(CancellationToken ct)
    {
        Grant = HttpContext.Grant();
        Village = Grant.Village;
        Rules = await forms.RulesForAsync(Village.Id, Channel, ct);
        Rule = Rules.FirstOrDefault(r => string.Equals(r.Code, RuleCode?.Trim(), StringComparison.Ordinal));
        if (!ClaimForms.IsFormKey(FormKey))
            FormKey = ClaimForms.NewFormKey();
        if (Done is { } n && await queries.FindAsync(Grant, n, ct) is { } claim && claim.SubmittedBy == Grant.UserId)
            Result = await queries.ViewAsync(claim, ct);
    }

    /// <summary>Checks what the form could read, prepares the photos and writes the claim; null when it was refused (see <see cref="Errors"/>).</summary>
    protected async Task<Claim?> SubmitAsync(Guid householdId, CancellationToken ct)
    {
        ReportBindingErrors();
        if (Rule is null)
            Errors.Add(forms.Error(string.IsNullOrWhiteSpace(RuleCode) ? "claim.rule-needed" : "claim.channel-not-allowed", ""));
        if (OccurredOn is null && ErrorFor(ClaimForms.DateField) is null)
            Errors.Add(forms.Error("claim.date-needed", ""));
        if (Rule is { AsksHours: true } && Hours is null && ErrorFor(ClaimForms.HoursField) is null)
            Errors.Add(forms.Error("claim.hours-needed", ""));
        if (Errors.Count > 0)
            return null;
        try
        {
            var photos = await ClaimForms.PreparePhotosAsync(Photos, 0, ct);
            if (photos.Count == 0 && Rule!.EvidenceRequired)
                throw new DomainException("claim.photo-needed", "This rule needs a photo.");
            var command = new SubmitClaim(Village.Id, Channel, householdId, Rule!.Code, OccurredOn!.Value, Grant.UserId,
                Rule.AsksHours ? Hours : null, Rule.DifficultyLevels.Count > 0 ? Difficulty : null, Rule.EffectLevels.Count > 0 ? Effect : null,
                Note, $"ui-claim-{FormKey}");
            return await forms.SubmitAsync(command, photos, ct);
        }
        catch (DomainException ex)
        {
            if (ex.Code == "idempotency.conflict")
            {
                // The same form sent again with other values (refilled after going back, then changed): a fresh
                // form key lets the villager send the new values on purpose.
                FormKey = ClaimForms.NewFormKey();
                ModelState.Remove(nameof(FormKey));
                Errors.Add(forms.Error("Claims.FormUsed", null, ""));
            }
            else
            {
                Errors.Add(forms.Error(ex.Code, ex.Message));
            }
            return null;
        }
    }

    private void ReportBindingErrors()
    {
        foreach (var (key, target) in new[] { (nameof(OccurredOn), ClaimForms.DateField), (nameof(Hours), ClaimForms.HoursField) })
        {
            if (ClaimForms.BindingError(ModelState, key) is { } message)
            {
                Errors.Add(message.Length > 0 ? new FieldError(message, target) : forms.Error("Binding.Invalid", target, ""));
                ModelState.Remove(key);
            }
        }
    }

    /// <summary>"+5 分", "−10 分" or "每小时 +10 分": signed, so a deduction never rests on colour alone.</summary>
    public string PointsText(RuleChoice r)
    {
        var text = HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();
        if (r.PointsPerHour is not { } perHour)
            return text["Claims.PointsValue", Ledger.Wording.Signed(r.Points)].Value;
        var sign = r.Direction == RuleDirection.Deduction ? "\u2212" : "+";
        return text["Claims.PerHour", sign + perHour.ToString("0.##", CultureInfo.CurrentCulture)].Value;
    }
}
