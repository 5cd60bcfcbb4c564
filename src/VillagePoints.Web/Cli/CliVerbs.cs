using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Reports;

namespace VillagePoints.Web.Cli;

/// <summary>
/// The same executable answers operator verbs. Anything that is not a verb starts the web host,
/// so <c>dotnet run</c> with no arguments serves.
/// </summary>
public static class CliVerbs
{
    private static readonly string[] Verbs = ["migrate", "seed-demo", "create-admin", "verify", "stats", "--help", "-h", "-?"];

    public static bool Handles(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? configuration = null,
        TextWriter? output = null, TextWriter? error = null, TextReader? input = null)
    {
        var stdout = output ?? Console.Out;
        var stderr = error ?? Console.Error;
        Task<int> WithDb(Func<VillagePointsDb, TimeProvider, Task<int>> work) => CliVerbs.WithDb(configuration, stderr, work);

        var villageOption = new Option<string?>("--village") { Description = "Only this village (its code, e.g. shuixin)." };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object." };

        var migrate = new Command("migrate", "Apply database migrations.");
        migrate.SetAction((_, ct) => WithDb(async (db, _) =>
        {
            await DatabaseSetup.MigrateAsync(db, ct);
            stdout.WriteLine("Database is up to date.");
            return 0;
        }));

        var seed = new Command("seed-demo", "Migrate, then seed the demo village into an empty database.");
        seed.SetAction((_, ct) => WithDb(async (db, time) =>
        {
            await DatabaseSetup.MigrateAsync(db, ct);
            var seeded = false;
            await AnsiConsole.Progress().StartAsync(async p =>
            {
                var task = p.AddTask("Seeding the demo village");
                seeded = await DemoVillage.SeedAsync(db, time, new Progress<(int Done, int Total)>(x =>
                {
                    task.MaxValue = Math.Max(1, x.Total);
                    task.Value = x.Done;
                }), ct);
                task.Value = task.MaxValue;
            });
            stdout.WriteLine(seeded ? "Seeded the demo village." : "The database already has villages; nothing seeded.");
            return 0;
        }));

        var verify = new Command("verify", "Recompute every balance and every village's hash chain.") { villageOption };
        verify.SetAction((parse, ct) => WithDb(async (db, _) =>
        {
            var watch = Stopwatch.StartNew();
            VerifyReport? report = null;
            await AnsiConsole.Progress().AutoClear(true).StartAsync(async p =>
            {
                var task = p.AddTask("Verifying the ledger");
                report = await new LedgerVerifier(db).VerifyAsync(parse.GetValue(villageOption), new Progress<(long Done, long Total)>(x =>
                {
                    task.MaxValue = Math.Max(1, x.Total);
                    task.Value = x.Done;
                }), ct);
                task.Value = task.MaxValue;
            });
            if (report!.Sound)
            {
                stdout.WriteLine($"OK: {report.Villages} villages, {report.Households} households, {report.Entries} entries; every chain and balance verified in {watch.Elapsed.TotalSeconds:0.00} s.");
                return 0;
            }
            var first = report.FirstProblem!;
            stderr.WriteLine($"FAILED: village {first.VillageCode}"
                + (first.EntryNumber is { } n ? $", entry {n}" : "")
                + (first.HouseholdNumber is { } h ? $", household {h}" : "")
                + $": {first.What}");
            if (report.Problems.Count > 1)
                stderr.WriteLine($"({report.Problems.Count - 1} more problems after it.)");
            return 2;
        }));

        var stats = new Command("stats", "Print the key figures.") { villageOption, jsonOption };
        stats.SetAction((parse, ct) => WithDb(async (db, _) =>
        {
            var code = parse.GetValue(villageOption);
            Guid? villageId = null;
            if (code is not null)
            {
                villageId = await db.Villages.Where(v => v.Code == code).Select(v => (Guid?)v.Id).SingleOrDefaultAsync(ct);
                if (villageId is null)
                {
                    stderr.WriteLine($"No village with code '{code}'.");
                    return 1;
                }
            }
            var figures = await new VillageStats(db).ComputeAsync(villageId, ct);
            if (parse.GetValue(jsonOption))
            {
                stdout.WriteLine(JsonSerializer.Serialize(figures, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            }
            else
            {
                var table = new Table().AddColumns("figure", "value");
                foreach (var p in typeof(StatsFigures).GetProperties())
                    table.AddRow(p.Name, Convert.ToString(p.GetValue(figures), System.Globalization.CultureInfo.InvariantCulture) ?? "");
                AnsiConsole.Write(table);
            }
            return 0;
        }));

        var createAdmin = CreateAdminVerb.Create(WithDb, input, stdout, stderr);

        var root = new RootCommand("VillagePoints 智慧积分. With no verb, serves the web app.") { migrate, seed, createAdmin, verify, stats };
        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>Configuration as the web host reads it: appsettings, environment, then the caller's overrides.</summary>
    private static async Task<int> WithDb(IReadOnlyDictionary<string, string?>? configuration, TextWriter stderr,
        Func<VillagePointsDb, TimeProvider, Task<int>> work)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        if (configuration is not null)
            builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        var (provider, connectionString) = DatabaseSetup.Resolve(builder.Configuration);
        builder.Services.AddDbContext<VillagePointsDb>(o => DatabaseSetup.Configure(o, provider, connectionString));
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VillagePointsDb>();
        if (provider == DatabaseProvider.Sqlite && !await db.Database.CanConnectAsync())
        {
            stderr.WriteLine("The database cannot be opened.");
            return 1;
        }
        return await work(db, TimeProvider.System);
    }
}
