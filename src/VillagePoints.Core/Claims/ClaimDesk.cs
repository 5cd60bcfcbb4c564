using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notifications;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Claims;

public sealed record SubmitClaim(
    Guid VillageId,
    ClaimChannel Channel,
    Guid HouseholdId,
    string RuleCode,
    DateOnly OccurredOn,
    Guid SubmittedBy,
    decimal? Hours = null,
    string? Difficulty = null,
    string? Effect = null,
    string? Note = null,
    string? IdempotencyKey = null);

public sealed record DecideClaim(Guid VillageId, long Number, Guid ActorId, ClaimDecision Decision, string? Reason = null,
    string? IdempotencyKey = null);

/// <summary>One claim of a batch: the claim made, or why none was (the household reached the rule's cap).</summary>
public sealed record BatchClaimResult(Claim? Claim, string? NoClaimReason);

public sealed record WithdrawClaim(Guid VillageId, long Number, Guid ActorId, string? IdempotencyKey = null);

/// <summary>The submitter sends a returned claim back for review, with more evidence and optionally a new note.</summary>
public sealed record ResubmitClaim(Guid VillageId, long Number, Guid ActorId, string? Note = null, string? IdempotencyKey = null);

/// <summary>
/// Claims from the four channels, and their review. A claim is scored once, when it is submitted, by the rule
/// version in force on the day of the deed; its final approval posts that score to the ledger in the same
/// transaction as the claim's change. Nobody reviews a claim they submitted or one about their own household.
/// Every write honours an Idempotency-Key through <see cref="Idempotency"/>.
/// </summary>
public sealed class ClaimDesk(VillagePointsDb db, LedgerPosting posting, RuleBook rules, TimeProvider time)
{
    public const string SubmitOperation = "claim.submit";
    public const string DecideOperation = "claim.decide";
    public const string WithdrawOperation = "claim.withdraw";
    public const string ResubmitOperation = "claim.resubmit";

    /// <summary>Evidence photos of a claim are owned by ("claim", its number).</summary>
    public const string EvidenceOwnerKind = "claim";

    private static readonly Role[] Committee = [Role.CommitteeMember, Role.CommitteeChair];

