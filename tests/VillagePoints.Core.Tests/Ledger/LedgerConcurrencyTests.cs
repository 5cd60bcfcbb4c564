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

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReverseAsync_FiveDoubleTapsWithOneKeyAtOnce_AllGetTheOneReversal(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        long number;
        await using (var db = database.NewContext())
            number = (await Posting(db).PostAsync(Award(v, 1, 10))).Number;

        // The taps that wait on the chain-head lock must find the first tap's reversal, not "already reversed".
        var reversals = await RunTogetherAsync(5, async _ =>
        {
            await using var db = database.NewContext();
            return await Posting(db).ReverseAsync(Reverse(v, number, key: "tap-1"));
        });

        Assert.Single(reversals.Select(e => e.Id).Distinct());
        Assert.Equal(2, (await EntriesAsync(database, v)).Count);
        Assert.Equal(0, (await BalanceAsync(database, v, 1))!.Total);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_TwentyRedemptionsAtOnce_OnlyTheAffordableOnesLand(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using (var db = database.NewContext())
            await Posting(db).PostAsync(Award(v, 1, 100, state: EntryState.Effective));

        var outcomes = await RunTogetherAsync(20, async _ =>
        {
            await using var db = database.NewContext();
            return await OutcomeAsync(() => Posting(db).PostAsync(Redemption(v, 1, 30)));
        });

        Assert.Equal(3, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("balance.insufficient", o));
        var balance = await BalanceAsync(database, v, 1);
        Assert.Equal((10L, 10L), (balance!.Total, balance.Effective));
        Assert.Equal(4, (await EntriesAsync(database, v)).Count);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }
}
