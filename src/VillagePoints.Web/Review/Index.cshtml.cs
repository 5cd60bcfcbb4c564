using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Claims;

namespace VillagePoints.Web.Review;

public sealed record FilterOption(string Value, string Label);

/// <summary>
/// A reviewer's queue (审核): the claims waiting for their own step that they may decide, oldest first, narrowed by
/// channel, villager group, rule and age. Each claim is approved, rejected or returned right here; a refusal is shown at
/// the claim. Works without scripts; with them, keys move between claims and decide (see review.js).
/// </summary>
[VillageScope(VillagePermission.ReviewClaims)]
public sealed class ReviewQueueModel(ClaimQueries queries, ClaimDesk desk, VillagePointsDb db, TimeProvider time,
    IStringLocalizer<SharedResource> text) : PageModel
{
    public static readonly int[] Ages = [3, 7, 30];

    [BindProperty(SupportsGet = true)] public ClaimChannel? Channel { get; set; }
    [BindProperty(SupportsGet = true)] public int? Group { get; set; }
    [BindProperty(SupportsGet = true)] public string? Rule { get; set; }
    [BindProperty(SupportsGet = true)] public int? Age { get; set; }

    /// <summary>The claim just decided, and how, shown after the redirect.</summary>
    [BindProperty(SupportsGet = true)] public long? Done { get; set; }
    [BindProperty(SupportsGet = true)] public ClaimState? Outcome { get; set; }

    [BindProperty] public long Number { get; set; }
    [BindProperty] public ClaimDecision? Decision { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? FormKey { get; set; }

    public Village Village { get; private set; } = null!;
    public IReadOnlyList<ReviewItem> Items { get; private set; } = [];
    public IReadOnlyList<FilterOption> Groups { get; private set; } = [];
    public IReadOnlyList<FilterOption> Rules { get; private set; } = [];

    /// <summary>The claim whose decision was refused, the reason in the reader's language, and what was typed.</summary>
    public long? ErrorNumber { get; private set; }
    public string? ErrorMessage { get; private set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string EvidencePath(Guid id) => $"/api/v1/villages/{Uri.EscapeDataString(Village.Code)}/evidence/{id}";

    public string ClaimPath(long number) => string.Create(CultureInfo.InvariantCulture, $"{VillagePath}/claims/{number}");

    /// <summary>The queue's address with its filters, so a decision comes back to the same view.</summary>
    public string QueryString()
    {
        var parts = new List<string>();
        if (Channel is { } c) parts.Add("Channel=" + c);
        if (Group is { } g) parts.Add("Group=" + g.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrWhiteSpace(Rule)) parts.Add("Rule=" + Uri.EscapeDataString(Rule));
        if (Age is { } a) parts.Add("Age=" + a.ToString(CultureInfo.InvariantCulture));
        return string.Join('&', parts);
    }

    public static string NewFormKey() => Guid.NewGuid().ToString("N");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDecideAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        try
        {
            if (Decision is not { } decision)
                throw new DomainException("claim.decision-invalid", "A decision is Approve, Reject or Return.");
            var key = FormKey is { Length: > 0 and <= 64 } k && k.All(char.IsAsciiLetterOrDigit) ? "ui-review-" + k : null;
            var claim = await desk.DecideAsync(new DecideClaim(Village.Id, Number, grant.UserId, decision, Reason, key), ct);
            var query = QueryString();
            return Redirect($"{VillagePath}/review?{(query.Length > 0 ? query + "&" : "")}Done={claim.Number}&Outcome={claim.State}#queue");
        }
        catch (DomainException ex)
        {
            ErrorNumber = Number;
            var localized = text[ex.Code];
            ErrorMessage = localized.ResourceNotFound ? ex.Message : localized.Value;
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        if (Age is { } age && !Ages.Contains(age))
            Age = null;
        Items = await queries.QueueAsync(grant, new ClaimFilter(Channel: Channel, GroupNo: Group, RuleCode: Rule, OlderThanDays: Age,
            Take: ClaimQueries.MaxTake), time, ct);
        Groups = (await db.VillagerGroups.AsNoTracking().Where(g => g.VillageId == Village.Id).OrderBy(g => g.Number).ToListAsync(ct))
            .Select(g => new FilterOption(g.Number.ToString(CultureInfo.InvariantCulture), g.Name)).ToList();
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        Rules = (await db.Rules.AsNoTracking().Where(r => r.VillageId == Village.Id && r.RetiredAt == null).OrderBy(r => r.Code).ToListAsync(ct))
            .Select(r => new FilterOption(r.Code, english ? r.NameEn : r.NameZh)).ToList();
    }
}
