using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using VillagePoints.Web.Notices;
using VillagePoints.Web.Tests.Infrastructure;
using static VillagePoints.Web.Tests.Notices.NoticeTestKit;

namespace VillagePoints.Web.Tests.Notices;

/// <summary>The scheduled job closes a notice's window on time, once, however many app instances share the database.</summary>
public sealed class NoticeSchedulerTests
{
    [Fact]
    public async Task TwoInstancesOnOnePostgres_CloseADueNoticeExactlyOnce_OneLeaseHolderAtATime()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Postgres, new Dictionary<string, string?>
        {
            [NoticeScheduler.Every] = "00:00:00.100",
        });
        var v = await ArrangeLastMonthAsync(app.Database);
        await PublishAsync(app.Database, v, LastMonth);
        await SetWindowClosesAtAsync(app.Database, v, LastMonth, DateTimeOffset.UtcNow.AddMinutes(-1));
        var log = new ClosingLog();

        // Both start with the notice already due, so their first runs race for it.
        await using var first = app.Factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(log)));
        await using var second = app.Factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(log)));
        var instances = new[] { first, second }.Select(f => f.Services.GetServices<IHostedService>().OfType<NoticeScheduler>().Single().Holder).ToList();
        Assert.NotEqual(instances[0], instances[1]);

        var holders = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        DateTime? closedSeen = null;
        // Watch the lease for a second after the close, while both instances keep checking every 100 ms.
        while (closedSeen is null || DateTime.UtcNow < closedSeen.Value.AddSeconds(1))
        {
            Assert.True(DateTime.UtcNow < deadline, "the notice was not closed in time");
            await using var db = app.NewContext();
            var leases = await db.JobLeases.AsNoTracking().ToListAsync();
            Assert.True(leases.Count <= 1, $"{leases.Count} lease rows");
            holders.UnionWith(leases.Select(l => l.Holder));
            if (closedSeen is null && await db.Notices.AnyAsync(n => n.VillageId == v.VillageId && n.State == NoticeState.Closed))
                closedSeen = DateTime.UtcNow;
            await Task.Delay(20);
        }

        var holder = Assert.Single(holders);
        Assert.Contains(holder, instances);
        Assert.Single(log.Closings);
        await using var read = app.NewContext();
        var notice = await read.Notices.AsNoTracking().SingleAsync(n => n.VillageId == v.VillageId);
        Assert.Equal((NoticeState.Closed, (Guid?)null), (notice.State, notice.ClosedBy));
        Assert.NotNull(notice.ClosedAt);
        Assert.All(await EntriesAsync(app.Database, v), e => Assert.Equal(EntryState.Effective, e.State));
        var balances = await read.HouseholdBalances.AsNoTracking().Where(b => b.VillageId == v.VillageId).OrderBy(b => b.Total).ToListAsync();
        Assert.Equal([(-3L, -3L, 0L), (10L, 10L, 0L)], balances.Select(b => (b.Total, b.Effective, b.Publicised)));
        Assert.True((await new LedgerVerifier(read).VerifyAsync(v.VillageCode)).Problems.Count == 0, "verify finds the ledger sound");
    }

    [Fact]
    public async Task SingleSqliteInstance_ClosesTheNoticeWhenItsWindowEnds_NotBefore()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var v = await ArrangeLastMonthAsync(app.Database);
        await PublishAsync(app.Database, v, LastMonth);
        var closes = time.GetUtcNow().AddMinutes(30);
        await SetWindowClosesAtAsync(app.Database, v, LastMonth, closes);
        await using var factory = app.Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(time)));
        _ = factory.Services;

        // The first check runs a minute after start: it takes the lease and finds nothing due yet. The host starts the
        // job on its own thread, so the clock moves a minute at a time until the job has waited on it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await LeaseTakenAsync(app))
        {
            Assert.True(DateTime.UtcNow < deadline, "the scheduler did not run in time");
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(100);
        }
        await using (var db = app.NewContext())
            Assert.Equal(NoticeState.Published, (await db.Notices.SingleAsync(n => n.VillageId == v.VillageId)).State);

        time.Advance(TimeSpan.FromMinutes(30));
        await WaitUntilAsync(app, db => db.Notices.AnyAsync(n => n.VillageId == v.VillageId && n.State == NoticeState.Closed));

        await using var read = app.NewContext();
        var notice = await read.Notices.AsNoTracking().SingleAsync(n => n.VillageId == v.VillageId);
        Assert.True(notice.ClosedAt >= closes, $"closed at {notice.ClosedAt}, window to {closes}");
        Assert.All(await EntriesAsync(app.Database, v), e => Assert.Equal(EntryState.Effective, e.State));
    }

    private static async Task<bool> LeaseTakenAsync(TestApp app)
    {
        await using var db = app.NewContext();
        return await db.JobLeases.AnyAsync(l => l.Name == NoticeScheduler.Lease);
    }

    private static async Task WaitUntilAsync(TestApp app, Func<VillagePointsDb, Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using (var db = app.NewContext())
            {
                if (await condition(db))
                    return;
            }
            Assert.True(DateTime.UtcNow < deadline, "the scheduler did not run in time");
            await Task.Delay(50);
        }
    }

    /// <summary>Collects the scheduler's "closed" lines from every instance.</summary>
    private sealed class ClosingLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Closings { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ClosingLog owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                if (category == typeof(NoticeScheduler).FullName && message.StartsWith("Closed the publicity window", StringComparison.Ordinal))
                    owner.Closings.Enqueue(message);
            }
        }
    }
}
