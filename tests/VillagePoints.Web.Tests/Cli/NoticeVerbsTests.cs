using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using VillagePoints.Web.Cli;
using static VillagePoints.Web.Tests.Notices.NoticeTestKit;

namespace VillagePoints.Web.Tests.Cli;

/// <summary>notice publish and notice close: one clear line each, exit 0 done, 1 not understood, 2 refused by the notice's state.</summary>
public sealed class NoticeVerbsTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publish_ThenClose_SayWhatTheyDid_AndRefuseASecondTime(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLastMonthAsync(database);

        var published = await RunAsync(database, "notice", "publish", "--village", v.VillageCode, "--month", LastMonthText);
        var again = await RunAsync(database, "notice", "publish", "--village", v.VillageCode, "--month", LastMonthText);
        var closed = await RunAsync(database, "notice", "close", "--village", v.VillageCode, "--month", LastMonthText);
        var closedAgain = await RunAsync(database, "notice", "close", "--village", v.VillageCode, "--month", LastMonthText);

        await using var db = database.NewContext();
        var notice = await db.Notices.AsNoTracking().SingleAsync(n => n.VillageId == v.VillageId);
        var closes = TimeZoneInfo.ConvertTime(notice.WindowClosesAt, BusinessCalendar.Zone);
        Assert.True(published.Exit == 0, published.Error);
        Assert.Equal($"Published {v.VillageCode} {LastMonthText}: 2 households, 2 entries, head 2:{notice.HeadHash[..12]}…; "
            + $"window closes {closes:yyyy-MM-dd} 00:00 (Asia/Shanghai).{Environment.NewLine}", published.Output);
        Assert.Equal(2, again.Exit);
        Assert.Equal($"Not published: {v.VillageCode} {LastMonthText}: That month's notice is already published.{Environment.NewLine}", again.Error);
        Assert.True(closed.Exit == 0, closed.Error);
        Assert.Equal($"Closed {v.VillageCode} {LastMonthText}: 2 entries effective, 0 held by open objections.{Environment.NewLine}", closed.Output);
        Assert.Equal(2, closedAgain.Exit);
        Assert.Contains("closed already", closedAgain.Error, StringComparison.Ordinal);
        Assert.Equal(NoticeState.Closed, notice.State);
        Assert.Null(notice.ClosedBy);
        Assert.All(await EntriesAsync(database, v), e => Assert.Equal(EntryState.Effective, e.State));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task BadInput_AndWrongStates_ExitNonZeroWithAClearMessage_AndWriteNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLastMonthAsync(database);

        var unknown = await RunAsync(database, "notice", "publish", "--village", "nowhere", "--month", LastMonthText);
        var badMonth = await RunAsync(database, "notice", "publish", "--village", v.VillageCode, "--month", "2026-13");
        var wideDigits = await RunAsync(database, "notice", "close", "--village", v.VillageCode, "--month", "２０２６-10");
        var notOver = await RunAsync(database, "notice", "publish", "--village", v.VillageCode, "--month", NoticeMonth.Format(ThisMonth));
        var notPublished = await RunAsync(database, "notice", "close", "--village", v.VillageCode, "--month", LastMonthText);

        Assert.Equal((1, $"No village with code 'nowhere'.{Environment.NewLine}"), (unknown.Exit, unknown.Error));
        Assert.Equal((1, $"--month takes yyyy-MM in ASCII digits, e.g. 2026-10; '2026-13' is not that.{Environment.NewLine}"), (badMonth.Exit, badMonth.Error));
        Assert.Equal(1, wideDigits.Exit);
        Assert.Contains("'２０２６-10' is not that", wideDigits.Error, StringComparison.Ordinal);
        Assert.Equal(2, notOver.Exit);
        Assert.Contains("published once the month is over", notOver.Error, StringComparison.Ordinal);
        Assert.Equal((2, $"Not closed: {v.VillageCode} {LastMonthText}: That month's notice has not been published.{Environment.NewLine}"),
            (notPublished.Exit, notPublished.Error));
        await using var db = database.NewContext();
        Assert.Equal(0, await db.Notices.CountAsync());
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(TestDatabase database, params string[] args)
    {
        var key = database.Provider == DatabaseProvider.Postgres ? "ConnectionStrings:Postgres" : "ConnectionStrings:Sqlite";
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliVerbs.RunAsync(args, new Dictionary<string, string?> { [key] = database.ConnectionString }, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
