using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notifications;

namespace VillagePoints.Core.Notices;

/// <summary>A villager objects to one entry of a published notice while its window is open.</summary>
public sealed record RaiseObjection(Guid VillageId, long EntryNumber, Guid ActorUserId, string? Reason, Guid? PhotoId = null,
    string? IdempotencyKey = null);

/// <summary>The committee decides an objection: upheld (the entry is reversed, and corrected when an amount is given) or dismissed.</summary>
public sealed record DecideObjection(Guid VillageId, int ObjectionNumber, Guid ActorUserId, bool Upheld, string? Reason,
    int? CorrectedAmount = null, string? IdempotencyKey = null);

/// <summary>
/// Objections (异议) to a published notice's entries, and their one decision. Every write holds the village's chain-head
/// lock, the lock the notice's closing takes too: an objection and a closing never pass each other unseen, objection
/// numbers do not race, and an objection is decided once.
/// </summary>
public sealed class ObjectionDesk(VillagePointsDb db, LedgerPosting posting, TimeProvider time)
{
    /// <summary>As long as the stored column allows: a villager explains in their own words.</summary>
    public const int MaxReasonLength = ObjectionConfiguration.MaxReasonLength;

    /// <summary>Evidence photos of objections are filed under this owner kind, each under its own id.</summary>
    public const string EvidenceOwnerKind = "objection";

    public const string RaiseOperation = "objection.raise";
    public const string DecideOperation = "objection.decide";

    public const string WindowClosed = "objection.window-closed";
    public const string Duplicate = "objection.duplicate";
    public const string AlreadyDecided = "objection.already-decided";

