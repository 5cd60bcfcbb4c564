using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Notices;

/// <param name="ActorId">The committee member who publishes; null for the command line.</param>
public sealed record PublishNotice(Guid VillageId, int Month, Guid? ActorId, string? IdempotencyKey = null);

/// <param name="ActorId">Who closes by hand; null for the scheduled job and the command line.</param>
public sealed record CloseNotice(Guid VillageId, int Month, Guid? ActorId);

/// <summary>What closing did: how many entries became effective, and how many wait on an open objection.</summary>
public sealed record NoticeClosing(Notice Notice, int MadeEffective, int HeldByObjections);

/// <summary>
/// The notice's lifecycle: a draft is published (its document frozen, its publicity window opened), and the window is
/// closed (its entries become effective, except those with an open objection). Each step happens once, even when two
/// app instances or a double tap try it together: the database's unique month and a conditional state change decide.
/// </summary>
public sealed class NoticeDesk(VillagePointsDb db, NoticeBuilder builder, LedgerPosting posting, TimeProvider time)
{
    public const string PublishOperation = "notice.publish";

    public async Task<Notice> PublishAsync(PublishNotice command, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(command.IdempotencyKey);
        var today = BusinessCalendar.Today(time);
        if (command.Month >= NoticeMonth.Of(today))
            throw new DomainException(command.Month > NoticeMonth.Of(today) ? "notice.month-future" : "notice.month-not-over",
                "A month's notice is published once the month is over.");
        var requestHash = Idempotency.Fingerprint(PublishOperation).Add(command.VillageId).Add(command.Month).Add(command.ActorId).Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(command, requestHash, token) is { } earlier)
                return earlier;
            await using var tx = await db.Database.BeginTransactionAsync(token);
            // Holding the chain-head lock, no entry can land between the head the document names and the entries it lists.
            await posting.LockAsync(command.VillageId, token);
            if (await ReplayAsync(command, requestHash, token) is { } twin)
                return twin;
            var draft = await builder.BuildDraftAsync(command.VillageId, command.Month, token);
            var (coverage, _) = await builder.CoverageAsync(command.VillageId, command.Month, token);
            // Whole milliseconds, as stored: a retry answered from the database reports the same instant as the first answer.
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var closes = WindowClosesAt(now, draft.PublicityWindowDays);
            var document = draft with { State = NoticeDocument.Published, PublishedAt = now, WindowClosesAt = closes };
            var json = NoticeBook.Serialize(document);
            var notice = new Notice
            {
                VillageId = command.VillageId,
                Id = Ids.New(now),
                Month = command.Month,
                State = NoticeState.Published,
                HeadNumber = draft.ChainHead.EntryNumber,
                HeadHash = draft.ChainHead.Hash,
                PreviousMonth = coverage.PreviousMonth,
                PreviousHeadNumber = coverage.PreviousHeadNumber,
                PublishedAt = now,
                PublishedBy = command.ActorId,
                WindowClosesAt = closes,
                Document = json,
                DocumentHash = NoticeBook.Hash(json),
            };
            db.Notices.Add(notice);
            Idempotency.Remember(db, command.VillageId, command.IdempotencyKey, PublishOperation, requestHash, notice.Id, now);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return notice;
        }, [ConstraintNames.NoticeMonth], ct);
    }

    /// <summary>
    /// The window runs to the end of the business day <paramref name="days"/> days after publication, so a notice put up
    /// on the 3rd with a 7-day window can be objected to until midnight of the 10th, village time.
    /// </summary>
    public static DateTimeOffset WindowClosesAt(DateTimeOffset publishedAt, int days)
    {
        var lastDay = BusinessCalendar.DateOf(publishedAt).AddDays(Math.Max(1, days) + 1);
        var local = lastDay.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, BusinessCalendar.Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// Closes a published notice's window. By hand (an actor) it may close early, and a second close is refused; the
    /// scheduled job (no actor) gets null when another instance closed it first.
    /// </summary>
    public async Task<NoticeClosing?> CloseAsync(CloseNotice command, CancellationToken ct = default)
    {
        return await WriteRetry.RunAsync(db, async token =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(token);
            await posting.LockAsync(command.VillageId, token);
            var notice = await db.Notices.SingleOrDefaultAsync(n => n.VillageId == command.VillageId && n.Month == command.Month, token)
                ?? throw new DomainException("notice.not-published", "That month's notice has not been published.", DomainErrorKind.Conflict);
            if (notice.State == NoticeState.Closed)
            {
                if (command.ActorId is null)
                    return null;
                throw new DomainException("notice.already-closed", "That month's notice is closed already.", DomainErrorKind.Conflict);
            }
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            // The state changes only if it is still published: of two instances closing at once, one changes a row.
            var changed = await db.Notices
                .Where(n => n.VillageId == notice.VillageId && n.Id == notice.Id && n.State == NoticeState.Published)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.State, NoticeState.Closed).SetProperty(n => n.ClosedAt, now)
                    .SetProperty(n => n.ClosedBy, command.ActorId), token);
            if (changed == 0)
            {
                if (command.ActorId is null)
                    return null;
                throw new DomainException("notice.already-closed", "That month's notice is closed already.", DomainErrorKind.Conflict);
            }

            var coverage = new NoticeCoverage(notice.Month, notice.PreviousMonth, notice.PreviousHeadNumber, notice.HeadNumber);
            var covered = await coverage.Entries(db.LedgerEntries.AsNoTracking(), notice.VillageId)
                .Where(e => e.State == EntryState.Publicised && e.Kind != EntryKind.Reversal)
                .Select(e => new { e.Id, e.Number }).ToListAsync(token);
            var held = (await db.Objections.AsNoTracking()
                    .Where(o => o.VillageId == notice.VillageId && o.State == ObjectionState.Open)
                    .Select(o => o.EntryId).ToListAsync(token))
                .ToHashSet();
            var numbers = covered.Where(e => !held.Contains(e.Id)).Select(e => e.Number).ToList();
            var moved = await posting.MakeEffectiveWithinAsync(notice.VillageId, numbers, token);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            notice.State = NoticeState.Closed;
            notice.ClosedAt = now;
            notice.ClosedBy = command.ActorId;
            return new NoticeClosing(notice, moved, covered.Count - numbers.Count);
        }, ct);
    }

    /// <summary>Published notices whose window has passed, for the scheduled job.</summary>
    public async Task<IReadOnlyList<(Guid VillageId, int Month)>> DueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        // Few notices are open at once (one a village); SQLite cannot compare instants in a query, so compare here.
        var open = await db.Notices.AsNoTracking().Where(n => n.State == NoticeState.Published)
            .Select(n => new { n.VillageId, n.Month, n.WindowClosesAt }).ToListAsync(ct);
        return open.Where(n => n.WindowClosesAt <= now).OrderBy(n => n.Month).Select(n => (n.VillageId, n.Month)).ToList();
    }

    private async Task<Notice?> ReplayAsync(PublishNotice command, string requestHash, CancellationToken ct)
    {
        var id = await Idempotency.ReplayAsync<Guid?>(db, command.VillageId, command.IdempotencyKey, PublishOperation, requestHash, ct);
        return id is null ? null : await db.Notices.AsNoTracking().SingleAsync(n => n.VillageId == command.VillageId && n.Id == id, ct);
    }
}
