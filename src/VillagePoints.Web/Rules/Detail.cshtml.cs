using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Rules;

/// <summary>
/// One rule: what it scores today and its version history. The committee drafts a new version here, tries
/// inputs against the draft (the preview saves nothing) and publishes it, or retires the rule.
/// </summary>
public sealed class RuleDetailModel(RuleQueries queries, RuleBook book, VillagePointsDb db, IStringLocalizer<SharedResource> text) : PageModel
{
    public Village Village { get; private set; } = null!;
    public RuleDetail Rule { get; private set; } = null!;
    public RuleVersionView Current { get; private set; } = null!;
    public bool CanManage { get; private set; }
    public List<RuleFormError> Errors { get; } = [];
    public string? PreviewText { get; private set; }
    public int? PreviewPoints { get; private set; }
    public string? Done { get; private set; }

    [BindProperty] public RuleVersionForm Terms { get; set; } = new();
    [BindProperty] public decimal? Hours { get; set; }
    [BindProperty] public string? Difficulty { get; set; }
    [BindProperty] public string? Effect { get; set; }
    [BindProperty] public string FormKey { get; set; } = Guid.NewGuid().ToString("N");

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";
    public string RulesPath => $"{VillagePath}/rules";
    public string RulePath => $"{RulesPath}/{Uri.EscapeDataString(Rule.Rule.Code)}";

    public async Task<IActionResult> OnGetAsync(string ruleCode, [FromQuery] string? created, [FromQuery] int? published,
        [FromQuery] string? retired, CancellationToken ct)
    {
        if (!await LoadAsync(ruleCode, ct))
            return NotFound();
        Terms = RuleVersionForm.From(Current);
        if (created is not null)
            Done = text["Rules.Created"].Value;
        else if (published is { } n)
            Done = text["Rules.Published", n].Value;
        else if (retired is not null)
            Done = text["Rules.RetiredDone"].Value;
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(string ruleCode, CancellationToken ct)
    {
        if (!await LoadAsync(ruleCode, ct))
            return NotFound();
        if (!CanManage)
            return Forbid();
        try
        {
            var score = RuleBook.Preview(Rule.Rule.Direction, Terms.ToTerms(await CurrentVersionAsync(ct)),
                new ScoringInputs(Hours, Difficulty, Effect), HouseholdTotals.None);
            PreviewPoints = score.Points;
            PreviewText = score.Explain(new RuleVersionNames(Rule.Rule.NameZh, Rule.Rule.NameEn), CultureInfo.CurrentUICulture);
        }
        catch (DomainException ex)
        {
            Errors.Add(RulePageText.Error(text, ex));
        }
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(string ruleCode, CancellationToken ct)
    {
        if (!await LoadAsync(ruleCode, ct))
            return NotFound();
        if (!CanManage)
            return Forbid();
        try
        {
            var version = await book.PublishAsync(new PublishRuleVersion(Village.Id, ruleCode, Terms.ToTerms(await CurrentVersionAsync(ct)),
                HttpContext.Grant().UserId, Key("publish")), ct);
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{RulePath}?published={version.Number}"));
        }
        catch (DomainException ex)
        {
            Errors.Add(RulePageText.Error(text, ex));
            return Page();
        }
    }

    public async Task<IActionResult> OnPostRetireAsync(string ruleCode, CancellationToken ct)
    {
        if (!await LoadAsync(ruleCode, ct))
            return NotFound();
        if (!CanManage)
            return Forbid();
        try
        {
            await book.RetireAsync(new RetireRule(Village.Id, ruleCode, HttpContext.Grant().UserId, Key("retire")), ct);
            return Redirect($"{RulePath}?retired=1");
        }
        catch (DomainException ex)
        {
            Errors.Add(RulePageText.Error(text, ex));
            return Page();
        }
    }

    private string? Key(string action) => FormKey is { Length: > 0 and <= 64 } && FormKey.All(char.IsAsciiLetterOrDigit)
        ? $"ui-rule-{action}-{FormKey}"
        : null;

    private Task<RuleVersion?> CurrentVersionAsync(CancellationToken ct) =>
        db.RuleVersions.AsNoTracking().Join(db.Rules.Where(r => r.VillageId == Village.Id && r.Code == Rule.Rule.Code),
                v => new { v.VillageId, v.RuleId }, r => new { r.VillageId, RuleId = r.Id }, (v, _) => v)
            .Where(v => v.Number == Current.Number).SingleOrDefaultAsync(ct);

    private async Task<bool> LoadAsync(string ruleCode, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        CanManage = grant.Has(VillagePermission.ManageRules);
        if (await queries.DetailAsync(Village.Id, ruleCode, ct) is not { } rule)
            return false;
        Rule = rule;
        Current = rule.Versions.FirstOrDefault(v => v.InForce) ?? rule.Versions[^1];
        return true;
    }
}
