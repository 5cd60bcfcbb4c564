using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VillagePoints.Core.Data;

namespace VillagePoints.TestSupport;

/// <summary>
/// A fresh, migrated, empty database of either provider, owned by one test and removed when it ends.
/// Each process migrates one template per provider and copies it, because migrating every test
/// database from scratch costs far more than a file copy or <c>CREATE DATABASE ... TEMPLATE</c>.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "VILLAGEPOINTS_TEST_POSTGRES";

    private static readonly string SqliteFolder = Path.Combine(Path.GetTempPath(), "villagepoints-tests");
    private static readonly SemaphoreSlim SqliteTemplateGate = new(1, 1);
    private static readonly SemaphoreSlim PostgresTemplateGate = new(1, 1);
    private static string? sqliteTemplate;
    private static string? postgresTemplate;

    private readonly DbContextOptions<VillagePointsDb> options;
    private readonly string? sqlitePath;
    private readonly string? postgresName;
    private int disposed;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? sqlitePath, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.sqlitePath = sqlitePath;
        this.postgresName = postgresName;
        options = BuildOptions(provider, connectionString);
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => await CreateSqliteAsync(),
        DatabaseProvider.Postgres => await CreatePostgresAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    public VillagePointsDb NewContext() => new(options);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
            return;
        if (sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            DeleteSqliteFiles(sqlitePath);
        }
        if (postgresName is not null)
        {
            using (var pooled = new NpgsqlConnection(ConnectionString))
                NpgsqlConnection.ClearPool(pooled);
            await using var admin = await OpenPostgresAdminAsync();
            await using var drop = admin.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)";
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static DbContextOptions<VillagePointsDb> BuildOptions(DatabaseProvider provider, string connectionString)
    {
        var builder = new DbContextOptionsBuilder<VillagePointsDb>();
        DatabaseSetup.Configure(builder, provider, connectionString);
        return builder.Options;
    }

    private static string SqliteConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();

    private static async Task<TestDatabase> CreateSqliteAsync()
    {
        var template = await SqliteTemplateAsync();
        var path = Path.Combine(SqliteFolder, $"vp-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
        File.Copy(template, path);
        return new TestDatabase(DatabaseProvider.Sqlite, SqliteConnectionString(path), path, null);
    }

    private static async Task<string> SqliteTemplateAsync()
    {
        if (Volatile.Read(ref sqliteTemplate) is { } ready)
            return ready;
        await SqliteTemplateGate.WaitAsync();
        try
        {
            if (sqliteTemplate is not null)
                return sqliteTemplate;
            Directory.CreateDirectory(SqliteFolder);
            DeleteLeftovers();
            var path = Path.Combine(SqliteFolder, $"template-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
            var connectionString = SqliteConnectionString(path);
            await using (var db = new VillagePointsDb(BuildOptions(DatabaseProvider.Sqlite, connectionString)))
            {
                await DatabaseSetup.MigrateAsync(db);
                // Copies take only the main file, so everything must be in it, not in the WAL.
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            }
            SqliteConnection.ClearAllPools();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteSqliteFiles(path);
            Volatile.Write(ref sqliteTemplate, path);
            return path;
        }
        finally
        {
            SqliteTemplateGate.Release();
        }
    }

    /// <summary>
    /// A test host is often ended without running exit handlers, so each process removes the files
    /// of earlier processes that are gone. File names carry the owning process id.
    /// </summary>
    private static void DeleteLeftovers()
    {
        foreach (var file in Directory.GetFiles(SqliteFolder))
        {
            var parts = Path.GetFileName(file).Split('-');
            if (parts.Length >= 3 && parts[0] is "template" or "vp" && int.TryParse(parts[1], out var pid)
                && pid != Environment.ProcessId && !IsRunning(pid))
                DeleteSqliteFiles(file);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void DeleteSqliteFiles(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // A leftover file in the temp folder is harmless; failing the test over it is not.
            }
        }
    }

    private static NpgsqlConnectionStringBuilder PostgresServer()
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException($"PostgreSQL tests need {PostgresVariable}; run scripts/test.sh");
        return new NpgsqlConnectionStringBuilder(server);
    }

    private static async Task<NpgsqlConnection> OpenPostgresAdminAsync()
    {
        var builder = PostgresServer();
        builder.Database = "postgres";
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<TestDatabase> CreatePostgresAsync()
    {
        var template = await PostgresTemplateAsync();
        var name = $"vp_t_{Guid.NewGuid():N}";
        await using (var admin = await OpenPostgresAdminAsync())
            await CreateFromTemplateAsync(admin, name, template);
        var builder = PostgresServer();
        builder.Database = name;
        return new TestDatabase(DatabaseProvider.Postgres, builder.ConnectionString, null, name);
    }

    private static async Task CreateFromTemplateAsync(NpgsqlConnection admin, string name, string template)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var create = admin.CreateCommand();
                create.CommandText = $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"";
                await create.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                // Another session briefly holds the template (e.g. a concurrent CREATE DATABASE on an older server).
                await Task.Delay(50 * attempt);
            }
        }
    }

    private static async Task<string> PostgresTemplateAsync()
    {
        if (Volatile.Read(ref postgresTemplate) is { } ready)
            return ready;
        await PostgresTemplateGate.WaitAsync();
        try
        {
            if (postgresTemplate is not null)
                return postgresTemplate;
            var name = $"vp_template_{Environment.ProcessId}";
            await using (var admin = await OpenPostgresAdminAsync())
            {
                await using var reset = admin.CreateCommand();
                reset.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
                await reset.ExecuteNonQueryAsync();
                reset.CommandText = $"CREATE DATABASE \"{name}\"";
                await reset.ExecuteNonQueryAsync();
            }

            // No pooling: CREATE DATABASE ... TEMPLATE refuses while any session is connected to the template.
            var builder = PostgresServer();
            builder.Database = name;
            builder.Pooling = false;
            await using (var db = new VillagePointsDb(BuildOptions(DatabaseProvider.Postgres, builder.ConnectionString)))
                await DatabaseSetup.MigrateAsync(db);

            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropQuietly(name);
            Volatile.Write(ref postgresTemplate, name);
            return name;
        }
        finally
        {
            PostgresTemplateGate.Release();
        }
    }

    private static void DropQuietly(string name)
    {
        try
        {
            var builder = PostgresServer();
            builder.Database = "postgres";
            builder.Pooling = false;
            builder.Timeout = 5;
            builder.CommandTimeout = 5;
            using var admin = new NpgsqlConnection(builder.ConnectionString);
            admin.Open();
            using var drop = admin.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
            drop.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The process is exiting; the throwaway server is removed with its data anyway.
        }
    }
}
