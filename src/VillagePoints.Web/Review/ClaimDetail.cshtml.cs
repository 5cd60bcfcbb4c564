using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Claims;

namespace VillagePoints.Web.Review;

/// <summary>One step in a claim's life, for its timeline.</summary>
public sealed record ClaimStep(string Label, string? Who, DateTimeOffset? When, string? Reason);

/// <summary>
/// One claim as whoever may see it reads it (its submitter, its household, the reviewers): the score and its explanation,
/// the photos, and a timeline from submission to the outcome with its reason. A deduction shows the household its evidence.
/// </summary>
public sealed class ClaimDetailModel(ClaimQueries queries) : PageModel
{
    public Village Village { get; private set; } = null!;
    public ClaimView Claim { get; private set; } = null!;
    public IReadOnlyList<Guid> PhotoIds { get; private set; } = [];
    public IReadOnlyList<ClaimStep> Steps { get; private set; } = [];
    public bool CanReview { get; private set; }

    /// <summary>The reader reviews the village's claims; otherwise they came from their own claims.</summary>
    public bool IsReviewer { get; private set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string EvidencePath(Guid id) => $"/api/v1/villages/{Uri.EscapeDataString(Village.Code)}/evidence/{id}";

    public async Task<IActionResult> OnGetAsync(long number, CancellationToken ct)
    {
        var grant = HttpContext.Grant();
        Village = grant.Village;
        var claim = await queries.FindAsync(grant, number, ct);
        if (claim is null)
            return NotFound();
        Claim = await queries.ViewAsync(claim, ct);
        PhotoIds = (await queries.PhotoIdsAsync(Village.Id, [number], ct)).GetValueOrDefault(number.ToString(CultureInfo.InvariantCulture)) ?? [];
        IsReviewer = grant.Has(VillagePermission.ReviewClaims);
        CanReview = IsReviewer && claim.Waiting;
        var steps = new List<ClaimStep> { new("Submitted", Claim.SubmittedBy, Claim.SubmittedAt, null) };
        if (Claim.FirstReviewedBy is { } first)
            steps.Add(new ClaimStep("FirstReviewed", first, claim.FirstReviewedAt, null));
        if (Claim.FirstApprovedBy is { } approver)
            steps.Add(new ClaimStep("FirstApproval", approver, null, null));
        if (!claim.Waiting)
            steps.Add(new ClaimStep(Claim.State.ToString(), Claim.ResolvedBy, Claim.ResolvedAt, Claim.ResolutionReason));
        Steps = steps;
        return Page();
    }
}
