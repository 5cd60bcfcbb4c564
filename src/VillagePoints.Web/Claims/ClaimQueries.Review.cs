using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Claims;

/// <summary>How a list of claims is narrowed. <see cref="ToReview"/> keeps only the claims waiting for the reader's own step.</summary>
public sealed record ClaimFilter(
    ClaimState? State = null,
    ClaimChannel? Channel = null,
    int? HouseholdNo = null,
    int? GroupNo = null,
    string? RuleCode = null,
    int? OlderThanDays = null,
    bool ToReview = false,
    int Take = 50,
    long? InspectionNumber = null);

/// <summary>A claim in a reviewer's queue: the claim, its household's villager group, how long it has waited and its photos.</summary>
public sealed record ReviewItem(ClaimView Claim, int GroupNo, int WaitingDays, IReadOnlyList<Guid> PhotoIds);

public sealed partial class ClaimQueries
{
    public const int MaxTake = 200;
    public const int MaxOlderThanDays = 3650;

    private static readonly Role[] CommitteeRoles = [Role.CommitteeMember, Role.CommitteeChair];

    /// <summary>
    /// Claims as the filter says: newest first, or, for a reviewer's own queue, oldest first. A reviewer's queue holds
    /// what they may decide: their step (the review group's first step or the committee's), never a claim they
    /// submitted, one about a household their role links them to, one they already approved or reviewed first.
    /// </summary>
    public async Task<List<ClaimView>> ListAsync(VillageGrant grant, ClaimFilter filter, TimeProvider time, CancellationToken ct) =>
        (await SelectAsync(grant, filter, time, ct)).Claims;