    public async Task<Claim> SubmitAsync(SubmitClaim c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var scored = await ScoreAsync(c, ct);
        var hash = Idempotency.Fingerprint(SubmitOperation).Add(c.VillageId).Add(c.Channel).Add(c.HouseholdId).Add(scored.RuleCode).Add(c.OccurredOn)
            .Add(c.SubmittedBy).Add(c.Hours?.ToString(CultureInfo.InvariantCulture)).Add(c.Difficulty).Add(c.Effect).Add(scored.Claim.Note).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, SubmitOperation, hash, token) is { } earlier)
                return earlier;
            await using var tx = await db.Database.BeginTransactionAsync(token);
            await posting.LockAsync(c.VillageId, token);
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, SubmitOperation, hash, token) is { } twin)
                return twin;
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var last = await db.Claims.Where(x => x.VillageId == c.VillageId).MaxAsync(x => (long?)x.Number, token) ?? 0;
            var claim = Numbered(scored.Claim, last + 1, now);
            db.Claims.Add(claim);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, SubmitOperation, hash, claim.Id, now);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return claim;
        }, [ClaimConstraints.Number], ct);
    }

    /// <summary>
    /// Scores and adds a batch of claims inside the caller's open transaction, which must hold the village's
    /// chain-head lock (<see cref="LedgerPosting.LockAsync"/>) so their numbers cannot collide; the caller saves.
    /// Each claim passes exactly the checks and scoring of <see cref="SubmitAsync"/>. A claim whose household already
    /// reached the rule's cap is not made: its item carries the scored explanation instead.
    /// </summary>
    public async Task<IReadOnlyList<BatchClaimResult>> AddBatchWithinAsync(IReadOnlyList<SubmitClaim> batch, Guid? activityId,
        CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("AddBatchWithinAsync needs an open transaction.");
        var results = new List<BatchClaimResult>(batch.Count);
        var now = BusinessCalendar.Truncate(time.GetUtcNow());
        long? next = null;
        foreach (var c in batch)
        {
            ScoredClaim scored;
            try
            {
                scored = await ScoreAsync(c, ct);
            }
            catch (DomainException ex) when (ex.Code == CapReachedCode)
            {
                results.Add(new BatchClaimResult(null, ex.Message));
                continue;
            }
            next ??= (await db.Claims.Where(x => x.VillageId == c.VillageId).MaxAsync(x => (long?)x.Number, ct) ?? 0) + 1;
            var claim = Numbered(scored.Claim, next.Value, now);
            claim.ActivityId = activityId;
            next++;
            db.Claims.Add(claim);
            results.Add(new BatchClaimResult(claim, null));
        }
        return results;
    }

    private const string CapReachedCode = "claim.cap-reached";

    /// <summary>Gives a scored claim its id, its number in the village and its submission time, under the village's lock.</summary>
    private static Claim Numbered(Claim scored, long number, DateTimeOffset now)
    {
        scored.Id = Ids.New(now);
        scored.Number = number;
        scored.SubmittedAt = now;
        return scored;
    }

    /// <summary>A scored claim not yet numbered nor saved, and the rule code as it was matched.</summary>
    internal sealed record ScoredClaim(Claim Claim, string RuleCode);

    /// <summary>
    /// Checks a claim (channel, person, household, rule, dates, hours) and scores it, writing nothing. Its id, number and
    /// submission time are the caller's to set, under the village's lock.
    /// </summary>
    internal async Task<ScoredClaim> ScoreAsync(SubmitClaim c, CancellationToken ct)
    {
        if (!Enum.IsDefined(c.Channel))
            throw new DomainException("claim.channel-invalid", "A claim comes through one of the four channels.");
        if (c.Hours is { } h && (h <= 0 || h > RuleScoring.MaxHours))
            throw new DomainException("claim.hours-invalid", $"Hours must be more than 0 and at most {RuleScoring.MaxHours} a day.");
        var note = string.IsNullOrWhiteSpace(c.Note) ? null : c.Note.Trim();
        if (note is { Length: > ClaimLimits.MaxNoteLength })
            throw new DomainException("claim.note-too-long", $"A note has at most {ClaimLimits.MaxNoteLength} characters.");
        if (note is not null)
            StoredText.Check(note, "The note");
        LedgerPosting.CheckOccurredOnNotAfter(c.OccurredOn, BusinessCalendar.Today(time));
        var village = await db.Villages.AsNoTracking().Where(v => v.Id == c.VillageId).Select(v => new { v.StartedOn }).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
        LedgerPosting.CheckOccurredOnNotBeforeStart(c.OccurredOn, village.StartedOn);
        if (!await db.Households.AnyAsync(x => x.VillageId == c.VillageId && x.Id == c.HouseholdId, ct))
            throw new DomainException("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);
        await CheckChannelAsync(c, ct);

        var code = c.RuleCode.Trim();
        var rule = await db.Rules.AsNoTracking().SingleOrDefaultAsync(r => r.VillageId == c.VillageId && r.Code == code, ct)
            ?? throw new DomainException("rule.not-found", "No such rule in this village.", DomainErrorKind.NotFound);
        if (rule.Retired)
            throw new DomainException("claim.rule-retired", "This rule is retired; claims under it are no longer taken.", DomainErrorKind.Conflict);
        var versions = await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == c.VillageId && v.RuleId == rule.Id).ToListAsync(ct);
        // A deed done before the rule's first version is scored by that first version: the village agreed to it since.
        var version = RuleBook.InForce(versions, c.OccurredOn) ?? versions.MinBy(v => v.Number)!;
        if (!version.Channels.Contains(c.Channel))
            throw new DomainException("claim.channel-not-allowed", $"The rule '{rule.Code}' cannot be claimed through {c.Channel}.");
        var totals = await rules.TotalsAsync(c.VillageId, c.HouseholdId, rule.Id, c.OccurredOn, ct);
        var score = RuleScoring.Score(version, rule.Direction, new ScoringInputs(c.Hours, c.Difficulty, c.Effect), totals);
        if (score.Points == 0)
            throw new DomainException(CapReachedCode, score.Explain(new RuleVersionNames(rule.NameZh, rule.NameEn), CultureInfo.InvariantCulture));
        var names = new RuleVersionNames(rule.NameZh, rule.NameEn);
        var explanation = score.Explain(names, CultureInfo.GetCultureInfo("zh-CN"));
        var explanationEn = score.Explain(names, CultureInfo.GetCultureInfo("en-US"));

        return new ScoredClaim(new Claim
        {
            VillageId = c.VillageId, Channel = c.Channel, HouseholdId = c.HouseholdId,
            RuleId = rule.Id, RuleVersion = version.Number, OccurredOn = c.OccurredOn, Hours = c.Hours, Difficulty = c.Difficulty,
            Effect = c.Effect, Note = note, Points = score.Points, ExplanationZh = Clip(explanation, ClaimLimits.MaxExplanationLength),
            ExplanationEn = Clip(explanationEn, ClaimLimits.MaxExplanationLength),
            State = ClaimState.Submitted, SubmittedBy = c.SubmittedBy,
        }, code);
    }

    /// <summary>A reviewer approves, rejects or returns a waiting claim; the final approval posts the entry.</summary>
    public async Task<Claim> DecideAsync(DecideClaim c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        if (!Enum.IsDefined(c.Decision))
            throw new DomainException("claim.decision-invalid", "A decision is Approve, Reject or Return.");
        var reason = string.IsNullOrWhiteSpace(c.Reason) ? null : c.Reason.Trim();
        if (c.Decision != ClaimDecision.Approve && reason is null)
            throw new DomainException("claim.reason-required", "Say why the claim is rejected or returned.");
        if (reason is not null)
            LedgerPosting.ValidateReason(reason);
        var hash = Idempotency.Fingerprint(DecideOperation).Add(c.VillageId).Add(c.Number).Add(c.ActorId).Add(c.Decision).Add(reason).Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, DecideOperation, hash, token) is { } earlier)
                return earlier;
            await using var tx = await db.Database.BeginTransactionAsync(token);
            var claim = await FindAsync(c.VillageId, c.Number, token);
            var settings = await db.Villages.AsNoTracking().Where(v => v.Id == c.VillageId).Select(v => v.Settings).SingleAsync(token);
            if (!claim.Waiting)
            {
                // A double tap by the same person asking for the same outcome gets the first answer.
                if (claim.ResolvedBy == c.ActorId && claim.State == Outcome(c.Decision))
                    return claim;
                throw AlreadyResolved(claim);
            }
            if (c.ActorId == claim.SubmittedBy)
                throw new DomainException("claim.own-submission", "Someone else must review a claim you submitted.", DomainErrorKind.Forbidden);
            var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.UserId == c.ActorId && r.VillageId == c.VillageId)
                .Select(r => new { r.Role, r.HouseholdId }).ToListAsync(token);
            if (roles.Any(r => r.HouseholdId == claim.HouseholdId))
                throw new DomainException("claim.own-household", "Nobody reviews a claim about their own household.", DomainErrorKind.Forbidden);
            var firstStep = settings.TwoStepReview && claim.State == ClaimState.Submitted;
            var allowed = firstStep ? roles.Any(r => r.Role == Role.ReviewGroup) : roles.Any(r => Committee.Contains(r.Role));
            if (!allowed)
                throw new DomainException("claim.not-your-step", firstStep
                    ? "The review group reviews this claim first."
                    : "The committee makes the final decision on this claim.", DomainErrorKind.Forbidden);

            if (!firstStep && c.Decision == ClaimDecision.Approve && claim.FirstReviewedBy == c.ActorId)
                throw new DomainException("claim.same-reviewer", "The final approval is someone else's than the first review.",
                    DomainErrorKind.Forbidden);
            if (c.Decision == ClaimDecision.Approve && await NeedsEvidenceAsync(claim, token))
                throw new DomainException("claim.evidence-required", "This rule needs a photo as evidence before the claim is approved.",
                    DomainErrorKind.Conflict);

            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            if (c.Decision == ClaimDecision.Approve && firstStep)
            {
                claim.State = ClaimState.FirstReviewed;
                claim.FirstReviewedBy = c.ActorId;
                claim.FirstReviewedAt = now;
            }
            else if (c.Decision == ClaimDecision.Approve && Math.Abs((long)claim.Points) > settings.TwoReviewerThreshold
                && claim.FirstApproverId is null)
            {
                // Above the threshold the first committee approval is recorded and the claim waits for a second, different member.
                claim.FirstApproverId = c.ActorId;
            }
            else if (c.Decision == ClaimDecision.Approve)
            {
                if (claim.FirstApproverId == c.ActorId)
                    return claim; // the same member again: they approved already, and the claim waits for someone else
                var rule = await db.Rules.AsNoTracking().SingleAsync(r => r.VillageId == c.VillageId && r.Id == claim.RuleId, token);
                var entries = await posting.AppendAsync(c.VillageId,
                [
                    new PostEntry(c.VillageId, claim.HouseholdId, claim.Points,
                        rule.Direction == RuleDirection.Deduction ? EntryKind.Deduction : EntryKind.Award,
                        Clip(rule.NameZh, LedgerPosting.MaxReasonLength), SourceKinds.Claim,
                        SourceRef: string.Create(CultureInfo.InvariantCulture, $"claim:{claim.Number}"),
                        SubmittedBy: claim.SubmittedBy, ApprovedBy: c.ActorId, OccurredOn: claim.OccurredOn,
                        RuleId: claim.RuleId, RuleVersion: claim.RuleVersion),
                ], token);
                claim.State = ClaimState.Approved;
                claim.EntryNumber = entries[0].Number;
                claim.ResolvedBy = c.ActorId;
                claim.ResolvedAt = now;
            }
            else
            {
                claim.State = Outcome(c.Decision);
                claim.ResolvedBy = c.ActorId;
                claim.ResolvedAt = now;
                claim.ResolutionReason = reason;
            }
            claim.Version++;
            await NotificationInbox.AddForDecisionAsync(db, claim, now, token);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, DecideOperation, hash, claim.Id, now, statusCode: 200);
            // The version check makes this the one decision: a racing reviewer's update matches no row.
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return claim;
        }, ct);
    }

    /// <summary>The submitter takes the claim back before a decision.</summary>
    public async Task<Claim> WithdrawAsync(WithdrawClaim c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var hash = Idempotency.Fingerprint(WithdrawOperation).Add(c.VillageId).Add(c.Number).Add(c.ActorId).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, WithdrawOperation, hash, token) is { } earlier)
                return earlier;
            var claim = await FindAsync(c.VillageId, c.Number, token);
            if (claim.SubmittedBy != c.ActorId)
                throw new DomainException("claim.not-submitter", "Only whoever submitted a claim can withdraw it.", DomainErrorKind.Forbidden);
            if (claim.State == ClaimState.Withdrawn)
                return claim;
            if (claim.State is not (ClaimState.Submitted or ClaimState.Returned) || claim.FirstApproverId is not null)
                throw AlreadyResolved(claim);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            claim.State = ClaimState.Withdrawn;
            claim.ResolvedBy = c.ActorId;
            claim.ResolvedAt = now;
            claim.Version++;
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, WithdrawOperation, hash, claim.Id, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            return claim;
        }, ct);
    }

    /// <summary>
    /// A returned claim goes back to the start of its review: every earlier review step is cleared, since the
    /// evidence those reviewers saw has changed. Its score stays as it was submitted.
    /// </summary>
    public async Task<Claim> ResubmitAsync(ResubmitClaim c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var note = string.IsNullOrWhiteSpace(c.Note) ? null : c.Note.Trim();
        if (note is { Length: > ClaimLimits.MaxNoteLength })
            throw new DomainException("claim.note-too-long", $"A note has at most {ClaimLimits.MaxNoteLength} characters.");
        if (note is not null)
            StoredText.Check(note, "The note");
        var hash = Idempotency.Fingerprint(ResubmitOperation).Add(c.VillageId).Add(c.Number).Add(c.ActorId).Add(note).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, ResubmitOperation, hash, token) is { } earlier)
                return earlier;
            var claim = await FindAsync(c.VillageId, c.Number, token);
            if (claim.SubmittedBy != c.ActorId)
                throw new DomainException("claim.not-submitter", "Only whoever submitted a claim can submit it again.", DomainErrorKind.Forbidden);
            if (claim.State != ClaimState.Returned)
                throw new DomainException("claim.not-returned", "Only a claim returned for more evidence is submitted again.", DomainErrorKind.Conflict);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            claim.State = ClaimState.Submitted;
            claim.FirstReviewedBy = null;
            claim.FirstReviewedAt = null;
            claim.FirstApproverId = null;
            claim.ResolvedBy = null;
            claim.ResolvedAt = null;
            claim.ResolutionReason = null;
            claim.Note = note ?? claim.Note;
            claim.Version++;
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, ResubmitOperation, hash, claim.Id, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            return claim;
        }, ct);
    }

    /// <summary>
    /// Who may use which channel: a villager declares for their own household and recommends any other; patrols are
    /// the grid worker's, inspections the review group's; the committee may record through either.
    /// </summary>
    private async Task CheckChannelAsync(SubmitClaim c, CancellationToken ct)
    {
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.UserId == c.SubmittedBy && r.VillageId == c.VillageId)
            .Select(r => new { r.Role, r.HouseholdId }).ToListAsync(ct);
        var committee = roles.Any(r => Committee.Contains(r.Role));
        switch (c.Channel)
        {
            case ClaimChannel.SelfDeclaration when !roles.Any(r => r.Role == Role.Villager && r.HouseholdId == c.HouseholdId):
                throw new DomainException("claim.not-own-household", "A self-declaration is for your own household.", DomainErrorKind.Forbidden);
            case ClaimChannel.NeighbourRecommendation when roles.Any(r => r.HouseholdId == c.HouseholdId):
                throw new DomainException("claim.recommend-own-household", "A recommendation is for another household, never your own.",
                    DomainErrorKind.Forbidden);
            case ClaimChannel.Patrol when !committee && !roles.Any(r => r.Role == Role.GridWorker):
            case ClaimChannel.GroupInspection when !committee && !roles.Any(r => r.Role == Role.ReviewGroup):
                throw new DomainException("claim.channel-role", $"Your role in the village cannot record through {c.Channel}.",
                    DomainErrorKind.Forbidden);
        }
    }

    /// <summary>The rule version the claim was scored with asks for evidence, and the claim has no photo yet.</summary>
    private async Task<bool> NeedsEvidenceAsync(Claim claim, CancellationToken ct)
    {
        var required = await db.RuleVersions.AsNoTracking()
            .Where(v => v.VillageId == claim.VillageId && v.RuleId == claim.RuleId && v.Number == claim.RuleVersion)
            .Select(v => v.EvidenceRequired).SingleAsync(ct);
        if (!required)
            return false;
        var owner = claim.Number.ToString(CultureInfo.InvariantCulture);
        return !await db.EvidencePhotos.AnyAsync(p => p.VillageId == claim.VillageId && p.OwnerKind == EvidenceOwnerKind && p.OwnerRef == owner, ct);
    }

    private async Task<Claim> FindAsync(Guid villageId, long number, CancellationToken ct) =>
        await db.Claims.SingleOrDefaultAsync(x => x.VillageId == villageId && x.Number == number, ct)
        ?? throw new DomainException("claim.not-found", "No such claim in this village.", DomainErrorKind.NotFound);

    private async Task<Claim?> ReplayAsync(Guid villageId, string? key, string operation, string hash, CancellationToken ct)
    {
        var id = await Idempotency.ReplayAsync<Guid?>(db, villageId, key, operation, hash, ct);
        return id is null ? null : await db.Claims.AsNoTracking().SingleAsync(x => x.VillageId == villageId && x.Id == id, ct);
    }

    private static ClaimState Outcome(ClaimDecision d) => d switch
    {
        ClaimDecision.Approve => ClaimState.Approved,
        ClaimDecision.Reject => ClaimState.Rejected,
        _ => ClaimState.Returned,
    };

    private static DomainException AlreadyResolved(Claim claim) =>
        new("claim.already-resolved", $"This claim was already {claim.State.ToString().ToLowerInvariant()}.", DomainErrorKind.Conflict);

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];
}
