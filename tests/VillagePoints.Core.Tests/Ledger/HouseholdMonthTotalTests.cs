using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>
/// Monthly totals are written with the entries and checked by verify. Figures are read as
/// (awarded, deducted, redeemed, net, entry count).
/// </summary>
public sealed class HouseholdMonthTotalTests
{
    private static readonly DateOnly Today = BusinessCalendar.Today(TimeProvider.System);
    private static readonly DateOnly LastMonthDay = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1);
    private static readonly int ThisMonth = HouseholdMonthTotal.MonthOf(Today);
    private static readonly int LastMonth = HouseholdMonthTotal.MonthOf(LastMonthDay);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PostingAndReversing_AcrossTwoMonths_UpdatesTheRowOfEachEntrysOwnMonth(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);
        await using (var db = database.NewContext())
        {
            var posting = Posting(db);
            await posting.PostAsync(Award(v, 1, 10, state: EntryState.Effective) with { OccurredOn = LastMonthDay });
            await posting.PostAsync(Deduction(v, 1, 3) with { OccurredOn = LastMonthDay });
            await posting.PostAsync(Award(v, 2, 7) with { OccurredOn = LastMonthDay });
            await posting.PostAsync(Award(v, 1, 5));
            await posting.PostAsync(Redemption(v, 1, 4));
            // Reversals are new entries dated today: they change this month, never the month already shown.
            await posting.ReverseAsync(Reverse(v, 2));
            await posting.ReverseAsync(Reverse(v, 1));
        }

        var totals = await TotalsAsync(database, v);

        Assert.Equal((10, 3, 0, 7, 2), totals[(1, LastMonth)]);
        Assert.Equal((-5, -3, 4, -6, 4), totals[(1, ThisMonth)]);
        Assert.Equal((7, 0, 0, 7, 1), totals[(2, LastMonth)]);
        Assert.Equal(3, totals.Count);
        var report = await VerifyAsync(database, v);
        Assert.True(report.Sound, report.FirstProblem?.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ParallelPosts_KeepTheMonthTotalsExact(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);

        await RunTogetherAsync(12, async i =>
        {
            await using var db = database.NewContext();
            return await Posting(db).PostAsync(i % 3 == 0 ? Deduction(v, 1 + i % 2, 2) : Award(v, 1 + i % 2, i + 1));
        });

        var totals = await TotalsAsync(database, v);
        // Household 1 gets i = 0, 2, 4, 6, 8, 10; of those 0 and 6 are deductions of 2.
        Assert.Equal((3 + 5 + 9 + 11, 4, 0, 3 + 5 + 9 + 11 - 4, 6), totals[(1, ThisMonth)]);
        // Household 2 gets i = 1, 3, 5, 7, 9, 11; of those 3 and 9 are deductions of 2.
        Assert.Equal((2 + 6 + 8 + 12, 4, 0, 2 + 6 + 8 + 12 - 4, 6), totals[(2, ThisMonth)]);
        var report = await VerifyAsync(database, v);
        Assert.True(report.Sound, report.FirstProblem?.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_MonthTotalChangedInTheDatabase_NamesThatHouseholdAndMonth(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeTwoMonthsAsync(database);

        await TamperAsync(database, $"""
            UPDATE "HouseholdMonthTotals" SET "Awarded" = "Awarded" + 50
            WHERE "Month" = {LastMonth} AND "HouseholdId" = (SELECT h."Id" FROM "Households" h JOIN "Villages" v ON v."Id" = h."VillageId"
                                   WHERE v."Code" = {v.VillageCode} AND h."Number" = 2)
            """);
        var report = await VerifyAsync(database, v);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(2, problem.HouseholdNumber);
        Assert.Null(problem.EntryNumber);
        Assert.Equal($"stored totals for {MonthName(LastMonth)} differ from the entries: awarded 57 stored, 7 from entries", problem.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_MonthTotalMovedToAnotherMonth_NamesTheMissingAndTheExtraMonth(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeTwoMonthsAsync(database);
        var earlier = HouseholdMonthTotal.MonthOf(LastMonthDay.AddMonths(-1));

        await TamperAsync(database, $"""
            UPDATE "HouseholdMonthTotals" SET "Month" = {earlier}
            WHERE "Month" = {LastMonth} AND "HouseholdId" = (SELECT h."Id" FROM "Households" h JOIN "Villages" v ON v."Id" = h."VillageId"
                                   WHERE v."Code" = {v.VillageCode} AND h."Number" = 2)
            """);
        var report = await VerifyAsync(database, v);

        Assert.Equal(2, report.Problems.Count);
        Assert.All(report.Problems, p => Assert.Equal(2, p.HouseholdNumber));
        Assert.Contains(report.Problems, p => p.What == $"stored totals for {MonthName(earlier)} exist, but the household has no entries in that month");
        Assert.Contains(report.Problems, p => p.What == $"household has entries in {MonthName(LastMonth)} but no stored totals for that month");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Migration_FillsTheTotalsOfALedgerRecordedBeforeTheTableExisted_AsPostingWould(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeTwoMonthsAsync(database);
        await using (var db = database.NewContext())
        {
            var posting = Posting(db);
            await posting.PostAsync(Award(v, 3, 8, state: EntryState.Effective) with { OccurredOn = LastMonthDay });
            await posting.PostAsync(Redemption(v, 3, 5));
            await posting.ReverseAsync(Reverse(v, 1));
            await posting.ReverseAsync(Reverse(v, 3));
        }
        var posted = await TotalsAsync(database, v);

        await using (var db = database.NewContext())
        {
            await db.HouseholdMonthTotals.ExecuteDeleteAsync();
            var migrations = db.GetService<IMigrationsAssembly>();
            var id = Assert.Single(migrations.Migrations.Keys, k => k.EndsWith("_Ledger_MonthTotals", StringComparison.Ordinal));
            var migration = migrations.CreateMigration(migrations.Migrations[id], db.Database.ProviderName!);
            var fill = Assert.Single(migration.UpOperations.OfType<SqlOperation>());
            await db.Database.ExecuteSqlRawAsync(fill.Sql);
        }

        Assert.Equal(posted.OrderBy(kv => kv.Key), (await TotalsAsync(database, v)).OrderBy(kv => kv.Key));
        var report = await VerifyAsync(database, v);
        Assert.True(report.Sound, report.FirstProblem?.What);
    }

    /// <summary>Household 1 has entries in both months, household 2 an award of 7 last month.</summary>
    private static async Task<ArrangedVillage> ArrangeTwoMonthsAsync(TestDatabase database)
    {
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var posting = Posting(db);
        await posting.PostAsync(Award(v, 1, 10) with { OccurredOn = LastMonthDay });
        await posting.PostAsync(Award(v, 2, 7) with { OccurredOn = LastMonthDay });
        await posting.PostAsync(Deduction(v, 1, 3));
        return v;
    }

    private static string MonthName(int month) => string.Create(CultureInfo.InvariantCulture, $"{month / 100:D4}-{month % 100:D2}");

    private static async Task<Dictionary<(int Household, int Month), (long, long, long, long, long)>> TotalsAsync(TestDatabase database, ArrangedVillage v)
    {
        await using var db = database.NewContext();
        var rows = await db.HouseholdMonthTotals.AsNoTracking().Where(t => t.VillageId == v.VillageId).ToListAsync();
        return rows.ToDictionary(
            t => (v.HouseholdIds.ToList().IndexOf(t.HouseholdId) + 1, t.Month),
            t => (t.Awarded, t.Deducted, t.Redeemed, t.Net, t.EntryCount));
    }
}