    public async Task<List<ReviewItem>> QueueAsync(VillageGrant grant, ClaimFilter filter, TimeProvider time, CancellationToken ct)
    {
        var (views, claims) = await SelectAsync(grant, filter with { ToReview = true }, time, ct);
        var villageId = grant.Village.Id;
        var householdIds = claims.Select(c => c.HouseholdId).Distinct().ToList();
        var groups = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && householdIds.Contains(h.Id))
            .Join(db.VillagerGroups, h => new { h.VillageId, Id = h.GroupId }, g => new { g.VillageId, g.Id }, (h, g) => new { h.Id, g.Number })
            .ToDictionaryAsync(x => x.Id, x => x.Number, ct);
        var photos = await PhotoIdsAsync(villageId, claims.Select(c => c.Number).ToList(), ct);
        var today = BusinessCalendar.Today(time);
        return claims.Select((c, i) => new ReviewItem(views[i], groups.GetValueOrDefault(c.HouseholdId),
            Math.Max(0, today.DayNumber - DateOnly.FromDateTime(c.SubmittedAt.UtcDateTime).DayNumber),
            photos.GetValueOrDefault(c.Number.ToString(CultureInfo.InvariantCulture)) ?? [])).ToList();
    }

    /// <summary>The evidence photos of claims, by the claim's number as their owner reference, in upload order.</summary>
    public async Task<Dictionary<string, List<Guid>>> PhotoIdsAsync(Guid villageId, IReadOnlyCollection<long> numbers, CancellationToken ct)
    {
        var refs = numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)).ToList();
        var rows = await db.EvidencePhotos.AsNoTracking()
            .Where(p => p.VillageId == villageId && p.OwnerKind == EvidenceOwnerKind && refs.Contains(p.OwnerRef))
            .Select(p => new { p.OwnerRef, p.Id }).ToListAsync(ct);
        // Ids are time-ordered, so this is upload order.
        return rows.GroupBy(r => r.OwnerRef, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Id).Order().ToList(), StringComparer.Ordinal);
    }

    private async Task<(List<ClaimView> Claims, List<Claim> Rows)> SelectAsync(VillageGrant grant, ClaimFilter f, TimeProvider time, CancellationToken ct)
    {
        if (f.OlderThanDays is < 0 or > MaxOlderThanDays)
            throw new DomainException("claim.filter-invalid", $"olderThanDays is between 0 and {MaxOlderThanDays}.");
        var villageId = grant.Village.Id;
        var claims = Visible(grant);
        if (f.State is { } state)
            claims = claims.Where(c => c.State == state);
        if (f.Channel is { } channel)
            claims = claims.Where(c => c.Channel == channel);
        if (f.HouseholdNo is { } householdNo)
        {
            var households = db.Households.Where(h => h.VillageId == villageId && h.Number == householdNo).Select(h => h.Id);
            claims = claims.Where(c => households.Contains(c.HouseholdId));
        }
        if (f.GroupNo is { } groupNo)
        {
            var inGroup = db.Households.Where(h => h.VillageId == villageId)
                .Join(db.VillagerGroups.Where(g => g.VillageId == villageId && g.Number == groupNo), h => h.GroupId, g => g.Id, (h, g) => h.Id);
            claims = claims.Where(c => inGroup.Contains(c.HouseholdId));
        }
        if (!string.IsNullOrWhiteSpace(f.RuleCode))
        {
            var code = f.RuleCode.Trim();
            var rule = db.Rules.Where(r => r.VillageId == villageId && r.Code == code).Select(r => r.Id);
            claims = claims.Where(c => rule.Contains(c.RuleId));
        }
        if (f.InspectionNumber is { } inspection)
            claims = claims.Where(c => c.InspectionNumber == inspection);
        if (f.ToReview)
            claims = await ForMyStepAsync(grant, claims, ct);

        var ordered = f.ToReview ? claims.OrderBy(c => c.Number) : claims.OrderByDescending(c => c.Number);
        var take = Math.Clamp(f.Take, 1, MaxTake);
        List<Claim> rows;
        if (f.OlderThanDays is { } days)
        {
            // SQLite cannot compare DateTimeOffset values, so the age is checked here over the numbers and submission times.
            var cutoff = time.GetUtcNow().AddDays(-days);
            var candidates = await ordered.Select(c => new { c.Number, c.SubmittedAt }).ToListAsync(ct);
            var numbers = candidates.Where(c => c.SubmittedAt <= cutoff).Take(take).Select(c => c.Number).ToList();
            rows = await claims.Where(c => numbers.Contains(c.Number)).ToListAsync(ct);
            rows = f.ToReview ? rows.OrderBy(c => c.Number).ToList() : rows.OrderByDescending(c => c.Number).ToList();
        }
        else
        {
            rows = await ordered.Take(take).ToListAsync(ct);
        }
        return (await ToViewsAsync(villageId, rows, ct), rows);
    }

    /// <summary>The states this user decides, and the claims they may not decide left out (as <see cref="ClaimDesk.DecideAsync"/> refuses them).</summary>
    private async Task<IQueryable<Claim>> ForMyStepAsync(VillageGrant grant, IQueryable<Claim> claims, CancellationToken ct)
    {
        var me = grant.UserId;
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.UserId == me && r.VillageId == grant.Village.Id)
            .Select(r => new { r.Role, r.HouseholdId }).ToListAsync(ct);
        var states = new List<ClaimState>();
        var committee = roles.Any(r => CommitteeRoles.Contains(r.Role));
        if (grant.Village.Settings.TwoStepReview)
        {
            if (roles.Any(r => r.Role == Role.ReviewGroup))
                states.Add(ClaimState.Submitted);
            if (committee)
                states.Add(ClaimState.FirstReviewed);
        }
        else if (committee)
        {
            states.Add(ClaimState.Submitted);
        }
        var own = roles.Where(r => r.HouseholdId is not null).Select(r => r.HouseholdId!.Value).Distinct().ToList();
        return claims.Where(c => states.Contains(c.State) && c.SubmittedBy != me && !own.Contains(c.HouseholdId)
            && (c.FirstApproverId == null || c.FirstApproverId != me) && (c.FirstReviewedBy == null || c.FirstReviewedBy != me));
    }
}
