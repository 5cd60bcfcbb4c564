using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>
/// Each writer has its own DbContext (and so its own connection), as separate requests or app nodes
/// would; only the database keeps them apart.
/// </summary>
public sealed class LedgerConcurrencyTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_TwentyParallelWritersOnOneVillage_AllSucceedWithGaplessNumbersAndASoundChain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 4);

        var results = await RunTogetherAsync(20, async i =>
        {
            await using var db = database.NewContext();
            return await Posting(db).PostAsync(Award(v, i % 4 + 1, i + 1));
        });

        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), results.Select(e => e.Number).Order());
        var entries = await EntriesAsync(database, v);
        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), entries.Select(e => e.Number));
        for (var number = 1; number <= 4; number++)
        {
            var id = v.HouseholdIds[number - 1];
            Assert.Equal(entries.Where(e => e.HouseholdId == id).Sum(e => (long)e.Amount), (await BalanceAsync(database, v, number))!.Total);
        }
        var report = await VerifyAsync(database, v);
        Assert.True(report.Sound, report.FirstProblem?.What);
        Assert.Equal(20, report.Entries);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_TenParallelCallsWithTheSameKey_RecordExactlyOneEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);

        var results = await RunTogetherAsync(10, async _ =>
        {
            await using var db = database.NewContext();
            return await Posting(db).PostAsync(Award(v, 1, 10, key: "same-key"));
        });

        Assert.Single(results.Select(e => e.Id).Distinct());
        Assert.Single(await EntriesAsync(database, v));
        Assert.Equal(10, (await BalanceAsync(database, v, 1))!.Total);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReverseAsync_FiveParallelReversalsOfOneEntry_ReverseItOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        long number;
        await using (var db = database.NewContext())
            number = (await Posting(db).PostAsync(Award(v, 1, 10))).Number;

        var outcomes = await RunTogetherAsync(5, async i =>
        {
            await using var db = database.NewContext();
            try
            {
                await Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, number, $"冲正{i}", null));
                return "reversed";
            }
            catch (DomainException ex)
            {
                return ex.Code;
            }
        });

        Assert.Equal(1, outcomes.Count(o => o == "reversed"));
        Assert.All(outcomes.Where(o => o != "reversed"), o => Assert.Equal("entry.already-reversed", o));
        Assert.Equal(0, (await BalanceAsync(database, v, 1))!.Total);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    /// <summary>Starts all calls on the thread pool and releases them at once, so they really overlap.</summary>
    private static async Task<T[]> RunTogetherAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
