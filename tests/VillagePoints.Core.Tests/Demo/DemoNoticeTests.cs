using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Notices;
using Xunit.Abstractions;

namespace VillagePoints.Core.Tests.Demo;

/// <summary>The demo's notices and objections on SQLite; <see cref="DemoVillagePostgresTests"/> runs the same checks on PostgreSQL.</summary>
public sealed class DemoNoticeTests(DemoVillageFixture fixture, ITestOutputHelper output) : IClassFixture<DemoVillageFixture>
{
    [Fact]
    public async Task Seed_PublishesEveryMonthFromTheStart_ClosedButLastMonthsOnTheBoard_AndNoneForThisMonth()
    {
        await using var db = fixture.Open();
        foreach (var (code, first) in DemoNoticeChecks.Villages)
            await DemoNoticeChecks.EveryMonthHasANoticeAsync(db, code, first);
    }

    [Fact]
    public async Task Seed_ListsInEachNoticeExactlyTheEntriesItCovers_WithMonthTotalsThatAddUp()
    {
        await using var db = fixture.Open();
        foreach (var (code, _) in DemoNoticeChecks.Villages)
            await DemoNoticeChecks.EachNoticeListsItsMonthAsync(db, code);
    }

    [Fact]
    public async Task Seed_MakesEffectiveWhatClosedNoticesCover_ExceptEntriesWithAnOpenObjection()
    {
        await using var db = fixture.Open();
        foreach (var (code, _) in DemoNoticeChecks.Villages)
            await DemoNoticeChecks.ClosedNoticesMadeTheirEntriesEffectiveAsync(db, code);
    }

    [Fact]
    public async Task Seed_HasObjectionsMostlyDismissed_SomeUpheldWithAReversal_DecidedBeforeTheWindowClosed()
    {
        await using var db = fixture.Open();
        var (upheld, dismissed, open) = await DemoNoticeChecks.ObjectionsAreDecidedInTheirWindowAsync(db, DemoVillage.VillageCode);
        output.WriteLine($"Shuixin: {upheld} upheld, {dismissed} dismissed, {open} open");
        Assert.InRange(upheld, 1, dismissed - 1);
        Assert.True(dismissed >= 3, $"{dismissed} dismissed");
        Assert.InRange(open, 0, 1);
        await DemoNoticeChecks.ObjectionsAreDecidedInTheirWindowAsync(db, DemoVillage.GaocunCode);
    }

    [Fact]
    public async Task Seed_GivesTheSameNoticesAndObjectionsEveryTime()
    {
        await using var first = fixture.Open();
        await using var second = fixture.OpenFile(await fixture.SecondSeedAsync());
        var rows = await DemoNoticeChecks.RowsAsync(first);
        Assert.True(rows.Count > 47 + 20, $"only {rows.Count} notices and objections");
        Assert.Equal(rows, await DemoNoticeChecks.RowsAsync(second));
    }

    /// <summary>This month has no notice yet: its draft, built now, picks up where last month's published notice left off.</summary>
    [Fact]
    public async Task ThisMonthsDraft_FollowsLastMonthsPublishedNotice()
    {
        await using var db = fixture.Open();
        var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == DemoVillage.VillageCode);
        var last = await db.Notices.AsNoTracking().Where(n => n.VillageId == village.Id).OrderByDescending(n => n.Month).FirstAsync();
        var month = NoticeMonth.Next(last.Month);
        var draft = await new NoticeBuilder(db, fixture.Time).BuildDraftAsync(village.Id, month);
        Assert.Equal(NoticeDocument.Draft, draft.State);
        Assert.Empty(draft.Late);
        var head = await db.VillageLedgerHeads.AsNoTracking().SingleAsync(h => h.VillageId == village.Id);
        Assert.Equal((head.LastNumber, head.LastHash), (draft.ChainHead.EntryNumber, draft.ChainHead.Hash));
        Assert.All(draft.Households, h => Assert.Equal(h.MonthTotal, h.Entries.Sum(l => (long)l.Amount)));
        var from = NoticeMonth.FirstDay(month);
        Assert.All(draft.Households.SelectMany(h => h.Entries), l => Assert.True(l.OccurredOn >= from));
        Assert.Equal(await db.LedgerEntries.CountAsync(e => e.VillageId == village.Id && e.OccurredOn >= from), draft.Summary.Entries);
    }
}
