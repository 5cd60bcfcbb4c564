using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>
/// Tampering is done with raw SQL, as someone editing the database directly would. Rows are found by
/// village code and short numbers rather than Guid parameters, which the two providers store differently.
/// </summary>
public sealed class LedgerVerifierTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_UntouchedLedger_IsSound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        var report = await VerifyAsync(database, v);

        Assert.True(report.Sound, report.FirstProblem?.What);
        Assert.Equal(1, report.Villages);
        Assert.Equal(5, report.Entries);
        Assert.Equal(3, report.Households);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_EntryAmountChangedInTheDatabase_NamesThatEntryAndItsHousehold(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        await TamperAsync(database, $"""
            UPDATE "LedgerEntries" SET "Amount" = 999
            WHERE "Number" = 3 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        var report = await VerifyAsync(database, v);

        Assert.False(report.Sound);
        var first = report.FirstProblem!;
        Assert.Equal(v.VillageCode, first.VillageCode);
        Assert.Equal(3, first.EntryNumber);
        Assert.Equal(2, first.HouseholdNumber);
        Assert.Contains(report.Problems, p => p.EntryNumber is null && p.HouseholdNumber == 2);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_BalanceTotalChangedInTheDatabase_NamesThatHousehold(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        await TamperAsync(database, $"""
            UPDATE "HouseholdBalances" SET "Total" = "Total" + 50
            WHERE "HouseholdId" = (SELECT h."Id" FROM "Households" h JOIN "Villages" v ON v."Id" = h."VillageId"
                                   WHERE v."Code" = {v.VillageCode} AND h."Number" = 3)
            """);
        var report = await VerifyAsync(database, v);

        Assert.False(report.Sound);
        var problem = Assert.Single(report.Problems);
        Assert.Null(problem.EntryNumber);
        Assert.Equal(3, problem.HouseholdNumber);
        Assert.Equal(v.VillageCode, problem.VillageCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_EntryDeletedFromTheMiddle_NamesTheEntryAfterTheGap(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        await TamperAsync(database, $"""
            DELETE FROM "LedgerEntries"
            WHERE "Number" = 2 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        var report = await VerifyAsync(database, v);

        Assert.False(report.Sound);
        var first = report.FirstProblem!;
        Assert.Equal(3, first.EntryNumber);
        Assert.Equal(2, first.HouseholdNumber);
        Assert.Contains("missing", first.What, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_LastEntryDeleted_ReportsTheChainHeadMismatch(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        await TamperAsync(database, $"""
            DELETE FROM "LedgerEntries"
            WHERE "Number" = 5 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        var report = await VerifyAsync(database, v);

        Assert.False(report.Sound);
        Assert.Equal(5, report.FirstProblem!.EntryNumber);
        Assert.Contains("head", report.FirstProblem.What, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_TamperingInOneVillage_LeavesAnotherVillageSound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var tampered = await ArrangeLedgerAsync(database);
        var untouched = await ArrangeLedgerAsync(database);

        await TamperAsync(database, $"""
            UPDATE "LedgerEntries" SET "Reason" = '改过的理由'
            WHERE "Number" = 1 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {tampered.VillageCode})
            """);

        Assert.True((await VerifyAsync(database, untouched)).Sound);
        await using var db = database.NewContext();
        var all = await new LedgerVerifier(db).VerifyAsync();
        Assert.Equal(2, all.Villages);
        Assert.Equal(1, all.FirstProblem!.EntryNumber);
        Assert.All(all.Problems, p => Assert.Equal(tampered.VillageCode, p.VillageCode));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_ReversedEntryGivenANewIdInTheDatabase_NamesTheBrokenEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        await using (var db = database.NewContext())
            await Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, 1, "异议成立", null));

        // Re-pointing an entry's id would otherwise let the same award be reversed a second time.
        await TamperAsync(database, $"""
            UPDATE "LedgerEntries" SET "Id" = "HouseholdId"
            WHERE "Number" = 1 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        var report = await VerifyAsync(database, v);

        Assert.False(report.Sound);
        Assert.Equal(1, report.FirstProblem!.EntryNumber);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReversingAnAward_AlsoTakesBackWhatItEarned_AndStillVerifies(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        await using var db = database.NewContext();

        await Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, 1, "异议成立", null));

        var earned = db.HouseholdBalances.Where(b => b.VillageId == v.VillageId && b.HouseholdId == v.HouseholdIds[0]).Select(b => b.Earned).Single();
        Assert.Equal(3, earned);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_ChainHeadRowDeleted_SaysTheChainHeadIsMissing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        await TamperAsync(database, $"""
            DELETE FROM "VillageLedgerHeads"
            WHERE "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        var report = await VerifyAsync(database, v);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(5, problem.EntryNumber);
        Assert.Contains("the chain head is missing", problem.What, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostAsync_AfterTheChainHeadRowWasDeleted_IsRefused_AndForksNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        await TamperAsync(database, $"""
            DELETE FROM "VillageLedgerHeads"
            WHERE "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);

        await using var db = database.NewContext();
        var refused = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostAsync(Award(v, 1, 5)));

        Assert.Equal("ledger.head-missing", refused.Code);
        await using var check = database.NewContext();
        Assert.Equal(5, await check.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_OnlyEarnedChanged_NamesEarnedWithBothFigures(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        await TamperAsync(database, $"""
            UPDATE "HouseholdBalances" SET "Earned" = 120
            WHERE "HouseholdId" = (SELECT h."Id" FROM "Households" h JOIN "Villages" v ON v."Id" = h."VillageId"
                                   WHERE v."Code" = {v.VillageCode} AND h."Number" = 1)
            """);
        var report = await VerifyAsync(database, v);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(1, problem.HouseholdNumber);
        Assert.EndsWith(": earned 120 stored, 13 from entries", problem.What, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_PointsMovedBetweenStatesInTheStoredBalance_NamesBothFigures(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        // The total still adds up; only the split between effective and publicised is wrong.
        await TamperAsync(database, $"""
            UPDATE "HouseholdBalances" SET "Effective" = "Effective" + 10, "Publicised" = "Publicised" - 10
            WHERE "HouseholdId" = (SELECT h."Id" FROM "Households" h JOIN "Villages" v ON v."Id" = h."VillageId"
                                   WHERE v."Code" = {v.VillageCode} AND h."Number" = 1)
            """);
        var report = await VerifyAsync(database, v);

        var problem = Assert.Single(report.Problems);
        Assert.EndsWith(": effective 13 stored, 3 from entries; publicised 0 stored, 10 from entries", problem.What, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_ReversalInAnotherStateThanItsTarget_NamesTheReversal(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        await using (var db = database.NewContext())
            await Posting(db).ReverseAsync(new ReverseEntry(v.VillageId, 1, "异议成立", null));

        // The target (entry 1) is made effective and the balance moved to match, but its reversal (entry 6)
        // is left publicised: Effective +10, Publicised -10, and the reversed points spendable.
        await TamperAsync(database, $"""
            UPDATE "LedgerEntries" SET "State" = 'Effective'
            WHERE "Number" = 1 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        await TamperAsync(database, $"""
            UPDATE "HouseholdBalances" SET "Effective" = "Effective" + 10, "Publicised" = "Publicised" - 10
            WHERE "HouseholdId" = (SELECT h."Id" FROM "Households" h JOIN "Villages" v ON v."Id" = h."VillageId"
                                   WHERE v."Code" = {v.VillageCode} AND h."Number" = 1)
            """);
        var report = await VerifyAsync(database, v);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(6, problem.EntryNumber);
        Assert.Equal(1, problem.HouseholdNumber);
        Assert.Equal("it is publicised but the entry it reverses (1) is effective", problem.What);
    }

    /// <summary>Rows written before hash versions were recorded are version 1; the app appends version 2 after them.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_Version1EntriesFollowedByVersion2Entries_IsSound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        await ChainForgery.RewriteAsync(database, v, e => e.HashVersion = 1);
        await using (var db = database.NewContext())
            await Posting(db).PostAsync(Award(v, 2, 4));

        var report = await VerifyAsync(database, v);

        Assert.True(report.Sound, report.FirstProblem?.What);
        Assert.Equal([1, 1, 1, 1, 1, 2], (await EntriesAsync(database, v)).Select(e => e.HashVersion));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_EntryDowngradedToVersion1AfterVersion2Entries_IsReported(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        await ChainForgery.RewriteAsync(database, v, e =>
        {
            if (e.Number == 4)
                e.HashVersion = 1;
        });
        var report = await VerifyAsync(database, v);

        Assert.Equal(4, report.FirstProblem!.EntryNumber);
        Assert.Contains("hash version 1 is older", report.FirstProblem.What, StringComparison.Ordinal);
    }

    /// <summary>Five entries: 1 and 4 for household 1, 2 and 3 for household 2, 5 for household 3.</summary>
    private static async Task<ArrangedVillage> ArrangeLedgerAsync(TestDatabase database)
    {
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var posting = Posting(db);
        await posting.PostAsync(Award(v, 1, 10));
        await posting.PostAsync(Award(v, 2, 6));
        await posting.PostAsync(Deduction(v, 2, 2));
        await posting.PostAsync(Award(v, 1, 3, state: EntryState.Effective));
        await posting.PostAsync(Adjustment(v, 3, -1));
        return v;
    }
}
