using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Claims;

/// <summary>One household ticked against one checklist rule in a group inspection.</summary>
public sealed record InspectionMark(int HouseholdNo, string RuleCode, string? Note = null);

/// <summary>A review group's inspection of one villager group (e.g. the monthly sanitation check).</summary>
public sealed record RecordInspection(Guid VillageId, int GroupNo, DateOnly OccurredOn, IReadOnlyList<InspectionMark> Marks, Guid SubmittedBy,
    string? IdempotencyKey = null);

/// <summary>What an inspection wrote: its number and the claims, in the order of the marks.</summary>
public sealed record InspectionRecorded(long InspectionNumber, IReadOnlyList<Claim> Claims);

/// <summary>A mark of an inspection was refused; <see cref="Mark"/> (0-based) says which, so the whole batch can be fixed.</summary>
public sealed class InspectionMarkException(int mark, InspectionMark what, DomainException inner)
    : DomainException(inner.Code, $"Mark {mark + 1} (household {what.HouseholdNo}, rule '{what.RuleCode}'): {inner.Message}", inner.Kind)
{
    public int Mark { get; } = mark;
    public InspectionMark What { get; } = what;
}

/// <summary>
/// Group inspection (小组检查): a grid of a villager group's households × checklist rules, saved as one batch of claims
/// through the GroupInspection channel. Every mark is checked and scored first; then all claims are written in one
/// transaction with one inspection number, or none is.
/// </summary>
public sealed class GroupInspections(VillagePointsDb db, ClaimDesk desk, LedgerPosting posting, TimeProvider time)
{
    public const string Operation = "claim.inspection";
    public const int MaxMarks = 500;

    public async Task<InspectionRecorded> RecordAsync(RecordInspection c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        if (c.Marks.Count == 0)
            throw new DomainException("inspection.no-marks", "An inspection records at least one mark.");
        if (c.Marks.Count > MaxMarks)
            throw new DomainException("inspection.too-many-marks", $"An inspection records at most {MaxMarks} marks.");
        var group = await db.VillagerGroups.AsNoTracking().Where(g => g.VillageId == c.VillageId && g.Number == c.GroupNo)
            .Select(g => (Guid?)g.Id).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("inspection.group-not-found", "No such villager group in this village.", DomainErrorKind.NotFound);
        var numbers = c.Marks.Select(m => m.HouseholdNo).Distinct().ToList();
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == c.VillageId && numbers.Contains(h.Number))
            .ToDictionaryAsync(h => h.Number, ct);

        var seen = new HashSet<(int, string)>();
        var scored = new List<Claim>(c.Marks.Count);
        for (var i = 0; i < c.Marks.Count; i++)
        {
            var mark = c.Marks[i];
            try
            {
                if (string.IsNullOrWhiteSpace(mark.RuleCode))
                    throw new DomainException("claim.fields-required", "A mark needs a household number and a rule code.");
                if (!households.TryGetValue(mark.HouseholdNo, out var household))
                    throw new DomainException("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);
                if (household.GroupId != group)
                    throw new DomainException("inspection.household-not-in-group", "The household is not in the inspected villager group.");
                if (!seen.Add((mark.HouseholdNo, mark.RuleCode.Trim())))
                    throw new DomainException("inspection.duplicate-mark", "The same household is marked twice with the same rule.");
                var s = await desk.ScoreAsync(new SubmitClaim(c.VillageId, ClaimChannel.GroupInspection, household.Id, mark.RuleCode, c.OccurredOn,
                    c.SubmittedBy, Note: mark.Note), ct);
                scored.Add(s.Claim);
            }
            catch (DomainException ex) when (ex is not InspectionMarkException)
            {
                throw new InspectionMarkException(i, mark, ex);
            }
        }

        var requestHash = Idempotency.Fingerprint(Operation).Add(c.VillageId).Add(c.GroupNo).Add(c.OccurredOn).Add(c.SubmittedBy)
            .AddList(c.Marks, (f, m) => f.Add(m.HouseholdNo).Add(m.RuleCode.Trim()).Add(string.IsNullOrWhiteSpace(m.Note) ? null : m.Note.Trim()))
            .Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, requestHash, token) is { } earlier)
                return earlier;
            await using var tx = await db.Database.BeginTransactionAsync(token);
            await posting.LockAsync(c.VillageId, token);
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, requestHash, token) is { } twin)
                return twin;
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var lastClaim = await db.Claims.Where(x => x.VillageId == c.VillageId).MaxAsync(x => (long?)x.Number, token) ?? 0;
            var inspection = (await db.Claims.Where(x => x.VillageId == c.VillageId).MaxAsync(x => x.InspectionNumber, token) ?? 0) + 1;
            // Fresh objects per attempt: a retried attempt must not carry the tracked state of the failed one.
            var claims = scored.Select((s, i) => Copy(s, Ids.New(now), lastClaim + 1 + i, inspection, now)).ToList();
            db.Claims.AddRange(claims);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, Operation, requestHash, inspection, now);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return new InspectionRecorded(inspection, claims);
        }, [ClaimConstraints.Number], ct);
    }

    private async Task<InspectionRecorded?> ReplayAsync(Guid villageId, string? key, string hash, CancellationToken ct)
    {
        var number = await Idempotency.ReplayAsync<long?>(db, villageId, key, Operation, hash, ct);
        if (number is not { } n)
            return null;
        var claims = await db.Claims.AsNoTracking().Where(x => x.VillageId == villageId && x.InspectionNumber == n).OrderBy(x => x.Number).ToListAsync(ct);
        return new InspectionRecorded(n, claims);
    }

    private static Claim Copy(Claim s, Guid id, long number, long inspection, DateTimeOffset now) => new()
    {
        VillageId = s.VillageId, Id = id, Number = number, Channel = s.Channel, HouseholdId = s.HouseholdId, RuleId = s.RuleId,
        RuleVersion = s.RuleVersion, OccurredOn = s.OccurredOn, Hours = s.Hours, Difficulty = s.Difficulty, Effect = s.Effect, Note = s.Note,
        Points = s.Points, ExplanationZh = s.ExplanationZh, ExplanationEn = s.ExplanationEn, State = ClaimState.Submitted,
        SubmittedBy = s.SubmittedBy, SubmittedAt = now, InspectionNumber = inspection,
    };
}
