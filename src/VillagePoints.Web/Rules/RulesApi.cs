using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VillagePoints.Core;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Rules;

public sealed record CreateRuleCategoryRequest(string? Code, string? NameZh, string? NameEn, int? SortOrder);

/// <summary>What a version states. <c>effectiveFrom</c> defaults to today (Asia/Shanghai) and may not be in the past.</summary>
public sealed record RuleTermsRequest(
    int? BasePoints,
    List<ClaimChannel>? Channels,
    DateOnly? EffectiveFrom,
    decimal? PointsPerHour,
    decimal? HourStep,
    HoursRounding? HoursRounding,
    List<WeightLevel>? DifficultyLevels,
    List<WeightLevel>? EffectLevels,
    int? CapPerDay,
    int? CapPerMonth,
    int? CapPerYear,
    bool? EvidenceRequired,
    bool? HonourPoints)
{
    public RuleTerms ToTerms() => new(BasePoints ?? 0, Channels ?? [], EffectiveFrom, PointsPerHour, HourStep ?? 0.5m,
        HoursRounding ?? Core.Rules.HoursRounding.Down, DifficultyLevels, EffectLevels, CapPerDay, CapPerMonth, CapPerYear,
        EvidenceRequired ?? false, HonourPoints ?? false);
}

public sealed record CreateRuleRequest(string? Category, string? Code, string? NameZh, string? NameEn, string? Description,
    RuleDirection? Direction, RuleTermsRequest? Terms);

/// <summary>A draft and the inputs to try on it; the household's totals for the cap periods default to nothing yet.</summary>
public sealed record RulePreviewRequest(RuleDirection? Direction, RuleTermsRequest? Terms, decimal? Hours, string? Difficulty, string? Effect,
    int? DayTotal, int? MonthTotal, int? YearTotal, string? Name);

public sealed record RulePreview(int Points, string Explanation, string ExplanationZh, string ExplanationEn, int Uncapped, int CappedOff,
    CapPeriod? CapReached);

