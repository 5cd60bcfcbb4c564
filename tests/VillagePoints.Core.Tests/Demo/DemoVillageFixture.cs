using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Evidence;

namespace VillagePoints.Core.Tests.Demo;

/// <summary>One seeded SQLite file shared by the read-only demo tests, because seeding takes seconds.</summary>
public sealed class DemoVillageFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 4, 0, 0, TimeSpan.Zero);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "vp-demo-" + Path.GetRandomFileName());

    public FakeTimeProvider Time { get; } = new(Now);
    public TimeSpan SeedTime { get; private set; }
    public bool Seeded { get; private set; }
    public List<(int Done, int Total)> ProgressReports { get; } = [];

    public VillagePointsDb Open() => OpenFile(Path.Combine(folder, "seeded.db"));

    public VillagePointsDb OpenFile(string path)
    {
        var options = new DbContextOptionsBuilder<VillagePointsDb>();
        DatabaseSetup.Configure(options, DatabaseProvider.Sqlite, $"Data Source={path}");
        return new VillagePointsDb(options.Options);
    }

    public string NewFilePath(string name) => Path.Combine(folder, name);

    /// <summary>The photo store that goes with a seeded database file.</summary>
    public LocalFolderEvidenceStore EvidenceOf(string databasePath) => new(databasePath + ".evidence");

    public LocalFolderEvidenceStore Evidence => EvidenceOf(Path.Combine(folder, "seeded.db"));

    /// <summary>Migrates a new database file and seeds it, returning how long the seed itself took.</summary>
    public async Task<(bool Seeded, TimeSpan Elapsed)> SeedNewAsync(string path, TimeProvider time, IProgress<(int Done, int Total)>? progress = null)
    {
        await using var db = OpenFile(path);
        await DatabaseSetup.MigrateAsync(db);
        var watch = Stopwatch.StartNew();
        var seeded = await DemoVillage.SeedAsync(db, time, progress, EvidenceOf(path));
        return (seeded, watch.Elapsed);
    }

    private Task<string>? second;

    /// <summary>A second, independent seed at the same time, made once for the tests that compare the two.</summary>
    public Task<string> SecondSeedAsync() => second ??= SeedSecondAsync();

    public TimeSpan SecondSeedTime { get; private set; }

    private async Task<string> SeedSecondAsync()
    {
        var path = Path.Combine(folder, "again.db");
        var (seeded, elapsed) = await SeedNewAsync(path, new FakeTimeProvider(Now));
        Assert.True(seeded);
        SecondSeedTime = elapsed;
        return path;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        // Synchronous so that every report is in the list when the seed returns.
        var progress = new SynchronousProgress(ProgressReports.Add);
        (Seeded, SeedTime) = await SeedNewAsync(Path.Combine(folder, "seeded.db"), Time, progress);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    private sealed class SynchronousProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
