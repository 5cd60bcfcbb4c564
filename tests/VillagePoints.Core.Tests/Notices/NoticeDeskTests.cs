using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Notices;

/// <summary>Publishing freezes a month's notice once; closing makes its entries effective once.</summary>
public sealed class NoticeDeskTests
{
    private static readonly DateOnly Today = BusinessCalendar.Today(TimeProvider.System);
    private static readonly DateOnly LastMonthDay = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1);
    private static readonly int LastMonth = NoticeMonth.Of(LastMonthDay);
    private static readonly int ThisMonth = NoticeMonth.Of(Today);

    private static NoticeDesk Desk(VillagePointsDb db) =>
        new(db, new NoticeBuilder(db, TimeProvider.System), Posting(db), TimeProvider.System);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PublishThenClose_FreezesTheDocument_AndMakesOnlyTheMonthsEntriesEffective(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using (var db = database.NewContext())
        {
            await Posting(db).PostAsync(Award(v, 1, 10) with { OccurredOn = LastMonthDay });
            await Posting(db).PostAsync(Award(v, 2, 5));
        }

        await using (var db = database.NewContext())
        {
            var notice = await Desk(db).PublishAsync(new PublishNotice(v.VillageId, LastMonth, null, "pub-1"));
            Assert.Equal(NoticeState.Published, notice.State);
            Assert.Equal(2, notice.HeadNumber);
            Assert.True(notice.WindowClosesAt > notice.PublishedAt.AddDays(7));
            // A retry with the same key is answered with the same notice; without it, a second publication is refused.
            Assert.Equal(notice.Id, (await Desk(db).PublishAsync(new PublishNotice(v.VillageId, LastMonth, null, "pub-1"))).Id);
            Assert.Equal("notice.already-published", await OutcomeAsync(() => Desk(db).PublishAsync(new PublishNotice(v.VillageId, LastMonth, null))));
            Assert.Equal("notice.month-not-over", await OutcomeAsync(() => Desk(db).PublishAsync(new PublishNotice(v.VillageId, ThisMonth, null))));
            Assert.Equal("notice.not-published", await OutcomeAsync(() => Desk(db).CloseAsync(new CloseNotice(v.VillageId, NoticeMonth.Previous(LastMonth), Guid.NewGuid()))));
        }

        await using (var db = database.NewContext())
        {
            var closing = await Desk(db).CloseAsync(new CloseNotice(v.VillageId, LastMonth, null));
            Assert.NotNull(closing);
            Assert.Equal(1, closing.MadeEffective);
            // The job finds it closed and does nothing; by hand, a second close is refused.
            Assert.Null(await Desk(db).CloseAsync(new CloseNotice(v.VillageId, LastMonth, null)));
        }

        var entries = await EntriesAsync(database, v);
        Assert.Equal([EntryState.Effective, EntryState.Publicised], entries.Select(e => e.State));
        Assert.True((await VerifyAsync(database, v)).Sound);
        await using var read = database.NewContext();
        Assert.Equal(NoticeDocument.Closed, NoticeBook.Thaw(await read.Notices.SingleAsync()).State);
    }
}
