using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notifications;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Claims.ClaimDeskTests;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Notifications;

/// <summary>A claim's outcome reaches its household and its submitter as an in-app notification, written with the decision.</summary>
public sealed class NotificationInboxTests
{
    private static async Task<List<Notification>> NotificationsAsync(TestDatabase database, Guid user)
    {
        await using var db = database.NewContext();
        return await db.Notifications.AsNoTracking().Where(n => n.UserId == user).OrderBy(n => n.Id).ToListAsync();
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Approval_notifies_every_villager_of_the_household_and_the_submitter_once_each(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var spouse = await UserAsync(database, x.V, "王秀兰", Role.Villager, household: 1);
        var byGridWorker = await SubmitAsync(database, Declare(x) with { Channel = ClaimChannel.Patrol, SubmittedBy = x.GridWorker });
        var own = await SubmitAsync(database, Declare(x));

        Assert.Equal("ok", await DecideAsync(database, Decide(x, byGridWorker.Number, x.Member)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, own.Number, x.Member)));

        Assert.Equal([byGridWorker.Number, own.Number], (await NotificationsAsync(database, x.Villager)).Select(n => n.ClaimNumber));
        Assert.Equal([byGridWorker.Number, own.Number], (await NotificationsAsync(database, spouse)).Select(n => n.ClaimNumber));
        var toGridWorker = Assert.Single(await NotificationsAsync(database, x.GridWorker));
        Assert.Equal((NotificationKind.ClaimApproved, 5, (DateTimeOffset?)null), (toGridWorker.Kind, toGridWorker.Points, toGridWorker.ReadAt));
        Assert.Empty(await NotificationsAsync(database, x.Member));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Rejection_and_return_carry_the_reason_and_a_first_review_or_a_refused_decision_notifies_nobody(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database, twoSteps: true);
        var rejected = await SubmitAsync(database, Declare(x));
        var returned = await SubmitAsync(database, Declare(x) with { Note = "第二次" });

        Assert.Equal("ok", await DecideAsync(database, Decide(x, rejected.Number, x.Reviewer)));
        Assert.Empty(await NotificationsAsync(database, x.Villager));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, rejected.Number, x.Member, ClaimDecision.Reject, "重复申报")));
        Assert.Equal("claim.already-resolved", await DecideAsync(database, Decide(x, rejected.Number, x.Chair)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, returned.Number, x.Reviewer, ClaimDecision.Return, "请补一张清理后的照片")));

        var seen = await NotificationsAsync(database, x.Villager);
        Assert.Equal([(NotificationKind.ClaimRejected, "重复申报"), (NotificationKind.ClaimReturned, "请补一张清理后的照片")],
            seen.Select(n => (n.Kind, n.Reason!)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_decision_refused_by_the_database_leaves_no_notification_behind(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var claim = await SubmitAsync(database, Declare(x));

        var outcomes = await RunTogetherAsync(2, i => DecideAsync(database, Decide(x, claim.Number, i == 0 ? x.Member : x.Chair)));

        Assert.Equal(["claim.already-resolved", "ok"], outcomes.Order(StringComparer.Ordinal));
        Assert.Single(await NotificationsAsync(database, x.Villager));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_user_lists_and_marks_read_only_their_own_notifications(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var byGridWorker = await SubmitAsync(database, Declare(x) with { Channel = ClaimChannel.Patrol, SubmittedBy = x.GridWorker });
        var own = await SubmitAsync(database, Declare(x));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, byGridWorker.Number, x.Member)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, own.Number, x.Member, ClaimDecision.Reject, "照片看不清")));
        await using var db = database.NewContext();
        var inbox = new NotificationInbox(db, TimeProvider.System);

        var page = await inbox.ListAsync(x.Villager);
        Assert.Equal((2, 2), (page.Items.Count, page.Unread));
        Assert.Equal(own.Number, page.Items[0].ClaimNumber);
        var gridWorkers = Assert.Single((await inbox.ListAsync(x.GridWorker)).Items);

        Assert.Equal(2, await inbox.MarkReadAsync(x.Villager, [gridWorkers.Id]));
        Assert.Equal(1, await inbox.MarkReadAsync(x.Villager, [page.Items[0].Id]));
        Assert.Equal(1, await inbox.MarkReadAsync(x.Villager, [page.Items[0].Id]));
        Assert.Equal(0, await inbox.MarkReadAsync(x.Villager, null));
        Assert.Equal(1, await inbox.UnreadAsync(x.GridWorker));
        Assert.Equal("notification.too-many", await OutcomeAsync(() => inbox.MarkReadAsync(x.Villager, Enumerable.Range(0, 101).Select(_ => Guid.NewGuid()).ToList())));
    }
}
