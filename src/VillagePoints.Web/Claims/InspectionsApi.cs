using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Claims;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Claims;

public sealed record InspectionMarkRequest(int? HouseholdNo, string? RuleCode, string? Note);

public sealed record InspectionRequest(int? GroupNo, DateOnly? OccurredOn, IReadOnlyList<InspectionMarkRequest>? Marks);

/// <summary>What a group inspection wrote: its number within the village and one claim per mark, in the order of the marks.</summary>
public sealed record InspectionView(long InspectionNumber, IReadOnlyList<ClaimView> Claims);

/// <summary>Group inspection (小组检查): a villager group's households × checklist rules, saved as one batch of claims.</summary>
public static class InspectionsApi
{
    public static RouteGroupBuilder MapInspectionsApi(this RouteGroupBuilder claims)
    {
        claims.MapPost("/inspections", Record).RequireVillage(VillagePermission.ReviewClaims)
            .WithSummary("Record a group inspection: every mark becomes a claim through the GroupInspection channel, all in one transaction under one inspection number, or none; a refused mark is named in the problem (mark, householdNo, ruleCode). Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return claims;
    }

    public static async Task<Results<Created<InspectionView>, ProblemHttpResult>> Record(HttpContext http, GroupInspections inspections,
        ClaimQueries queries, IStringLocalizer<SharedResource> text, InspectionRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        if (request.GroupNo is not { } groupNo || request.OccurredOn is not { } occurredOn || request.Marks is null)
            throw new DomainException("inspection.fields-required", "An inspection needs a group number, a date and its marks.");
        var marks = request.Marks.Select(m => new InspectionMark(m?.HouseholdNo ?? 0, m?.RuleCode ?? "", m?.Note)).ToList();
        try
        {
            var done = await inspections.RecordAsync(new RecordInspection(grant.Village.Id, groupNo, occurredOn, marks, grant.UserId, idempotencyKey), ct);
            var views = new List<ClaimView>();
            foreach (var claim in done.Claims)
                views.Add(await queries.ViewAsync(claim, ct));
            return TypedResults.Created(
                string.Create(CultureInfo.InvariantCulture, $"/api/v1/villages/{Uri.EscapeDataString(grant.Village.Code)}/claims?inspection={done.InspectionNumber}&take={ClaimQueries.MaxTake}"),
                new InspectionView(done.InspectionNumber, views));
        }
        catch (InspectionMarkException ex)
        {
            return MarkProblem(text, ex);
        }
    }

    /// <summary>The refused mark's own problem, prefixed with which mark it is, so the whole batch can be put right.</summary>
    public static ProblemHttpResult MarkProblem(IStringLocalizer<SharedResource> text, InspectionMarkException ex)
    {
        var reason = text[ex.Code];
        var detail = text["inspection.mark", ex.Mark + 1, ex.What.HouseholdNo, ex.What.RuleCode, reason.ResourceNotFound ? ex.Message : reason.Value].Value;
        return TypedResults.Problem(statusCode: ProblemMapping.StatusFor(ex.Kind), title: text["problem." + ProblemMapping.StatusFor(ex.Kind).ToString(CultureInfo.InvariantCulture)],
            detail: detail, type: $"urn:villagepoints:problem:{ex.Code}", extensions: new Dictionary<string, object?>
            {
                ["code"] = ex.Code,
                ["mark"] = ex.Mark + 1,
                ["householdNo"] = ex.What.HouseholdNo,
                ["ruleCode"] = ex.What.RuleCode,
            });
    }
}
