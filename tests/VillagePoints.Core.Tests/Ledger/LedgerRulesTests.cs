using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>The posting rules around states, spending, dates and base grants.</summary>
public sealed class LedgerRulesTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task MakeEffectiveAsync_AReversedPublicisedAward_MovesWithItsReversal_SoNoReversedPointIsSpendable(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var award = await Posting(db).PostAsync(Award(v, 1, 10));
        await Posting(db).ReverseAsync(Reverse(v, award.Number));

        // Closing the month names the award; its reversal follows.
        var moved = await Posting(db).MakeEffectiveAsync(v.VillageId, [award.Number]);

        Assert.Equal(2, moved);
        var balance = await BalanceAsync(database, v, 1);
        Assert.Equal((0L, 0L, 0L, 0L), (balance!.Total, balance.Effective, balance.Publicised, balance.Earned));
        Assert.All(await EntriesAsync(database, v), e => Assert.Equal(EntryState.Effective, e.State));
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task MakeEffectiveAsync_OnlyAReversalNamed_LeavesItWithItsPublicisedTarget(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var award = await Posting(db).PostAsync(Award(v, 1, 10));
        var reversal = await Posting(db).ReverseAsync(Reverse(v, award.Number));

        var moved = await Posting(db).MakeEffectiveAsync(v.VillageId, [reversal.Number]);

        Assert.Equal(0, moved);
        var balance = await BalanceAsync(database, v, 1);
        Assert.Equal((0L, 0L), (balance!.Effective, balance.Publicised));
        Assert.All(await EntriesAsync(database, v), e => Assert.Equal(EntryState.Publicised, e.State));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReverseAsync_AnEffectiveEntry_IsEffectiveAtOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var award = await Posting(db).PostAsync(Award(v, 1, 10, state: EntryState.Effective));
        await Posting(db).PostAsync(Award(v, 1, 4));

        var reversal = await Posting(db).ReverseAsync(Reverse(v, award.Number));

        Assert.Equal(EntryState.Effective, reversal.State);
        var balance = await BalanceAsync(database, v, 1);
        Assert.Equal((4L, 0L, 4L, 4L), (balance!.Total, balance.Effective, balance.Publicised, balance.Earned));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReverseAsync_ABaseGrant_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var grant = await Posting(db).PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[0], 100, EntryKind.BaseGrant, "基础分",
            SourceKinds.Opening, State: EntryState.Effective));

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).ReverseAsync(Reverse(v, grant.Number)));

        Assert.Equal(("entry.reverse-base-grant", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        Assert.Single(await EntriesAsync(database, v));
        Assert.Equal(100, (await BalanceAsync(database, v, 1))!.Effective);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_ARedemptionBeyondTheEffectivePoints_IsRefusedAndRecordsNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        await Posting(db).PostAsync(Award(v, 1, 30, state: EntryState.Effective));
        await Posting(db).PostAsync(Award(v, 1, 50));

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostAsync(Redemption(v, 1, 31)));
        await Posting(db).PostAsync(Redemption(v, 1, 30));

        Assert.Equal(("balance.insufficient", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        var balance = await BalanceAsync(database, v, 1);
        Assert.Equal((50L, 0L, 50L), (balance!.Total, balance.Effective, balance.Publicised));
        Assert.Equal(3, (await EntriesAsync(database, v)).Count);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_ARedemptionOfPublicisedPoints_IsAllowedWhereTheVillageLetsPointsBeSpentEarly(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await ChangeVillageAsync(database, v, village => village.Settings.AllowSpendBeforeEffective = true);
        await using var db = database.NewContext();
        await Posting(db).PostAsync(Award(v, 1, 30, state: EntryState.Effective));
        await Posting(db).PostAsync(Award(v, 1, 50));

        await Posting(db).PostAsync(Redemption(v, 1, 80));
        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostAsync(Redemption(v, 1, 1)));

        Assert.Equal("balance.insufficient", ex.Code);
        Assert.Equal(0, (await BalanceAsync(database, v, 1))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_APendingDeduction_CountsAgainstWhatCanBeRedeemed(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        await Posting(db).PostAsync(Award(v, 1, 30, state: EntryState.Effective));
        await Posting(db).PostAsync(Deduction(v, 1, 20));

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostAsync(Redemption(v, 1, 11)));
        await Posting(db).PostAsync(Redemption(v, 1, 10));

        Assert.Equal("balance.insufficient", ex.Code);
        Assert.Equal(0, (await BalanceAsync(database, v, 1))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostBatchAsync_RedemptionsAffordableOnlyOneAtATime_AreRefusedTogether(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        await Posting(db).PostAsync(Award(v, 1, 30, state: EntryState.Effective));

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostBatchAsync(v.VillageId,
            [Redemption(v, 1, 20), Redemption(v, 1, 20)]));

        Assert.Equal("balance.insufficient", ex.Code);
        Assert.Single(await EntriesAsync(database, v));
        Assert.Equal(30, (await BalanceAsync(database, v, 1))!.Effective);
    }

    public static TheoryData<DatabaseProvider, string, string> ImpossibleDates()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var p in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(p, "9999-12-31", "entry.occurred-on-future");
            // 01:00 on 2 March in Shanghai is still 1 March in UTC; the 3rd is tomorrow either way.
            data.Add(p, "2026-03-03", "entry.occurred-on-future");
            data.Add(p, "0001-01-01", "entry.occurred-on-too-early");
            data.Add(p, "2019-12-31", "entry.occurred-on-too-early");
        }
        return data;
    }

    [Theory, MemberData(nameof(ImpossibleDates))]
    public async Task PostAsync_ADateInTheFutureOrBeforeTheVillageStarted_IsRefusedAndRecordsNothing(DatabaseProvider provider, string occurredOn,
        string code)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await ChangeVillageAsync(database, v, village => village.StartedOn = new DateOnly(2020, 1, 1));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 17, 0, 0, TimeSpan.Zero));
        await using var db = database.NewContext();

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db, time).PostBatchAsync(v.VillageId,
            [Award(v, 2, 5), Award(v, 1, 10) with { OccurredOn = DateOnly.Parse(occurredOn, System.Globalization.CultureInfo.InvariantCulture) }]));

        Assert.Equal((code, DomainErrorKind.Invalid), (ex.Code, ex.Kind));
        Assert.Empty(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_TheVillagesFirstDayAndTodayInShanghai_AreAccepted(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await ChangeVillageAsync(database, v, village => village.StartedOn = new DateOnly(2020, 1, 1));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 17, 0, 0, TimeSpan.Zero));
        await using var db = database.NewContext();

        await Posting(db, time).PostAsync(Award(v, 1, 10) with { OccurredOn = new DateOnly(2020, 1, 1) });
        await Posting(db, time).PostAsync(Award(v, 1, 10) with { OccurredOn = new DateOnly(2026, 3, 2) });
        var defaulted = await Posting(db, time).PostAsync(Award(v, 1, 10));

        Assert.Equal(new DateOnly(2026, 3, 2), defaulted.OccurredOn);
        Assert.Equal(3, (await EntriesAsync(database, v)).Count);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_AnImportedEntry_CannotHaveHappenedAfterItWasRecorded(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var recordedAt = new DateTimeOffset(2025, 6, 1, 2, 0, 0, TimeSpan.Zero);

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostAsync(
            Award(v, 1, 10) with { RecordedAt = recordedAt, OccurredOn = new DateOnly(2025, 6, 2) }));
        await Posting(db).PostAsync(Award(v, 1, 10) with { RecordedAt = recordedAt, OccurredOn = new DateOnly(2025, 6, 1) });

        Assert.Equal("entry.occurred-on-future", ex.Code);
        Assert.Single(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_WithAKey_KeepsTheKeyInTheOneIdempotencyStore(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();

        var entry = await Posting(db).PostAsync(Award(v, 1, 10, key: "k-store"));

        await using var check = database.NewContext();
        var request = await check.IdempotentRequests.SingleAsync(r => r.VillageId == v.VillageId && r.Key == "k-store");
        Assert.Equal(LedgerPosting.PostOperation, request.Operation);
        Assert.Equal(entry.Id, System.Text.Json.JsonSerializer.Deserialize<Guid>(request.ResponseJson));
        Assert.Null((await check.LedgerEntries.SingleAsync(e => e.VillageId == v.VillageId)).IdempotencyKey);
    }
}
