using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Ledger;

/// <summary>A committee member records an award, deduction or adjustment on a household directly.</summary>
public sealed record RecordDirectly(
    Guid VillageId,
    Guid HouseholdId,
    int Amount,
    EntryKind Kind,
    string Reason,
    Guid SubmittedBy,
    DateOnly? OccurredOn = null,
    string? IdempotencyKey = null);

/// <summary>Approve, reject (with <paramref name="Note"/> as the reason) or withdraw a waiting direct record.</summary>
public sealed record ResolveDirectRecord(Guid VillageId, long Number, Guid ActorId, string? Note = null, string? IdempotencyKey = null);

/// <summary>An identical direct record the same member made a moment ago: its entry number, or its direct-record number while it waits.</summary>
public sealed record RecentTwin(long? EntryNumber, long? DirectRecordNumber, DateTimeOffset At)
{
    /// <summary>What a form sends back to say "yes, record it again".</summary>
    public string Marker => EntryNumber is { } e
        ? string.Create(CultureInfo.InvariantCulture, $"entry-{e}")
        : string.Create(CultureInfo.InvariantCulture, $"record-{DirectRecordNumber}");
}

/// <summary>Either the entry was posted at once, or the record waits for a second committee member.</summary>
public sealed record DirectRecordOutcome(LedgerEntry? Entry, DirectRecord? Waiting);

/// <summary>What the checks found before anything is written: the village's settings, and whether the record will wait.</summary>
/// <param name="AboveThreshold">The amount is above the village's two-reviewer threshold.</param>
/// <param name="OwnHousehold">A role links the member to the household: nobody reviews their own household's record.</param>
public sealed record DirectRecordCheck(VillageSettings Settings, bool AboveThreshold, bool OwnHousehold)
{
    public bool WaitsForSecondMember => AboveThreshold || OwnHousehold;
}

/// <summary>
/// Four eyes on direct records. Within the village's two-reviewer threshold a committee member's
/// record posts at once; above it, or on a household a role links the member to, it waits as a
/// <see cref="DirectRecord"/> until a different committee member, not linked to the household by any
/// role, approves it. Nothing above the village's direct maximum is taken at all: that size of change
/// belongs in a claim with evidence. Every step honours an Idempotency-Key through <see cref="Idempotency"/>,
/// so a key means one request in the village whether it posted an entry, made a record wait or resolved one.
/// </summary>
public sealed class DirectRecording(VillagePointsDb db, LedgerPosting posting, TimeProvider time)
{
    public static readonly EntryKind[] Kinds = [EntryKind.Award, EntryKind.Deduction, EntryKind.Adjustment];

    public const string RecordOperation = "direct-record.record";
    public const string ApproveOperation = "direct-record.approve";
    public const string RejectOperation = "direct-record.reject";
    public const string WithdrawOperation = "direct-record.withdraw";

    public static bool NeedsSecondMember(VillageSettings settings, int amount) => Math.Abs((long)amount) > settings.TwoReviewerThreshold;

