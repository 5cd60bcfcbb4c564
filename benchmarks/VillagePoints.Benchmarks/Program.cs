using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Reports;
using VillagePoints.Web.Households;
using VillagePoints.Web.Ledger;

// Speed targets for the foundation, measured on the demo village (630 households, ~30,000 entries).
// Run: dotnet run -c Release --project benchmarks/VillagePoints.Benchmarks [-- postgres "Host=...;Username=..."]
// With no arguments it uses a fresh SQLite file in the temp folder.
var targets = new Dictionary<string, double>
{
    ["seed demo village (s)"] = 30,
    ["verify whole ledger (s)"] = 5,
    ["household ledger page, p95 (ms)"] = 20,
    ["household search by phone, p95 (ms)"] = 20,
    ["village stats, p95 (ms)"] = 200,
    ["post one entry, p95 (ms)"] = 30,
    // A phone camera's photo through the evidence pipeline: check, decode, turn upright, shrink to 1600 px, re-encode, thumbnail.
    ["photo processing, 12 MP JPEG, p95 (ms)"] = 1500,
};

var provider = args.Length > 0 && args[0] == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
string connectionString;
string? sqlitePath = null;
if (provider == DatabaseProvider.Postgres)
{
    var server = new Npgsql.NpgsqlConnectionStringBuilder(args.Length > 1 ? args[1] : "Host=127.0.0.1;Username=postgres")
    {
        Database = "vp_bench_" + Environment.ProcessId,
    };
    connectionString = server.ToString();
}
else
{
    sqlitePath = Path.Combine(Path.GetTempPath(), $"vp-bench-{Environment.ProcessId}.db");
    connectionString = $"Data Source={sqlitePath}";
}

var options = new DbContextOptionsBuilder<VillagePointsDb>();
DatabaseSetup.Configure(options, provider, connectionString);
VillagePointsDb NewDb() => new(options.Options);

var results = new Dictionary<string, double>();
try
{
    await using (var db = NewDb())
    {
        await db.Database.EnsureDeletedAsync();
        await DatabaseSetup.MigrateAsync(db);
        var seed = Stopwatch.StartNew();
        await AnsiConsole.Progress().StartAsync(async p =>
        {
            var task = p.AddTask("Seeding the demo village");
            await DemoVillage.SeedAsync(db, TimeProvider.System, new Progress<(int Done, int Total)>(x =>
            {
                task.MaxValue = Math.Max(1, x.Total);
                task.Value = x.Done;
            }));
            task.Value = task.MaxValue;
        });
        results["seed demo village (s)"] = seed.Elapsed.TotalSeconds;
    }

    await using (var db = NewDb())
    {
        var watch = Stopwatch.StartNew();
        var report = await new LedgerVerifier(db).VerifyAsync();
        results["verify whole ledger (s)"] = watch.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLineInterpolated($"verify: {report.Entries} entries, {report.Households} households, sound = {report.Sound}");
    }

    Guid villageId;
    List<(Guid Id, int Number, string? Phone)> households;
    await using (var db = NewDb())
    {
        villageId = await db.Villages.Where(v => v.Code == DemoVillage.VillageCode).Select(v => v.Id).SingleAsync();
        households = (await db.Households.Where(h => h.VillageId == villageId).Select(h => new { h.Id, h.Number, h.Phone }).ToListAsync())
            .Select(h => (h.Id, h.Number, h.Phone)).ToList();
    }

    var random = new Random(7);
    results["household ledger page, p95 (ms)"] = await P95Async(200, async () =>
    {
        var h = households[random.Next(households.Count)];
        await using var db = NewDb();
        await new LedgerQueries(db).HistoryAsync(villageId, h.Id, h.Number, null, 50, default);
    });
    var phones = households.Where(h => h.Phone is not null).Select(h => h.Phone!).ToList();
    results["household search by phone, p95 (ms)"] = await P95Async(200, async () =>
    {
        await using var db = NewDb();
        await new HouseholdQueries(db).SearchAsync(villageId, new HouseholdSearch(phones[random.Next(phones.Count)], PageSize: 20),
            new HouseholdDisclosure(Archive: true, FullPhones: false), default);
    });
    results["village stats, p95 (ms)"] = await P95Async(30, async () =>
    {
        await using var db = NewDb();
        await new VillageStats(db).ComputeAsync(villageId);
    });
    results["post one entry, p95 (ms)"] = await P95Async(200, async () =>
    {
        await using var db = NewDb();
        var h = households[random.Next(households.Count)];
        await new LedgerPosting(db, TimeProvider.System).PostAsync(new PostEntry(villageId, h.Id, 5, EntryKind.Award, "主动清理卫生死角", SourceKinds.Patrol));
    });
    var cameraPhoto = CameraPhoto(4000, 3000);
    AnsiConsole.MarkupLineInterpolated($"camera photo: 4000×3000, {cameraPhoto.Length / 1024} KB");
    results["photo processing, 12 MP JPEG, p95 (ms)"] = await P95Async(10, () =>
    {
        PhotoProcessing.Process(cameraPhoto);
        return Task.CompletedTask;
    });
}
finally
{
    await using var db = NewDb();
    await db.Database.EnsureDeletedAsync();
    if (sqlitePath is not null)
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
}

var table = new Table().AddColumns("measure", "target", "measured", "");
var allMet = true;
foreach (var (name, target) in targets)
{
    var measured = results[name];
    var met = measured <= target;
    allMet &= met;
    table.AddRow(name, target.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
        measured.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), met ? "[green]met[/]" : "[red]MISSED[/]");
}
AnsiConsole.MarkupLineInterpolated($"[bold]{provider}[/], {Environment.ProcessorCount} cores");
AnsiConsole.Write(table);
return allMet ? 0 : 1;

// Sky-to-ground gradient under fractal noise: texture like a real photo's, so the JPEG is camera-sized, not a flat few KB.
static byte[] CameraPhoto(int width, int height)
{
    using var bitmap = new SkiaSharp.SKBitmap(width, height);
    using (var canvas = new SkiaSharp.SKCanvas(bitmap))
    {
        using var sky = new SkiaSharp.SKPaint
        {
            Shader = SkiaSharp.SKShader.CreateLinearGradient(new(0, 0), new(0, height),
                [new SkiaSharp.SKColor(120, 170, 230), new SkiaSharp.SKColor(90, 140, 60)], SkiaSharp.SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, width, height, sky);
        using var noise = new SkiaSharp.SKPaint
        {
            Shader = SkiaSharp.SKShader.CreatePerlinNoiseFractalNoise(0.3f, 0.3f, 3, 7),
            BlendMode = SkiaSharp.SKBlendMode.Overlay,
        };
        canvas.DrawRect(0, 0, width, height, noise);
    }
    using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
    using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 92);
    return data.ToArray();
}

static async Task<double> P95Async(int runs, Func<Task> work)
{
    await work(); // warm-up: first query compiles the model and plans
    var times = new List<double>(runs);
    for (var i = 0; i < runs; i++)
    {
        var watch = Stopwatch.StartNew();
        await work();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[(int)Math.Ceiling(runs * 0.95) - 1];
}
