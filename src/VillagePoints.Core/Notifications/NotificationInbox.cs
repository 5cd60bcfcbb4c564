using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;

namespace VillagePoints.Core.Notifications;

/// <summary>One user's notifications, newest first, with how many are unread.</summary>
public sealed record InboxPage(IReadOnlyList<Notification> Items, int Unread);

/// <summary>
/// In-app notifications: a claim's outcome reaches the household's villager accounts and its submitter. They are
/// added in the transaction of the decision itself, so a decision never goes out without its notification, nor
/// the other way round.
/// </summary>
public sealed class NotificationInbox(VillagePointsDb db, TimeProvider time)
{
    public const int MaxPage = 100;

    /// <summary>
    /// Adds, without saving, a notification of the claim's outcome for every villager account of its household and
    /// for its submitter when that is someone else. The caller saves it with the decision.
    /// </summary>
    public static async Task AddForDecisionAsync(VillagePointsDb db, Claim claim, DateTimeOffset at, CancellationToken ct)
    {
        if (KindOf(claim.State) is not { } kind)
            return;
        var recipients = await db.RoleAssignments.AsNoTracking()
            .Where(r => r.VillageId == claim.VillageId && r.HouseholdId == claim.HouseholdId && r.Role == Role.Villager)
            .Select(r => r.UserId).ToListAsync(ct);
        recipients.Add(claim.SubmittedBy);
        foreach (var user in recipients.Distinct())
        {
            db.Notifications.Add(new Notification
            {
                Id = Ids.New(at), UserId = user, VillageId = claim.VillageId, Kind = kind, ClaimNumber = claim.Number,
                Points = claim.Points, Reason = claim.ResolutionReason, CreatedAt = at,
            });
        }
    }

    /// <summary>
    /// Adds, without saving, a notification about an objection for every villager account of the household whose entry
    /// it names, and for <paramref name="alsoTo"/> (the objector, when a decision is made). <paramref name="skip"/> is
    /// whoever acted: nobody is told what they did themselves. The caller saves it with the objection's change.
    /// </summary>
    public static async Task AddForObjectionAsync(VillagePointsDb db, Objection objection, NotificationKind kind, int points, string? reason,
        Guid? alsoTo, Guid skip, DateTimeOffset at, CancellationToken ct)
    {
        var recipients = await db.RoleAssignments.AsNoTracking()
            .Where(r => r.VillageId == objection.VillageId && r.HouseholdId == objection.HouseholdId && r.Role == Role.Villager)
            .Select(r => r.UserId).ToListAsync(ct);
        if (alsoTo is { } other)
            recipients.Add(other);
        // A notification keeps a short reason; the objection itself keeps the whole text.
        var shortReason = reason is { Length: > LedgerPosting.MaxReasonLength } ? reason[..(LedgerPosting.MaxReasonLength - 1)] + "…" : reason;
        foreach (var user in recipients.Where(u => u != skip).Distinct())
        {
            db.Notifications.Add(new Notification
            {
                Id = Ids.New(at), UserId = user, VillageId = objection.VillageId, Kind = kind, ClaimNumber = 0,
                ObjectionNumber = objection.Number, Points = points, Reason = shortReason, CreatedAt = at,
            });
        }
    }

    public async Task<InboxPage> ListAsync(Guid userId, int take = 30, CancellationToken ct = default)
    {
        var items = await db.Notifications.AsNoTracking().Where(n => n.UserId == userId)
            .OrderByDescending(n => n.Id).Take(Math.Clamp(take, 1, MaxPage)).ToListAsync(ct);
        return new InboxPage(items, await UnreadAsync(userId, ct));
    }

    public Task<int> UnreadAsync(Guid userId, CancellationToken ct = default) =>
        db.Notifications.CountAsync(n => n.UserId == userId && n.ReadAt == null, ct);

    /// <summary>
    /// Marks the user's notifications read: the given ones, or all when none are given. Marking read twice changes
    /// nothing, so a retried request is harmless by nature. Another user's notifications are never touched.
    /// </summary>
    public async Task<int> MarkReadAsync(Guid userId, IReadOnlyCollection<Guid>? ids, CancellationToken ct = default)
    {
        if (ids is { Count: > MaxPage })
            throw new DomainException("notification.too-many", $"Mark at most {MaxPage} notifications at once.");
        var now = BusinessCalendar.Truncate(time.GetUtcNow());
        var unread = db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null);
        if (ids is { Count: > 0 })
            unread = unread.Where(n => ids.Contains(n.Id));
        var items = await unread.ToListAsync(ct);
        foreach (var n in items)
            n.ReadAt = now;
        await db.SaveChangesAsync(ct);
        return await UnreadAsync(userId, ct);
    }

    private static NotificationKind? KindOf(ClaimState state) => state switch
    {
        ClaimState.Approved => NotificationKind.ClaimApproved,
        ClaimState.Rejected => NotificationKind.ClaimRejected,
        ClaimState.Returned => NotificationKind.ClaimReturned,
        _ => null,
    };
}