    public async Task<Objection> RaiseAsync(RaiseObjection c, CancellationToken ct = default)
    {
        var reason = CheckText(c.Reason, "objection.reason-required", "objection.reason-too-long", "The reason");
        Idempotency.ValidateKey(c.IdempotencyKey);
        var hash = Idempotency.Fingerprint(RaiseOperation)
            .Add(c.VillageId).Add(c.EntryNumber).Add(c.ActorUserId).Add(reason).Add(c.PhotoId).Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, RaiseOperation, hash, token) is { } earlier)
                return earlier;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            await posting.LockAsync(c.VillageId, token);
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, RaiseOperation, hash, token) is { } twin)
                return twin;

            var household = await db.RoleAssignments.AsNoTracking()
                .Where(r => r.UserId == c.ActorUserId && r.VillageId == c.VillageId && r.Role == Role.Villager && r.HouseholdId != null)
                .OrderBy(r => r.Id).Select(r => r.HouseholdId).FirstOrDefaultAsync(token)
                ?? throw new DomainException("objection.not-villager", "Only a villager of this village, linked to a household, may object.",
                    DomainErrorKind.Forbidden);
            var entry = await db.LedgerEntries.AsNoTracking()
                .SingleOrDefaultAsync(e => e.VillageId == c.VillageId && e.Number == c.EntryNumber, token)
                ?? throw new DomainException("entry.not-found", "The ledger entry does not exist.", DomainErrorKind.NotFound);
            if (entry.Kind is EntryKind.Reversal or EntryKind.BaseGrant)
                throw new DomainException("objection.entry-not-objectionable",
                    "A reversal or a household's opening base points cannot be objected to; object to the entry it reverses instead.",
                    DomainErrorKind.Conflict);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            // Read under the lock the closing takes: a window that closed a moment ago is closed here too.
            var notice = await CoveringNoticeAsync(entry, token);
            if (notice is not { State: NoticeState.Published } || now >= notice.WindowClosesAt)
                throw new DomainException(WindowClosed,
                    "This entry is not on a notice whose publicity window is open, so it cannot be objected to now.", DomainErrorKind.Conflict);
            // Only an objection photo the objector uploaded: a claim's photo of another household cannot be borrowed to be shown.
            if (c.PhotoId is { } photo && !await db.EvidencePhotos.AnyAsync(p => p.VillageId == c.VillageId && p.Id == photo
                    && p.OwnerKind == EvidenceOwnerKind && p.UploadedBy == c.ActorUserId, token))
                throw new DomainException("objection.photo-not-found", "No objection photo of yours with this id in this village.", DomainErrorKind.NotFound);
            if (await db.Objections.AnyAsync(o => o.VillageId == c.VillageId && o.EntryId == entry.Id && o.RaisedByHouseholdId == household, token))
                throw DuplicateObjection();

            var last = await db.Objections.Where(o => o.VillageId == c.VillageId).MaxAsync(o => (int?)o.Number, token) ?? 0;
            var objection = new Objection
            {
                VillageId = c.VillageId,
                Id = Ids.New(now),
                Number = last + 1,
                EntryId = entry.Id,
                EntryNumber = entry.Number,
                HouseholdId = entry.HouseholdId,
                NoticeMonth = notice.Month,
                RaisedBy = c.ActorUserId,
                RaisedByHouseholdId = household,
                Reason = reason,
                PhotoId = c.PhotoId,
                State = ObjectionState.Open,
                RaisedAt = now,
            };
            db.Objections.Add(objection);
            await NotificationInbox.AddForObjectionAsync(db, objection, NotificationKind.ObjectionRaised, entry.Amount, reason, null,
                c.ActorUserId, now, token);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, RaiseOperation, hash, objection.Id, now);
            await SaveAsync(token);
            await tx.CommitAsync(token);
            return objection;
        }, [ConstraintNames.ObjectionNumber], ct);
    }

    public async Task<Objection> DecideAsync(DecideObjection c, CancellationToken ct = default)
    {
        var reason = CheckText(c.Reason, "objection.decision-reason-required", "objection.decision-reason-too-long", "The decision");
        Idempotency.ValidateKey(c.IdempotencyKey);
        if (c.CorrectedAmount is { } corrected)
        {
            if (!c.Upheld)
                throw new DomainException("objection.correction-needs-uphold", "A corrected amount is given only when the objection is upheld.");
            if (corrected == 0 || Math.Abs((long)corrected) > LedgerPosting.MaxAmount)
                throw new DomainException("entry.amount-range", $"The amount must be between 1 and {LedgerPosting.MaxAmount} points, and not zero.");
        }
        var hash = Idempotency.Fingerprint(DecideOperation)
            .Add(c.VillageId).Add(c.ObjectionNumber).Add(c.ActorUserId).Add(c.Upheld).Add(reason).Add(c.CorrectedAmount).Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, DecideOperation, hash, token) is { } earlier)
                return earlier;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            await posting.LockAsync(c.VillageId, token);
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, DecideOperation, hash, token) is { } twin)
                return twin;
            var objection = await db.Objections.SingleOrDefaultAsync(o => o.VillageId == c.VillageId && o.Number == c.ObjectionNumber, token)
                ?? throw NotFound();
            if (objection.State != ObjectionState.Open)
                throw new DomainException(AlreadyDecided, $"This objection was already {objection.State.ToString().ToLowerInvariant()}.",
                    DomainErrorKind.Conflict);
            if (objection.RaisedBy == c.ActorUserId || await db.RoleAssignments.AnyAsync(r => r.UserId == c.ActorUserId && r.VillageId == c.VillageId
                    && (r.HouseholdId == objection.HouseholdId || r.HouseholdId == objection.RaisedByHouseholdId), token))
                throw new DomainException("objection.own-household",
                    "Nobody decides an objection they raised, or one about or from their own household; another committee member decides it.",
                    DomainErrorKind.Forbidden);

            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var entry = await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.VillageId == c.VillageId && e.Id == objection.EntryId, token);
            if (c.Upheld)
            {
                var source = string.Create(CultureInfo.InvariantCulture, $"objection:{objection.Number}");
                var reversal = await posting.AppendReversalAsync(
                    new ReverseEntry(c.VillageId, entry.Number, EntryReason(objection.Number, reason), c.ActorUserId), SourceKinds.Objection, source, token);
                objection.ReversalEntryNumber = reversal.Number;
                if (c.CorrectedAmount is { } amount)
                {
                    var corrections = await posting.AppendAsync(c.VillageId,
                    [
                        new PostEntry(c.VillageId, entry.HouseholdId, amount, amount > 0 ? EntryKind.Award : EntryKind.Deduction,
                            EntryReason(objection.Number, reason), SourceKinds.Objection, source, SubmittedBy: c.ActorUserId, ApprovedBy: c.ActorUserId,
                            // Dated on the decision day like its reversal: both appear in the next notice's own month, beside
                            // the objection that caused them, and no published month's figures move.
                            OccurredOn: BusinessCalendar.DateOf(now), RuleId: entry.RuleId, RuleVersion: entry.RuleVersion),
                    ], token);
                    objection.CorrectionEntryNumber = corrections[0].Number;
                }
            }
            objection.State = c.Upheld ? ObjectionState.Upheld : ObjectionState.Dismissed;
            objection.DecidedAt = now;
            objection.DecidedBy = c.ActorUserId;
            objection.Decision = reason;
            await NotificationInbox.AddForObjectionAsync(db, objection,
                c.Upheld ? NotificationKind.ObjectionUpheld : NotificationKind.ObjectionDismissed, entry.Amount, reason, objection.RaisedBy,
                c.ActorUserId, now, token);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, DecideOperation, hash, objection.Id, now, statusCode: 200);
            await SaveAsync(token);

            // The closing left this entry publicised while the objection was open; decided now, it takes effect with its reversal.
            var closed = await db.Notices.AsNoTracking()
                .AnyAsync(n => n.VillageId == c.VillageId && n.Month == objection.NoticeMonth && n.State == NoticeState.Closed, token);
            var stillOpen = await db.Objections.AnyAsync(o => o.VillageId == c.VillageId && o.EntryId == objection.EntryId
                && o.State == ObjectionState.Open, token);
            if (closed && (!stillOpen || c.Upheld))
            {
                await posting.MakeEffectiveWithinAsync(c.VillageId, [entry.Number], token);
                await db.SaveChangesAsync(token);
            }
            await tx.CommitAsync(token);
            return objection;
        }, ct);
    }

    /// <summary>
    /// The notice that lists <paramref name="entry"/>: numbered up to its head, dated up to its month's end, and not listed by
    /// the notice before it (see <see cref="NoticeCoverage"/>). A village has a notice a month, so they are read whole.
    /// </summary>
    private async Task<Notice?> CoveringNoticeAsync(LedgerEntry entry, CancellationToken ct)
    {
        var notices = await db.Notices.AsNoTracking().Where(n => n.VillageId == entry.VillageId && n.HeadNumber >= entry.Number)
            .Select(n => new { n.Id, n.Month, n.State, n.WindowClosesAt, n.HeadNumber, n.PreviousMonth, n.PreviousHeadNumber })
            .ToListAsync(ct);
        var found = notices.Where(n => entry.OccurredOn <= NoticeMonth.LastDay(n.Month)
                && (entry.Number > n.PreviousHeadNumber || n.PreviousMonth == 0 || entry.OccurredOn > NoticeMonth.LastDay(n.PreviousMonth)))
            .OrderBy(n => n.Month).FirstOrDefault();
        return found is null
            ? null
            : new Notice
            {
                VillageId = entry.VillageId, Id = found.Id, Month = found.Month, State = found.State, WindowClosesAt = found.WindowClosesAt,
                HeadNumber = found.HeadNumber, PreviousMonth = found.PreviousMonth, PreviousHeadNumber = found.PreviousHeadNumber,
                HeadHash = "", Document = "", DocumentHash = "",
            };
    }

    /// <summary>The reason on the reversal and the corrected entry: it names the objection, then the decision, within an entry's length.</summary>
    private static string EntryReason(int number, string decision)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"异议 #{number} 成立：{decision}");
        return text.Length <= LedgerPosting.MaxReasonLength ? text : text[..(LedgerPosting.MaxReasonLength - 1)] + "…";
    }

    private static string CheckText(string? text, string requiredCode, string tooLongCode, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new DomainException(requiredCode, $"{field} is required.");
        var trimmed = text.Trim();
        if (trimmed.Length > MaxReasonLength)
            throw new DomainException(tooLongCode, $"{field} may be at most {MaxReasonLength} characters.");
        StoredText.Check(trimmed, field);
        return trimmed;
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (WriteRetry.UniqueConstraintOf(ex, db) == ConstraintNames.ObjectionPerHousehold)
        {
            // Two phones of one household at once: the database keeps one objection, the other hears why.
            throw DuplicateObjection();
        }
    }

    private async Task<Objection?> ReplayedAsync(Guid villageId, string? key, string operation, string hash, CancellationToken ct)
    {
        var id = await Idempotency.ReplayAsync<Guid?>(db, villageId, key, operation, hash, ct);
        return id is null ? null : await db.Objections.AsNoTracking().SingleAsync(o => o.VillageId == villageId && o.Id == id, ct);
    }

    private static DomainException DuplicateObjection() =>
        new(Duplicate, "Your household has already objected to this entry.", DomainErrorKind.Conflict);

    public static DomainException NotFound() =>
        new("objection.not-found", "No such objection in this village.", DomainErrorKind.NotFound);
}