    /// <summary>
    /// Every check that needs no write, so a confirmation step can refuse early and say whether the record
    /// will wait for a second member.
    /// </summary>
    public async Task<DirectRecordCheck> CheckAsync(RecordDirectly c, CancellationToken ct = default)
    {
        if (!Kinds.Contains(c.Kind))
            throw new DomainException("entry.kind-not-allowed", "Only awards, deductions and adjustments can be recorded directly.");
        if (c.Amount == 0 || (c.Kind == EntryKind.Award && c.Amount < 0) || (c.Kind == EntryKind.Deduction && c.Amount > 0))
            throw new DomainException("entry.amount-sign", $"A {c.Kind} entry cannot have the amount {c.Amount}.");
        LedgerPosting.ValidateReason(c.Reason);
        Idempotency.ValidateKey(c.IdempotencyKey);
        // The ledger's own date bounds, checked now: a waiting record must not fail only when it is approved.
        LedgerPosting.CheckOccurredOnNotAfter(c.OccurredOn, BusinessCalendar.Today(time));
        var village = await db.Villages.AsNoTracking().Where(v => v.Id == c.VillageId)
                .Select(v => new { v.Settings, v.StartedOn }).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
        if (c.OccurredOn is { } day)
            LedgerPosting.CheckOccurredOnNotBeforeStart(day, village.StartedOn);
        if (Math.Abs((long)c.Amount) > village.Settings.MaxDirectRecordAmount)
            throw new DomainException("entry.above-direct-maximum",
                $"A direct record may change a household by at most {village.Settings.MaxDirectRecordAmount} points; larger changes go through a claim.");
        if (!await db.Households.AnyAsync(h => h.VillageId == c.VillageId && h.Id == c.HouseholdId, ct))
            throw new DomainException("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);
        return new DirectRecordCheck(village.Settings, NeedsSecondMember(village.Settings, c.Amount),
            await LinkedToHouseholdAsync(c.SubmittedBy, c.HouseholdId, ct));
    }

    public async Task<DirectRecordOutcome> RecordAsync(RecordDirectly c, CancellationToken ct = default)
    {
        var check = await CheckAsync(c, ct);
        var hash = RequestHash(c);

        return await WriteRetry.RunAsync(db, async token =>
        {
            // A retry is answered as first, whichever way it went then (the threshold may have changed since).
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, hash, token) is { } earlier)
                return earlier;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            // Under the village's ledger lock a double tap finds its twin's answer, and record numbers do not race.
            await posting.LockAsync(c.VillageId, token);
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, hash, token) is { } twin)
                return twin;
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            DirectRecordOutcome outcome;
            if (!check.WaitsForSecondMember)
            {
                var entries = await posting.AppendAsync(c.VillageId, [AsPosted(c)], token);
                outcome = new DirectRecordOutcome(entries[0], null);
                Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, RecordOperation, hash, new RecordAnswer(entries[0].Id, null), now);
            }
            else
            {
                // Where the lock cannot hold (a village's very first write), the unique number settles the race.
                var last = await db.DirectRecords.Where(r => r.VillageId == c.VillageId).MaxAsync(r => (long?)r.Number, token) ?? 0;
                var record = new DirectRecord
                {
                    VillageId = c.VillageId,
                    Id = Ids.New(now),
                    Number = last + 1,
                    HouseholdId = c.HouseholdId,
                    Amount = c.Amount,
                    Kind = c.Kind,
                    Reason = c.Reason.Trim(),
                    OccurredOn = c.OccurredOn,
                    State = DirectRecordState.Pending,
                    SubmittedBy = c.SubmittedBy,
                    SubmittedAt = now,
                };
                db.DirectRecords.Add(record);
                outcome = new DirectRecordOutcome(null, record);
                Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, RecordOperation, hash, new RecordAnswer(null, record.Id), now,
                    statusCode: 202);
            }
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return outcome;
        }, [ConstraintNames.DirectRecordNumber], ct);
    }

    /// <summary>
    /// The same member's identical record (household, kind, amount, reason) within <paramref name="window"/>, other than what
    /// the command's own key wrote already. A form refilled by the browser after going back comes with a fresh key, so a
    /// page asks for an explicit "again" before writing such a twin; the same form sent again is a retry, not a twin.
    /// </summary>
    public async Task<RecentTwin?> RecentTwinAsync(RecordDirectly c, TimeSpan window, CancellationToken ct = default)
    {
        var since = time.GetUtcNow() - window;
        var reason = c.Reason.Trim();
        var own = await Idempotency.PeekAsync<RecordAnswer>(db, c.VillageId, c.IdempotencyKey, RecordOperation, ct);
        var ownEntry = own?.EntryId ?? Guid.Empty;
        var ownRecord = own?.RecordId ?? Guid.Empty;
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.VillageId == c.VillageId && e.HouseholdId == c.HouseholdId && e.Amount == c.Amount && e.Kind == c.Kind
                && e.SourceKind == SourceKinds.Committee && e.SubmittedBy == c.SubmittedBy && e.Reason == reason && e.Id != ownEntry)
            .OrderByDescending(e => e.Number).Take(5).Select(e => new { e.Number, e.RecordedAt }).ToListAsync(ct);
        var records = await db.DirectRecords.AsNoTracking()
            .Where(r => r.VillageId == c.VillageId && r.HouseholdId == c.HouseholdId && r.Amount == c.Amount && r.Kind == c.Kind
                && r.SubmittedBy == c.SubmittedBy && r.Reason == reason && r.State == DirectRecordState.Pending && r.Id != ownRecord)
            .OrderByDescending(r => r.Number).Take(5).Select(r => new { r.Number, r.SubmittedAt }).ToListAsync(ct);
        // Compared here rather than in SQL: SQLite cannot compare DateTimeOffset values.
        var entry = entries.FirstOrDefault(e => e.RecordedAt >= since);
        var record = records.FirstOrDefault(r => r.SubmittedAt >= since);
        if (record is not null && (entry is null || record.SubmittedAt > entry.RecordedAt))
            return new RecentTwin(null, record.Number, record.SubmittedAt);
        return entry is null ? null : new RecentTwin(entry.Number, null, entry.RecordedAt);
    }

    /// <summary>A second committee member agrees: the entry is posted with both names on it.</summary>
    public async Task<DirectRecord> ApproveAsync(ResolveDirectRecord c, CancellationToken ct = default) =>
        await ResolveAsync(c, DirectRecordState.Approved, ApproveOperation, ct);

    /// <summary>A second committee member refuses, saying why. The ledger is not touched.</summary>
    public async Task<DirectRecord> RejectAsync(ResolveDirectRecord c, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(c.Note))
            throw new DomainException("direct-record.reason-required", "A reason is required.");
        LedgerPosting.ValidateReason(c.Note);
        return await ResolveAsync(c, DirectRecordState.Rejected, RejectOperation, ct);
    }

    /// <summary>The member who recorded it takes it back.</summary>
    public async Task<DirectRecord> WithdrawAsync(ResolveDirectRecord c, CancellationToken ct = default) =>
        await ResolveAsync(c, DirectRecordState.Withdrawn, WithdrawOperation, ct);

    private async Task<DirectRecord> ResolveAsync(ResolveDirectRecord c, DirectRecordState to, string operation, CancellationToken ct)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var hash = Idempotency.Fingerprint(operation)
            .Add(c.VillageId).Add(c.Number).Add(c.ActorId).Add(to == DirectRecordState.Rejected ? c.Note!.Trim() : null)
            .Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ResolvedAsync(c.VillageId, c.IdempotencyKey, operation, hash, token) is { } earlier)
                return earlier;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            var record = await db.DirectRecords.SingleOrDefaultAsync(r => r.VillageId == c.VillageId && r.Number == c.Number, token)
                ?? throw new DomainException("direct-record.not-found", "No such direct record in this village.", DomainErrorKind.NotFound);
            if (record.State != DirectRecordState.Pending)
            {
                // A double tap by the same person asking for the same outcome gets the first answer.
                if (record.State == to && record.ResolvedBy == c.ActorId)
                    return record;
                throw new DomainException("direct-record.already-resolved", $"This record was already {record.State.ToString().ToLowerInvariant()}.",
                    DomainErrorKind.Conflict);
            }
            await CheckActorAsync(record, c.ActorId, to, token);

            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            record.State = to;
            record.ResolvedBy = c.ActorId;
            record.ResolvedAt = now;
            record.ResolutionNote = to == DirectRecordState.Rejected ? c.Note!.Trim() : null;
            record.Version++;
            if (to == DirectRecordState.Approved)
            {
                var entries = await posting.AppendAsync(record.VillageId,
                [
                    new PostEntry(record.VillageId, record.HouseholdId, record.Amount, record.Kind, record.Reason, SourceKinds.Committee,
                        SourceRef: string.Create(CultureInfo.InvariantCulture, $"direct-record:{record.Number}"),
                        SubmittedBy: record.SubmittedBy, ApprovedBy: c.ActorId, OccurredOn: record.OccurredOn),
                ], token);
                record.EntryNumber = entries[0].Number;
            }
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, operation, hash, record.Id, now, statusCode: 200);
            // The version check makes this the one resolution: a racing approver's update matches no row.
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return record;
        }, ct);
    }

    private async Task CheckActorAsync(DirectRecord record, Guid actor, DirectRecordState to, CancellationToken ct)
    {
        if (to == DirectRecordState.Withdrawn)
        {
            if (actor != record.SubmittedBy)
                throw new DomainException("direct-record.not-submitter", "Only the member who recorded it can withdraw it.", DomainErrorKind.Forbidden);
            return;
        }
        if (actor == record.SubmittedBy)
            throw new DomainException("direct-record.own-submission", "Another committee member must review what you recorded.", DomainErrorKind.Forbidden);
        if (await LinkedToHouseholdAsync(actor, record.HouseholdId, ct))
            throw new DomainException("direct-record.own-household", "Nobody reviews a record on their own household.", DomainErrorKind.Forbidden);
    }

    /// <summary>Any of the member's roles links them to the household (they live there, say).</summary>
    private Task<bool> LinkedToHouseholdAsync(Guid userId, Guid householdId, CancellationToken ct) =>
        db.RoleAssignments.AnyAsync(r => r.UserId == userId && r.HouseholdId == householdId, ct);

    /// <summary>The entry as it is posted when no second member is needed. Its key is the record's, kept by <see cref="RecordAsync"/>.</summary>
    private static PostEntry AsPosted(RecordDirectly c) =>
        new(c.VillageId, c.HouseholdId, c.Amount, c.Kind, c.Reason, SourceKinds.Committee,
            SubmittedBy: c.SubmittedBy, ApprovedBy: c.SubmittedBy, OccurredOn: c.OccurredOn);

    /// <summary>What a keyed submission answered before: the entry it posted, or the record as it stands now.</summary>
    private async Task<DirectRecordOutcome?> ReplayedAsync(Guid villageId, string? key, string hash, CancellationToken ct)
    {
        var answer = await Idempotency.ReplayAsync<RecordAnswer>(db, villageId, key, RecordOperation, hash, ct);
        if (answer is null)
            return null;
        if (answer.EntryId is { } entryId)
            return new DirectRecordOutcome(await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.VillageId == villageId && e.Id == entryId, ct), null);
        return new DirectRecordOutcome(null, await db.DirectRecords.AsNoTracking().SingleAsync(r => r.VillageId == villageId && r.Id == answer.RecordId, ct));
    }

    private async Task<DirectRecord?> ResolvedAsync(Guid villageId, string? key, string operation, string hash, CancellationToken ct)
    {
        var id = await Idempotency.ReplayAsync<Guid?>(db, villageId, key, operation, hash, ct);
        return id is null ? null : await db.DirectRecords.AsNoTracking().SingleAsync(r => r.VillageId == villageId && r.Id == id, ct);
    }

    /// <summary>The fingerprint of a submission: the same key with any other field is another request.</summary>
    public static string RequestHash(RecordDirectly c) => Idempotency.Fingerprint(RecordOperation)
        .Add(c.VillageId).Add(c.HouseholdId).Add(c.Amount).Add(c.Kind).Add(c.Reason.Trim()).Add(c.SubmittedBy).Add(c.OccurredOn)
        .Hash();

    /// <summary>The answer kept under a submission's key: exactly one of the two is set.</summary>
    private sealed record RecordAnswer(Guid? EntryId, Guid? RecordId);
}