/// <summary>The village's 积分细则: everyone in the village reads them, the committee edits them.</summary>
public static class RulesApi
{
    public static RouteGroupBuilder MapRulesApi(this RouteGroupBuilder village)
    {
        var categories = village.MapGroup("/rule-categories").WithTags("Rules");
        categories.MapGet("/", Categories).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The village's rule categories, in their order.");
        categories.MapPost("/", CreateCategory).RequireVillage(VillagePermission.ManageRules)
            .WithSummary("Add a rule category (committee). Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        var rules = village.MapGroup("/rules").WithTags("Rules");
        rules.MapGet("/", List).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The rules, by category: each with its signed base points and the version in force today; ?includeRetired=true lists retired ones too.");
        rules.MapGet("/{ruleCode}", Get).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("One rule with its version history, newest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        rules.MapPost("/", Create).RequireVillage(VillagePermission.ManageRules)
            .WithSummary("Add a rule with its first version (committee). Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        rules.MapPost("/{ruleCode}/versions", Publish).RequireVillage(VillagePermission.ManageRules)
            .WithSummary("Publish a new version of a rule from an effective date, today or later (committee). Entries keep the version they were scored with. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        rules.MapPost("/{ruleCode}/retirement", Retire).RequireVillage(VillagePermission.ManageRules)
            .WithSummary("Retire a rule: it takes no new claims, its history stays (committee). Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        rules.MapPost("/preview", Preview).RequireVillage(VillagePermission.ManageRules)
            .WithSummary("Score inputs against a draft version without saving anything (committee): the points and the explanation the villager would see.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return village;
    }

    public static async Task<Ok<List<RuleCategoryView>>> Categories(HttpContext http, RuleQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.CategoriesAsync(http.Grant().Village.Id, ct));

    public static async Task<Created<RuleCategoryView>> CreateCategory(HttpContext http, RuleBook book, CreateRuleCategoryRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var category = await book.CreateCategoryAsync(new CreateRuleCategory(grant.Village.Id, request.Code ?? "", request.NameZh ?? "",
            request.NameEn ?? "", request.SortOrder ?? 0, grant.UserId, idempotencyKey), ct);
        return TypedResults.Created($"/api/v1/villages/{Uri.EscapeDataString(grant.Village.Code)}/rule-categories", RuleQueries.View(category));
    }

    public static async Task<Ok<List<RuleSummary>>> List(HttpContext http, RuleQueries queries, [FromQuery] bool? includeRetired, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(http.Grant().Village.Id, includeRetired ?? false, ct));

    public static async Task<Ok<RuleDetail>> Get(HttpContext http, RuleQueries queries, string ruleCode, CancellationToken ct) =>
        TypedResults.Ok(await queries.DetailAsync(http.Grant().Village.Id, ruleCode, ct) ?? throw NotFound());

    public static async Task<Created<RuleDetail>> Create(HttpContext http, RuleBook book, RuleQueries queries, CreateRuleRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var (rule, _) = await book.CreateAsync(new CreateRule(grant.Village.Id, request.Category ?? "", request.Code ?? "", request.NameZh ?? "",
            request.NameEn ?? "", request.Description, request.Direction ?? RuleDirection.Award, (request.Terms ?? Empty).ToTerms(),
            grant.UserId, idempotencyKey), ct);
        return TypedResults.Created(Location(grant.Village.Code, rule.Code), (await queries.DetailAsync(grant.Village.Id, rule.Code, ct))!);
    }

    public static async Task<Created<RuleDetail>> Publish(HttpContext http, RuleBook book, RuleQueries queries, string ruleCode,
        RuleTermsRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        await book.PublishAsync(new PublishRuleVersion(grant.Village.Id, ruleCode, request.ToTerms(), grant.UserId, idempotencyKey), ct);
        return TypedResults.Created(Location(grant.Village.Code, ruleCode), (await queries.DetailAsync(grant.Village.Id, ruleCode, ct))!);
    }

    public static async Task<Ok<RuleDetail>> Retire(HttpContext http, RuleBook book, RuleQueries queries, string ruleCode,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        await book.RetireAsync(new RetireRule(grant.Village.Id, ruleCode, grant.UserId, idempotencyKey), ct);
        return TypedResults.Ok((await queries.DetailAsync(grant.Village.Id, ruleCode, ct))!);
    }

    /// <summary>Writes nothing, so a repeated preview is harmless; the key is still checked like every POST's.</summary>
    public static Ok<RulePreview> Preview(RulePreviewRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var score = RuleBook.Preview(request.Direction ?? RuleDirection.Award, (request.Terms ?? Empty).ToTerms(),
            new ScoringInputs(request.Hours, request.Difficulty, request.Effect),
            new HouseholdTotals(request.DayTotal ?? 0, request.MonthTotal ?? 0, request.YearTotal ?? 0));
        var name = string.IsNullOrWhiteSpace(request.Name) ? "" : request.Name.Trim();
        var names = new RuleVersionNames(name, name);
        var zh = score.Explain(names, CultureInfo.GetCultureInfo("zh-CN")).TrimStart(' ', ':');
        var en = score.Explain(names, CultureInfo.GetCultureInfo("en-US")).TrimStart(' ', ':');
        return TypedResults.Ok(new RulePreview(score.Points, RuleQueries.English ? en : zh, zh, en, score.Uncapped, score.CappedOff, score.CapReached));
    }

    private static readonly RuleTermsRequest Empty = new(null, null, null, null, null, null, null, null, null, null, null, null, null);

    public static string Location(string villageCode, string ruleCode) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/rules/{Uri.EscapeDataString(ruleCode)}");

    private static DomainException NotFound() => new("rule.not-found", "No such rule in this village.", DomainErrorKind.NotFound);
}
