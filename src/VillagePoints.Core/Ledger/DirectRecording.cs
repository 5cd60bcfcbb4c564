using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

/// <summary>
/// Four eyes on direct records. Within the village's two-reviewer threshold a committee member's
/// record posts at once; above it, it waits as a <see cref="DirectRecord"/> until a different
/// committee member, not linked to the household by any role, approves it. Nothing above the
/// village's direct maximum is taken at all: that size of change belongs in a claim with evidence.
/// </summary>
public sealed class DirectRecording(VillagePointsDb db, LedgerPosting posting, TimeProvider time)
{
    public static readonly EntryKind[] Kinds = [EntryKind.Award, EntryKind.Deduction, EntryKind.Adjustment];

    private const int MaxNumberAttempts = 5;

    public static bool NeedsSecondMember(VillageSettings settings, int amount) => Math.Abs((long)amount) > settings.TwoReviewerThreshold;

    /// <summary>
    /// Every check that needs no write, so a confirmation step can refuse early. Returns the village's
    /// settings, which say whether the record will wait for a second member.
    /// </summary>
    public async Task<VillageSettings> CheckAsync(RecordDirectly c, CancellationToken ct = default)
    {
        if (!Kinds.Contains(c.Kind))
            throw new DomainException("entry.kind-not-allowed", "Only awards, deductions and adjustments can be recorded directly.");
        if (c.Amount == 0 || (c.Kind == EntryKind.Award && c.Amount < 0) || (c.Kind == EntryKind.Deduction && c.Amount > 0))
            throw new DomainException("entry.amount-sign", $"A {c.Kind} entry cannot have the amount {c.Amount}.");
        ValidateText(c.Reason, "entry.reason-required", "entry.reason-too-long");
        ValidateKey(c.IdempotencyKey);
        var settings = await db.Villages.AsNoTracking().Where(v => v.Id == c.VillageId).Select(v => v.Settings).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
        if (Math.Abs((long)c.Amount) > settings.MaxDirectRecordAmount)
            throw new DomainException("entry.above-direct-maximum",
                $"A direct record may change a household by at most {settings.MaxDirectRecordAmount} points; larger changes go through a claim.");
        if (!await db.Households.AnyAsync(h => h.VillageId == c.VillageId && h.Id == c.HouseholdId, ct))
            throw new DomainException("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);
        return settings;
    }

    public async Task<DirectRecordOutcome> RecordAsync(RecordDirectly c, CancellationToken ct = default)
    {
        var settings = await CheckAsync(c, ct);
        var hash = RequestHash(c);
        var asPosted = AsPosted(c);

        if (!NeedsSecondMember(settings, c.Amount))
        {
            // The key may already name a waiting record (the threshold changed in between): same request, same answer.
            if (c.IdempotencyKey is not null && await FindByKeyAsync(c.VillageId, c.IdempotencyKey, ct) is { } earlier)
                return earlier.RequestHash == hash ? new(null, earlier) : throw IdempotencyConflict();
            return new(await posting.PostAsync(asPosted, ct), null);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteRetry.RunAsync(db, async token =>
                {
                    if (c.IdempotencyKey is not null)
                    {
                        if (await FindByKeyAsync(c.VillageId, c.IdempotencyKey, token) is { } earlier)
                            return earlier.RequestHash == hash ? new DirectRecordOutcome(null, earlier) : throw IdempotencyConflict();
                        var posted = await db.LedgerEntries.AsNoTracking()
                            .SingleOrDefaultAsync(e => e.VillageId == c.VillageId && e.IdempotencyKey == c.IdempotencyKey, token);
                        if (posted is not null)
                            return posted.RequestHash == LedgerPosting.RequestHash(asPosted) ? new DirectRecordOutcome(posted, null) : throw IdempotencyConflict();
                    }

                    await using var tx = await db.Database.BeginTransactionAsync(token);
                    var last = await db.DirectRecords.Where(r => r.VillageId == c.VillageId).MaxAsync(r => (long?)r.Number, token) ?? 0;
                    var now = BusinessCalendar.Truncate(time.GetUtcNow());
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
                        IdempotencyKey = c.IdempotencyKey,
                        RequestHash = hash,
                    };
                    db.DirectRecords.Add(record);
                    await db.SaveChangesAsync(token);
                    await tx.CommitAsync(token);
                    return new DirectRecordOutcome(null, record);
                }, ct);
            }
            catch (DbUpdateException ex) when (attempt < MaxNumberAttempts && WriteRetry.IsUniqueViolation(ex))
            {
                // Another record took the number, or the same key landed at the same moment: look again.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// The same member's identical record (household, kind, amount, reason) within <paramref name="window"/>, other than one
    /// under the command's own key. A form refilled by the browser after going back comes with a fresh key, so a page asks
    /// for an explicit "again" before writing such a twin.
    /// </summary>
    public async Task<RecentTwin?> RecentTwinAsync(RecordDirectly c, TimeSpan window, CancellationToken ct = default)
    {
        var since = time.GetUtcNow() - window;
        var reason = c.Reason.Trim();
        var key = c.IdempotencyKey;
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.VillageId == c.VillageId && e.HouseholdId == c.HouseholdId && e.Amount == c.Amount && e.Kind == c.Kind
                && e.SourceKind == SourceKinds.Committee && e.SubmittedBy == c.SubmittedBy && e.Reason == reason
                && (key == null || e.IdempotencyKey == null || e.IdempotencyKey != key))
            .OrderByDescending(e => e.Number).Take(5).Select(e => new { e.Number, e.RecordedAt }).ToListAsync(ct);
        var records = await db.DirectRecords.AsNoTracking()
            .Where(r => r.VillageId == c.VillageId && r.HouseholdId == c.HouseholdId && r.Amount == c.Amount && r.Kind == c.Kind
                && r.SubmittedBy == c.SubmittedBy && r.Reason == reason && r.State == DirectRecordState.Pending
                && (key == null || r.IdempotencyKey == null || r.IdempotencyKey != key))
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
        await ResolveAsync(c, DirectRecordState.Approved, ct);

    /// <summary>A second committee member refuses, saying why. The ledger is not touched.</summary>
    public async Task<DirectRecord> RejectAsync(ResolveDirectRecord c, CancellationToken ct = default)
    {
        ValidateText(c.Note, "direct-record.reason-required", "entry.reason-too-long");
        return await ResolveAsync(c, DirectRecordState.Rejected, ct);
    }

    /// <summary>The member who recorded it takes it back.</summary>
    public async Task<DirectRecord> WithdrawAsync(ResolveDirectRecord c, CancellationToken ct = default) =>
        await ResolveAsync(c, DirectRecordState.Withdrawn, ct);

    private async Task<DirectRecord> ResolveAsync(ResolveDirectRecord c, DirectRecordState to, CancellationToken ct)
    {
        ValidateKey(c.IdempotencyKey);
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (c.IdempotencyKey is not null)
            {
                var byKey = await db.DirectRecords.AsNoTracking()
                    .SingleOrDefaultAsync(r => r.VillageId == c.VillageId && r.ResolutionKey == c.IdempotencyKey, token);
                if (byKey is not null)
                    return byKey.Number == c.Number && byKey.State == to && byKey.ResolvedBy == c.ActorId ? byKey : throw IdempotencyConflict();
            }

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

            record.State = to;
            record.ResolvedBy = c.ActorId;
            record.ResolvedAt = BusinessCalendar.Truncate(time.GetUtcNow());
            record.ResolutionNote = to == DirectRecordState.Rejected ? c.Note!.Trim() : null;
            record.ResolutionKey = c.IdempotencyKey;
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
        if (await db.RoleAssignments.AnyAsync(r => r.UserId == actor && r.HouseholdId == record.HouseholdId, ct))
            throw new DomainException("direct-record.own-household", "Nobody reviews a record on their own household.", DomainErrorKind.Forbidden);
    }

    /// <summary>The entry as it is posted when no second member is needed.</summary>
    private static PostEntry AsPosted(RecordDirectly c) =>
        new(c.VillageId, c.HouseholdId, c.Amount, c.Kind, c.Reason, SourceKinds.Committee,
            SubmittedBy: c.SubmittedBy, ApprovedBy: c.SubmittedBy, OccurredOn: c.OccurredOn, IdempotencyKey: c.IdempotencyKey);

    private Task<DirectRecord?> FindByKeyAsync(Guid villageId, string key, CancellationToken ct) =>
        db.DirectRecords.AsNoTracking().SingleOrDefaultAsync(r => r.VillageId == villageId && r.IdempotencyKey == key, ct);

    /// <summary>A JSON array of invariant text: no separator inside a field can shift it into the next.</summary>
    public static string RequestHash(RecordDirectly c)
    {
        string[] fields =
        [
            "direct-record/1", c.VillageId.ToString(), c.HouseholdId.ToString(), c.Amount.ToString(CultureInfo.InvariantCulture),
            c.Kind.ToString(), c.Reason.Trim(), c.SubmittedBy.ToString(), c.OccurredOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        ];
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(fields))));
    }

    private static DomainException IdempotencyConflict() =>
        new("idempotency.conflict", "This Idempotency-Key was already used for a different request.", DomainErrorKind.Conflict);

    private static void ValidateText(string? text, string requiredCode, string tooLongCode)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new DomainException(requiredCode, "A reason is required.");
        if (text.Trim().Length > LedgerPosting.MaxReasonLength)
            throw new DomainException(tooLongCode, $"The reason may be at most {LedgerPosting.MaxReasonLength} characters.");
    }

    private static void ValidateKey(string? key)
    {
        if (key is not null && (key.Length is 0 or > LedgerPosting.MaxIdempotencyKeyLength))
            throw new DomainException("idempotency.key-invalid", $"An Idempotency-Key has 1 to {LedgerPosting.MaxIdempotencyKeyLength} characters.");
    }
}
