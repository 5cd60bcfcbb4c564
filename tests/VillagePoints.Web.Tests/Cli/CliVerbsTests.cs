using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using VillagePoints.Web.Cli;

namespace VillagePoints.Web.Tests.Cli;

public sealed class CliVerbsTests
{
    [Fact]
    public async Task Migrate_OnAFreshMachine_CreatesTheSqliteDatabase_WhileVerifyAsksForOneFirst()
    {
        var folder = Directory.CreateTempSubdirectory("villagepoints-cli-");
        try
        {
            var settings = new Dictionary<string, string?> { ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(folder.FullName, "data", "new.db")}" };
            using var verifyOutput = new StringWriter();
            using var verifyError = new StringWriter();
            var verified = await CliVerbs.RunAsync(["verify"], settings, verifyOutput, verifyError);
            using var output = new StringWriter();
            using var error = new StringWriter();
            var migrated = await CliVerbs.RunAsync(["migrate"], settings, output, error);

            Assert.Equal(1, verified);
            Assert.Contains("create it first with the migrate or seed-demo verb", verifyError.ToString(), StringComparison.Ordinal);
            Assert.True(migrated == 0, $"exit {migrated}: {error}");
            Assert.True(File.Exists(Path.Combine(folder.FullName, "data", "new.db")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_OnASoundLedger_PrintsOneLineAndExitsZero(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);

        var (exit, output, error) = await RunAsync(database, "verify", "--village", v.VillageCode);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.StartsWith("OK:", output.Trim(), StringComparison.Ordinal);
        Assert.Contains("4 entries", output, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_AfterAnEntryIsChangedBehindTheAppsBack_NamesIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        await using (var db = database.NewContext())
        {
            await db.LedgerEntries.Where(e => e.VillageId == v.VillageId && e.Number == 3)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Amount, 500));
        }

        var (exit, _, error) = await RunAsync(database, "verify");

        Assert.NotEqual(0, exit);
        Assert.Contains($"village {v.VillageCode}, entry 3", error, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Stats_PrintsTheKeyFiguresAsJson_ComputedFromTheData(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);

        var (exit, output, error) = await RunAsync(database, "stats", "--json", "--village", v.VillageCode);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        using var json = JsonDocument.Parse(output);
        var figures = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["households"] = 2, ["people"] = 0, ["participatingHouseholds"] = 1, ["pointsIssued"] = 210,
                ["pointsDeducted"] = 5, ["pointsRedeemed"] = 0, ["itemsRedeemed"] = 0, ["volunteerPersonTimes"] = 0,
            },
            figures);
    }

    [Fact]
    public async Task Stats_ForAnUnknownVillage_SaysSoAndFails()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var (exit, _, error) = await RunAsync(database, "stats", "--json", "--village", "nowhere");
        Assert.Equal(1, exit);
        Assert.Contains("nowhere", error, StringComparison.Ordinal);
    }

    /// <summary>Two households with base grants, one award and one deduction: entries 1–4.</summary>
    private static async Task<ArrangedVillage> ArrangeWithHistoryAsync(TestDatabase database)
    {
        var v = await VillageBuilder.ArrangeAsync(database, 2);
        await using var db = database.NewContext();
        var posting = new LedgerPosting(db, TimeProvider.System);
        await posting.PostBatchAsync(v.VillageId,
        [
            new PostEntry(v.VillageId, v.HouseholdIds[0], 100, EntryKind.BaseGrant, "基础分", SourceKinds.Opening),
            new PostEntry(v.VillageId, v.HouseholdIds[1], 100, EntryKind.BaseGrant, "基础分", SourceKinds.Opening),
            new PostEntry(v.VillageId, v.HouseholdIds[0], 10, EntryKind.Award, "参与志愿服务", SourceKinds.Patrol),
            new PostEntry(v.VillageId, v.HouseholdIds[1], -5, EntryKind.Deduction, "乱倒垃圾", SourceKinds.Patrol),
        ]);
        return v;
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
