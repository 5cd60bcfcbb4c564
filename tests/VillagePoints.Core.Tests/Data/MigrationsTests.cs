using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Data;

public sealed class MigrationsTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Model_ComparedWithTheProvidersLastMigration_HasNoPendingChanges(DatabaseProvider provider)
    {
        // The comparison needs the model and the migrations assembly only, not a server.
        var options = new DbContextOptionsBuilder<VillagePointsDb>();
        DatabaseSetup.Configure(options, provider, provider == DatabaseProvider.Postgres
            ? "Host=127.0.0.1;Database=model_check;Username=postgres"
            : "Data Source=model-check.db");
        using var db = new VillagePointsDb(options.Options);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model has changes without a {provider} migration; add one with dotnet ef migrations add.");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task MigrateAsync_FreshDatabase_AppliesEveryMigration(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task MigrateAsync_NewSqliteFileInAMissingFolder_CreatesItInWalMode()
    {
        var folder = Path.Combine(Path.GetTempPath(), "villagepoints-tests", "wal-" + Guid.NewGuid().ToString("N"), "data");
        var options = new DbContextOptionsBuilder<VillagePointsDb>();
        DatabaseSetup.Configure(options, DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "villagepoints.db")};Pooling=false");
        try
        {
            await using var db = new VillagePointsDb(options.Options);
            await DatabaseSetup.MigrateAsync(db);

            var mode = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode").SingleAsync();
            Assert.Equal("wal", mode);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }
}
