using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Rules;

/// <summary>
/// The village's 积分细则 as everyone in the village reads them: how points are earned and lost, by category,
/// at the points in force today. The committee adds a rule here.
/// </summary>
public sealed class RulesIndexModel(RuleQueries queries, RuleBook book, IStringLocalizer<SharedResource> text) : PageModel
{
    public Village Village { get; private set; } = null!;
    public IReadOnlyList<RuleCategoryView> Categories { get; private set; } = [];
    public IReadOnlyList<RuleSummary> Rules { get; private set; } = [];
    public bool CanManage { get; private set; }
    public List<RuleFormError> Errors { get; } = [];

    [BindProperty] public string? Category { get; set; }
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? NameZh { get; set; }
    [BindProperty] public string? NameEn { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public RuleDirection Direction { get; set; }
    [BindProperty] public RuleVersionForm Terms { get; set; } = new() { Channels = [ClaimChannel.SelfDeclaration, ClaimChannel.Patrol] };
    [BindProperty] public string FormKey { get; set; } = Guid.NewGuid().ToString("N");
    [BindProperty] public string? CategoryCode { get; set; }
    [BindProperty] public string? CategoryNameZh { get; set; }
    [BindProperty] public string? CategoryNameEn { get; set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";
    public string RulePath(string code) => $"{VillagePath}/rules/{Uri.EscapeDataString(code)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!CanManage)
            return Forbid();
        if (!ModelState.IsValid)
        {
            Errors.Add(new RuleFormError(text["Binding.Invalid"].Value, "version-points"));
            return Page();
        }
        try
        {
            var grant = HttpContext.Grant();
            var (rule, _) = await book.CreateAsync(new CreateRule(Village.Id, Category ?? "", Code ?? "", NameZh ?? "", NameEn ?? "",
                Description, Direction, Terms.ToTerms(null), grant.UserId, Key("rule")), ct);
            return Redirect(RulePath(rule.Code) + "?created=1");
        }
        catch (DomainException ex)
        {
            Errors.Add(RulePageText.Error(text, ex));
            return Page();
        }
    }

    public async Task<IActionResult> OnPostCategoryAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!CanManage)
            return Forbid();
        try
        {
            await book.CreateCategoryAsync(new CreateRuleCategory(Village.Id, CategoryCode ?? "", CategoryNameZh ?? "", CategoryNameEn ?? "",
                Categories.Count + 1, HttpContext.Grant().UserId, Key("category")), ct);
            return Redirect($"{VillagePath}/rules");
        }
        catch (DomainException ex)
        {
            var error = RulePageText.Error(text, ex);
            Errors.Add(error with { Target = "category-code" });
            return Page();
        }
    }

    private string? Key(string action) => FormKey is { Length: > 0 and <= 64 } && FormKey.All(char.IsAsciiLetterOrDigit)
        ? $"ui-{action}-{FormKey}"
        : null;

    private async Task LoadAsync(CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        CanManage = grant.Has(VillagePermission.ManageRules);
        Categories = await queries.CategoriesAsync(Village.Id, ct);
        Rules = await queries.ListAsync(Village.Id, includeRetired: false, ct);
    }
}
