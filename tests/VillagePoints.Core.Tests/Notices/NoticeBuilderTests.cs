using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Notices;

/// <summary>A month's draft notice is built from the ledger: its entries, the monthly totals, ranks and what it covers.</summary>
public sealed class NoticeBuilderTests
{
    private static readonly DateOnly Today = BusinessCalendar.Today(TimeProvider.System);
    private static readonly DateOnly LastMonthDay = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1);
    private static readonly int LastMonth = NoticeMonth.Of(LastMonthDay);
    private static readonly int ThisMonth = NoticeMonth.Of(Today);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Draft_ListsTheMonthsEntriesByHousehold_WithMonthTotalsCumulativeAndSharedRanks(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using (var db = database.NewContext())
        {
            var posting = Posting(db);
            await posting.PostAsync(Award(v, 1, 10) with { OccurredOn = LastMonthDay });
            await posting.PostAsync(Deduction(v, 2, 3) with { OccurredOn = LastMonthDay });
            await posting.PostAsync(Award(v, 3, 10) with { OccurredOn = LastMonthDay });
            await posting.PostAsync(Award(v, 1, 5));
        }

        await using var read = database.NewContext();
        var doc = await new NoticeBuilder(read, TimeProvider.System).BuildDraftAsync(v.VillageId, LastMonth);

        Assert.Equal(NoticeDocument.Draft, doc.State);
        Assert.Equal(NoticeMonth.Format(LastMonth), doc.Month);
        Assert.Equal([1, 2, 3], doc.Households.Select(h => h.Number));
        Assert.Equal([10L, -3L, 10L], doc.Households.Select(h => h.MonthTotal));
        Assert.Equal([10L, -3L, 10L], doc.Households.Select(h => h.Cumulative));
        // Households 1 and 3 share first place; the next rank skips.
        Assert.Equal([1, 3, 1], doc.Households.Select(h => h.VillageRank));
        Assert.Equal([1, 3, 1], doc.Households.Select(h => h.GroupRank));
        Assert.Equal([1L], doc.Households[0].Entries.Select(e => e.Number));
        Assert.Equal(new NoticeSummary(20, 3, 0, 3, 0, 3, 3), doc.Summary);
        // The head is the chain as it stands; entry 4 is this month's, so the notice does not list it.
        Assert.Equal(4, doc.ChainHead.EntryNumber);
        Assert.Empty(doc.Late);
        Assert.Null(doc.Boards);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Draft_AfterThePreviousMonthWasPublished_ListsLateEntriesOfThatMonthSeparately(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using (var db = database.NewContext())
        {
            var posting = Posting(db);
            await posting.PostAsync(Award(v, 1, 10) with { OccurredOn = LastMonthDay });
            await posting.PostAsync(Award(v, 2, 4));
            var lastMonthDoc = await new NoticeBuilder(db, TimeProvider.System).BuildDraftAsync(v.VillageId, LastMonth);
            var json = NoticeBook.Serialize(lastMonthDoc);
            db.Notices.Add(new Notice
            {
                VillageId = v.VillageId, Id = Ids.New(), Month = LastMonth, State = NoticeState.Published, HeadNumber = 2,
                HeadHash = lastMonthDoc.ChainHead.Hash, PublishedAt = DateTimeOffset.UtcNow, WindowClosesAt = DateTimeOffset.UtcNow.AddDays(7),
                Document = json, DocumentHash = NoticeBook.Hash(json),
            });
            await db.SaveChangesAsync();
            // Approved after the notice went up, for a deed of last month.
            await posting.PostAsync(Award(v, 3, 6) with { OccurredOn = LastMonthDay });
        }

        await using var read = database.NewContext();
        var doc = await new NoticeBuilder(read, TimeProvider.System).BuildDraftAsync(v.VillageId, ThisMonth);

        // Entry 2 is this month's and was numbered before last month's head; entry 3 is late.
        Assert.Equal([2L], doc.Households.SelectMany(h => h.Entries).Select(e => e.Number));
        Assert.Equal([3L], doc.Late.Select(e => e.Number));
        Assert.Equal([10L, 4L, 6L], doc.Households.Select(h => h.Cumulative));
        var published = NoticeBook.Thaw(await read.Notices.SingleAsync());
        Assert.Equal([1L], published.Households.SelectMany(h => h.Entries).Select(e => e.Number));
        Assert.Equal(NoticeDocument.Published, published.State);
        await Assert.ThrowsAsync<DomainException>(() => new NoticeBuilder(read, TimeProvider.System).BuildDraftAsync(v.VillageId, LastMonth));
    }
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Draft_AsOfAnEarlierHeadAndTime_IsTheDocumentPublishingThenWouldHaveFrozen(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        var then = DateTimeOffset.UtcNow.AddMinutes(-30);
        await using (var db = database.NewContext())
        {
            var posting = Posting(db);
            await posting.PostAsync(Award(v, 1, 10) with { OccurredOn = LastMonthDay });
            await posting.PostAsync(Deduction(v, 2, 3) with { OccurredOn = LastMonthDay });
        }
        NoticeDocument atTheTime;
        await using (var db = database.NewContext())
            atTheTime = await new NoticeBuilder(db, new FakeTimeProvider(then)).BuildDraftAsync(v.VillageId, LastMonth);
        await using (var db = database.NewContext())
        {
            // Later: an entry of this month, and an objection to entry 2 raised and decided after that moment.
            var later = await Posting(db).PostAsync(Award(v, 3, 6));
            var entry = await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.VillageId == v.VillageId && e.Number == 2);
            var account = Ids.New();
            db.UserAccounts.Add(new UserAccount { Id = account, Phone = "13900000099", DisplayName = "陈伟", PasswordHash = "", CreatedAt = then });
            db.Objections.Add(new Objection
            {
                VillageId = v.VillageId, Id = Ids.New(), Number = 1, EntryId = entry.Id, EntryNumber = 2, HouseholdId = entry.HouseholdId,
                NoticeMonth = LastMonth, RaisedBy = account, RaisedByHouseholdId = entry.HouseholdId, Reason = "当天我家有人在家",
                State = ObjectionState.Dismissed, RaisedAt = then.AddMinutes(5), DecidedAt = then.AddMinutes(10), DecidedBy = account, Decision = "维持",
            });
            await db.SaveChangesAsync();
            Assert.Equal(3, later.Number);
        }

        await using var read = database.NewContext();
        var asOf = await new NoticeBuilder(read, new FakeTimeProvider(then)).BuildDraftAsync(v.VillageId, LastMonth, 2);
        var now = await new NoticeBuilder(read, TimeProvider.System).BuildDraftAsync(v.VillageId, LastMonth);

        Assert.Equal(NoticeBook.Serialize(atTheTime), NoticeBook.Serialize(asOf));
        Assert.Equal(2, asOf.ChainHead.EntryNumber);
        Assert.Equal(3, now.ChainHead.EntryNumber);
        Assert.Equal("dismissed", Assert.Single(now.Objections).State);
        Assert.Equal("dismissed", now.Households[1].Entries[0].Objection);
        Assert.Empty(asOf.Objections);
        Assert.Null(asOf.Households[1].Entries[0].Objection);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            new NoticeBuilder(read, TimeProvider.System).BuildDraftAsync(v.VillageId, LastMonth, 4));
    }
}
