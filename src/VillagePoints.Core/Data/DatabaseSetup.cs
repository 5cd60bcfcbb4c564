using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace VillagePoints.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Chooses the database from standard configuration: <c>ConnectionStrings:Postgres</c> when set,
/// otherwise <c>ConnectionStrings:Sqlite</c> (default <c>Data Source=data/villagepoints.db</c>).
/// </summary>
public static class DatabaseSetup
{
    public const string DefaultSqlite = "Data Source=data/villagepoints.db";

    public static (DatabaseProvider Provider, string ConnectionString) Resolve(IConfiguration configuration)
    {
        var pg = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(pg))
            return (DatabaseProvider.Postgres, pg);
        var sqlite = configuration.GetConnectionString("Sqlite");
        return (DatabaseProvider.Sqlite, string.IsNullOrWhiteSpace(sqlite) ? DefaultSqlite : sqlite);
    }

    public static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Postgres)
            options.UseNpgsql(connectionString, o => o.MigrationsAssembly("VillagePoints.Migrations.Postgres"));
        else
            options.UseSqlite(connectionString, o => o.MigrationsAssembly("VillagePoints.Migrations.Sqlite"));
    }

    /// <summary>Creates the SQLite folder, applies migrations and turns on WAL for SQLite.</summary>
    public static async Task MigrateAsync(VillagePointsDb db, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite())
        {
            var dataSource = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(folder))
                Directory.CreateDirectory(folder);
        }
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}
