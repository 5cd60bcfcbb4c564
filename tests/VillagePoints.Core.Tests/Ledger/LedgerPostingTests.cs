using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

public sealed class LedgerPostingTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_Entries_UpdateTotalEffectiveAndPublicisedToMatchTheirSum(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);

        await using (var db = database.NewContext())
        {
            var posting = Posting(db);
            await posting.PostAsync(Award(v, 1, 10));
            await posting.PostAsync(Award(v, 1, 5, state: EntryState.Effective));
            await posting.PostAsync(Deduction(v, 1, 3));
            await posting.PostAsync(Award(v, 2, 7));
        }

        var balance = await BalanceAsync(database, v, 1);
        Assert.NotNull(balance);
        Assert.Equal(12, balance.Total);
        Assert.Equal(5, balance.Effective);
        Assert.Equal(7, balance.Publicised);
        Assert.Equal(15, balance.Earned);
        Assert.Equal(3, balance.EntryCount);

        var entries = await EntriesAsync(database, v);
        Assert.Equal([1L, 2, 3, 4], entries.Select(e => e.Number));
        for (var number = 1; number <= 2; number++)
        {
            var id = v.HouseholdIds[number - 1];
            var stored = await BalanceAsync(database, v, number);
            Assert.Equal(entries.Where(e => e.HouseholdId == id).Sum(e => (long)e.Amount), stored!.Total);
        }
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_Entry_IsChainedToThePreviousEntrysHash(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);

        await using (var db = database.NewContext())
        {
            await Posting(db).PostAsync(Award(v, 1, 10));
            await Posting(db).PostAsync(Award(v, 2, 4));
        }

        var entries = await EntriesAsync(database, v);
        Assert.Equal(LedgerHash.Genesis, entries[0].PreviousHash);
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        Assert.All(entries, e => Assert.Equal(LedgerHash.Compute(e), e.Hash));
        await using var check = database.NewContext();
        var head = await check.VillageLedgerHeads.SingleAsync(h => h.VillageId == v.VillageId);
        Assert.Equal(2, head.LastNumber);
        Assert.Equal(entries[1].Hash, head.LastHash);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_DeductionLargerThanTheBalance_TakesTheBalanceBelowZero(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);

        await using (var db = database.NewContext())
        {
            await Posting(db).PostAsync(Award(v, 1, 5));
            await Posting(db).PostAsync(Deduction(v, 1, 20));
        }

        var balance = await BalanceAsync(database, v, 1);
        Assert.Equal(-15, balance!.Total);
        Assert.Equal(2, (await EntriesAsync(database, v)).Count);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_UnknownHousehold_IsRefusedAndRecordsNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        var stranger = v with { HouseholdIds = [Ids.New()] };

        await using var db = database.NewContext();
        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostAsync(Award(stranger, 1, 5)));

        Assert.Equal("household.not-found", ex.Code);
        Assert.Empty(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_SameKeyAndSameRequest_ReturnsTheFirstEntryWithoutANewRow(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);

        LedgerEntry first, second;
        await using (var db = database.NewContext())
            first = await Posting(db).PostAsync(Award(v, 1, 10, key: "k-1"));
        await using (var db = database.NewContext())
            second = await Posting(db).PostAsync(Award(v, 1, 10, key: "k-1"));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Number, second.Number);
        Assert.Single(await EntriesAsync(database, v));
        Assert.Equal(10, (await BalanceAsync(database, v, 1))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_SameKeyAndDifferentRequest_ThrowsIdempotencyConflict(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        await Posting(db).PostAsync(Award(v, 1, 10, key: "k-1"));

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostAsync(Award(v, 1, 11, key: "k-1")));

        Assert.Equal("idempotency.conflict", ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Single(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostBatchAsync_OneCommandWithAnInvalidAmount_CommitsNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostBatchAsync(v.VillageId,
            [Award(v, 1, 10), Award(v, 2, -4), Award(v, 3, 6)]));

        Assert.Equal("entry.amount-sign", ex.Code);
        await AssertNothingRecordedAsync(database, v);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostBatchAsync_OneCommandForAHouseholdOfAnotherVillage_CommitsNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        var other = await VillageBuilder.ArrangeAsync(database);
        var foreign = Award(other, 1, 5) with { VillageId = v.VillageId };
        await using var db = database.NewContext();

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostBatchAsync(v.VillageId,
            [Award(v, 1, 10), foreign, Award(v, 3, 6)]));

        Assert.Equal("household.not-found", ex.Code);
        await AssertNothingRecordedAsync(database, v);
        await AssertNothingRecordedAsync(database, other);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostBatchAsync_TwoCommandsWithOneKey_AreRefusedBeforeAnythingIsWritten(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();

        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostBatchAsync(v.VillageId,
            [Award(v, 1, 10, key: "dup"), Award(v, 2, 6, key: "dup")]));

        Assert.Equal("idempotency.duplicate-key", ex.Code);
        await AssertNothingRecordedAsync(database, v);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostBatchAsync_OneCommandTheDatabaseRejects_IsADuplicateConflictAndCommitsNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        LedgerEntry earlier;
        await using (var first = database.NewContext())
            earlier = await Posting(first).PostAsync(Award(v, 3, 1) with { Id = Ids.New() });
        await using var db = database.NewContext();

        // Both commands pass validation; the entries' primary key fails the save after the balances were changed.
        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostBatchAsync(v.VillageId,
            [Award(v, 1, 10), Award(v, 2, 6) with { Id = earlier.Id }]));

        Assert.Equal(("write.duplicate", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        Assert.Equal([earlier.Id], (await EntriesAsync(database, v)).Select(e => e.Id));
        Assert.Null(await BalanceAsync(database, v, 1));
        Assert.Null(await BalanceAsync(database, v, 2));
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_AnEntryAnEarlierAttemptSaved_IsADuplicateConflictAtOnce_NotRetriedIntoAServerError(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        var command = Award(v, 1, 10) with { Id = Ids.New() };
        await using (var db = database.NewContext())
            await Posting(db).PostAsync(command);

        // As after a commit whose acknowledgement was lost: the caller sends the same entry again.
        await using var again = database.NewContext();
        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(again).PostAsync(command));

        Assert.Equal(("write.duplicate", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        Assert.Single(await EntriesAsync(database, v));
        Assert.Equal(10, (await BalanceAsync(database, v, 1))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostBatchAsync_ValidCommands_AppendsThemAllInOrder(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();

        var appended = await Posting(db).PostBatchAsync(v.VillageId, [Award(v, 1, 10), Deduction(v, 2, 4), Award(v, 1, 1)]);

        Assert.Equal([1L, 2, 3], appended.Select(e => e.Number));
        Assert.Equal(11, (await BalanceAsync(database, v, 1))!.Total);
        Assert.Equal(-4, (await BalanceAsync(database, v, 2))!.Total);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReverseAsync_Entry_AppendsTheOppositeAmountPointingAtTheOriginal(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var original = await Posting(db).PostAsync(Award(v, 1, 10));
        await Posting(db).PostAsync(Award(v, 1, 3));

        var reversal = await Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, original.Number, "重复录入", null));

        Assert.Equal(EntryKind.Reversal, reversal.Kind);
        Assert.Equal(-10, reversal.Amount);
        Assert.Equal(original.Id, reversal.ReversesEntryId);
        Assert.Equal(original.HouseholdId, reversal.HouseholdId);
        Assert.Equal(3, reversal.Number);
        var balance = await BalanceAsync(database, v, 1);
        Assert.Equal(3, balance!.Total);
        Assert.Equal(3, balance.Publicised);
        Assert.Equal(3, balance.EntryCount);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReverseAsync_EntryAlreadyReversed_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var original = await Posting(db).PostAsync(Award(v, 1, 10));
        await Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, original.Number, "重复录入", null));

        var ex = await Assert.ThrowsAsync<DomainException>(() =>
            Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, original.Number, "再次冲正", null)));

        Assert.Equal("entry.already-reversed", ex.Code);
        Assert.Equal(2, (await EntriesAsync(database, v)).Count);
        Assert.Equal(0, (await BalanceAsync(database, v, 1))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReverseAsync_AReversal_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var original = await Posting(db).PostAsync(Award(v, 1, 10));
        var reversal = await Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, original.Number, "重复录入", null));

        var ex = await Assert.ThrowsAsync<DomainException>(() =>
            Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, reversal.Number, "撤销冲正", null)));

        Assert.Equal("entry.reverse-reversal", ex.Code);
        Assert.Equal(2, (await EntriesAsync(database, v)).Count);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostBatchAsync_AReversalNamingItsTarget_UndoesIt_InItsTargetsState_EvenEarlierInTheSameBatch(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var saved = await Posting(db).PostAsync(Deduction(v, 1, 5, state: EntryState.Effective));
        var id = Guid.CreateVersion7();

        var appended = await Posting(db).PostBatchAsync(v.VillageId,
        [
            ReversalOf(v, 1, 5, saved.Id, EntryState.Publicised),
            Award(v, 2, 10) with { Id = id },
            ReversalOf(v, 2, -10, id, EntryState.Effective),
        ]);

        Assert.Equal([(EntryKind.Reversal, saved.Id, EntryState.Effective), (EntryKind.Award, (Guid?)null, EntryState.Publicised),
                (EntryKind.Reversal, id, EntryState.Publicised)],
            appended.Select(e => (e.Kind, e.ReversesEntryId, e.State)));
        Assert.Equal((0L, 0L, 0L), Figures(await BalanceAsync(database, v, 1)));
        Assert.Equal((0L, 0L, 0L), Figures(await BalanceAsync(database, v, 2)));
        var months = await db.HouseholdMonthTotals.AsNoTracking().Where(t => t.VillageId == v.VillageId).ToListAsync();
        // Each reversal counts under the kind it undoes.
        Assert.All(months, t => Assert.Equal((0L, 0L, 0L), (t.Awarded, t.Deducted, t.Net)));
        Assert.True((await VerifyAsync(database, v)).Sound);

        static (long, long, long) Figures(HouseholdBalance? b) => (b!.Total, b.Effective, b.Publicised);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostBatchAsync_ABadReversal_IsRefusedAsReverseAsyncRefusesIt_AndNothingIsWritten(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var original = await Posting(db).PostAsync(Award(v, 1, 10));
        var reversal = await Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, original.Number, "重复录入", null));
        var other = await Posting(db).PostAsync(Award(v, 1, 4));

        Assert.Equal("entry.already-reversed", await OutcomeAsync(() => Posting(db).PostBatchAsync(v.VillageId, [ReversalOf(v, 1, -10, original.Id)])));
        Assert.Equal("entry.reverse-reversal", await OutcomeAsync(() => Posting(db).PostBatchAsync(v.VillageId, [ReversalOf(v, 1, 10, reversal.Id)])));
        Assert.Equal("entry.not-found", await OutcomeAsync(() => Posting(db).PostBatchAsync(v.VillageId, [ReversalOf(v, 1, -4, Guid.CreateVersion7())])));
        // Twice in one batch, with the wrong amount, or with no target at all.
        Assert.Equal("entry.already-reversed", await OutcomeAsync(() => Posting(db).PostBatchAsync(v.VillageId,
            [ReversalOf(v, 1, -4, other.Id), ReversalOf(v, 1, -4, other.Id)])));
        Assert.Equal("entry.amount-sign", await OutcomeAsync(() => Posting(db).PostBatchAsync(v.VillageId, [ReversalOf(v, 1, -3, other.Id)])));
        Assert.Equal("entry.amount-sign", await OutcomeAsync(() => Posting(db).PostBatchAsync(v.VillageId,
            [ReversalOf(v, 1, -4, other.Id) with { Reverses = null }])));
        Assert.Equal("entry.amount-sign", await OutcomeAsync(() => Posting(db).PostBatchAsync(v.VillageId, [Award(v, 1, 4) with { Reverses = other.Id }])));

        Assert.Equal(3, (await EntriesAsync(database, v)).Count);
        Assert.Equal(4, (await BalanceAsync(database, v, 1))!.Total);
    }

    private static PostEntry ReversalOf(ArrangedVillage v, int household, int amount, Guid target, EntryState state = EntryState.Publicised) =>
        new(v.VillageId, v.HouseholdIds[household - 1], amount, EntryKind.Reversal, "异议成立，撤销原记录", SourceKinds.Objection, "objection:1",
            State: state, Reverses: target);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReverseAsync_UnknownEntryNumber_IsNotFound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        await Posting(db).PostAsync(Award(v, 1, 10));

        var ex = await Assert.ThrowsAsync<DomainException>(() =>
            Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, 99, "不存在", null)));

        Assert.Equal("entry.not-found", ex.Code);
        Assert.Equal(DomainErrorKind.NotFound, ex.Kind);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReverseAsync_SameKeyAndSameRequest_ReturnsTheFirstReversal(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var original = await Posting(db).PostAsync(Award(v, 1, 10));
        var command = new ReverseEntry(v.VillageId, original.Number, "重复录入", null, "r-1");

        var first = await Posting(db).ReverseAsync(command);
        var again = await Posting(db).ReverseAsync(command);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(2, (await EntriesAsync(database, v)).Count);
        var conflict = await Assert.ThrowsAsync<DomainException>(() => Posting(db).ReverseAsync(command with { Reason = "别的理由" }));
        Assert.Equal("idempotency.conflict", conflict.Code);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task MakeEffectiveAsync_PublicisedEntries_MovePointsToEffectiveAndKeepTheChainSound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        await Posting(db).PostAsync(Award(v, 1, 10));
        await Posting(db).PostAsync(Deduction(v, 1, 4));
        await Posting(db).PostAsync(Award(v, 1, 2));

        var moved = await Posting(db).MakeEffectiveAsync(v.VillageId, [1, 2]);

        Assert.Equal(2, moved);
        var balance = await BalanceAsync(database, v, 1);
        Assert.Equal(8, balance!.Total);
        Assert.Equal(6, balance.Effective);
        Assert.Equal(2, balance.Publicised);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    private static async Task AssertNothingRecordedAsync(TestDatabase database, ArrangedVillage v)
    {
        await using var db = database.NewContext();
        Assert.False(await db.LedgerEntries.AnyAsync(e => e.VillageId == v.VillageId));
        Assert.False(await db.HouseholdBalances.AnyAsync(b => b.VillageId == v.VillageId));
        Assert.False(await db.VillageLedgerHeads.AnyAsync(h => h.VillageId == v.VillageId));
    }
}
