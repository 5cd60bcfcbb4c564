using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Reports;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.Cli;

/// <summary>
/// The same executable answers operator verbs. Anything that is not a verb starts the web host,
/// so <c>dotnet run</c> with no arguments serves.
/// </summary>
public static class CliVerbs
{
    private static readonly string[] Verbs = ["migrate", "seed-demo", "create-admin", "verify", "stats", "checkpoint", "checkpoints", "signing-key", "notice", "--help", "-h", "-?"];

    public static bool Handles(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? configuration = null,
        TextWriter? output = null, TextWriter? error = null, TextReader? input = null)
    {
        var stdout = output ?? Console.Out;
        var stderr = error ?? Console.Error;
        Task<int> WithDb(Func<VillagePointsDb, TimeProvider, Task<int>> work) => CliVerbs.WithDb(configuration, stderr, work);
        // Migrating and seeding create the database on a fresh machine; every other verb needs one that exists.
        Task<int> WithNewDb(Func<VillagePointsDb, TimeProvider, Task<int>> work) => CliVerbs.WithDb(configuration, stderr, work, mayCreate: true);

        var villageOption = new Option<string?>("--village") { Description = "Only this village (its code, e.g. shuixin)." };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object." };

        var migrate = new Command("migrate", "Apply database migrations.");
        migrate.SetAction((_, ct) => WithNewDb(async (db, _) =>
        {
            await DatabaseSetup.MigrateAsync(db, ct);
            stdout.WriteLine("Database is up to date.");
            return 0;
        }));

        var seed = new Command("seed-demo", "Migrate, then seed the demo village into an empty database.");
        seed.SetAction((_, ct) => WithNewDb(async (db, time) =>
        {
            await DatabaseSetup.MigrateAsync(db, ct);
            var seeded = false;
            var evidence = EvidenceStoreFrom(configuration);
            await AnsiConsole.Progress().StartAsync(async p =>
            {
                var task = p.AddTask("Seeding the demo village");
                seeded = await DemoVillage.SeedAsync(db, time, new Progress<(int Done, int Total)>(x =>
                {
                    task.MaxValue = Math.Max(1, x.Total);
                    task.Value = x.Done;
                }), evidence, ct);
                task.Value = task.MaxValue;
            });
            stdout.WriteLine(seeded ? "Seeded the demo village." : "The database already has villages; nothing seeded.");
            return 0;
        }));

        var headOption = new Option<string?>("--head")
        {
            Description = "Also check a chain head printed on paper, as ENTRY:HASH (e.g. 1234:9f2c…); needs --village.",
        };
        var verify = new Command("verify", "Recompute every balance and every village's hash chain, check every signed checkpoint, and recompute every shop item's stock from its movement chain.")
        {
            villageOption, headOption,
        };
        verify.SetAction((parse, ct) => WithDb(async (db, _) =>
        {
            var code = parse.GetValue(villageOption);
            PrintedHead? printed = null;
            if (parse.GetValue(headOption) is { } head)
            {
                try
                {
                    printed = PrintedHead.Parse(head);
                }
                catch (DomainException ex)
                {
                    stderr.WriteLine($"--head takes ENTRY:HASH, an entry number and its 64-digit hash: {ex.Message}");
                    return 1;
                }
                if (code is null)
                {
                    stderr.WriteLine("--head needs --village: a printed head belongs to one village.");
                    return 1;
                }
            }
            var keyring = CheckpointKeysFrom(configuration, create: false).Keyring();
            var verifier = new LedgerVerifier(db, keyring);
            var watch = Stopwatch.StartNew();
            VerifyReport? report = null;
            if (output is null)
            {
                await AnsiConsole.Progress().AutoClear(true).StartAsync(async p =>
                {
                    var task = p.AddTask("Verifying the ledger");
                    report = await verifier.VerifyAsync(code, new Progress<(long Done, long Total)>(x =>
                    {
                        task.MaxValue = Math.Max(1, x.Total);
                        task.Value = x.Done;
                    }), ct);
                    task.Value = task.MaxValue;
                });
            }
            else
            {
                // The live bar belongs to the terminal; a caller with its own writers (and several at once) gets the lines only.
                report = await verifier.VerifyAsync(code, null, ct);
            }
            var problems = report!.Problems.ToList();
            // The shop's stock is checked the same way: recomputed from its own chain of movements, named in the same words.
            var stock = await new StockVerifier(db).VerifyAsync(code, ct);
            problems.AddRange(stock.Problems.Select(p => new LedgerProblem(p.VillageCode, null, null, p.Describe())));
            // The printed head is what the operator asked about, so its answer comes first.
            var headIntact = false;
            if (printed is { } h)
            {
                LedgerProblem? headProblem;
                try
                {
                    var headReport = await new PrintedHeadVerification(db, keyring).VerifyAsync(code!, h, ct);
                    headProblem = headReport.Intact ? null
                        : new LedgerProblem(code!, headReport.FirstDifferingEntry, null, "the printed head does not verify: " + headReport.What);
                }
                catch (DomainException ex) when (ex.Code == PrintedHead.EntryUnknown)
                {
                    // Not a typo the parser could see: the ledger may have lost entries, so this fails like tampering.
                    headProblem = new LedgerProblem(code!, h.EntryNumber, null, ex.Message);
                }
                catch (DomainException ex)
                {
                    stderr.WriteLine(ex.Message);
                    return 1;
                }
                if (headProblem is not null)
                    problems.Insert(0, headProblem);
                headIntact = headProblem is null;
            }
            if (problems.Count == 0)
            {
                stdout.WriteLine($"OK: {report.Villages} villages, {report.Households} households, {report.Entries} entries, {report.Checkpoints} checkpoints, "
                    + $"{stock.Items} shop items, {stock.Movements} stock movements; every chain, balance, checkpoint and stock level verified in {watch.Elapsed.TotalSeconds:0.00} s"
                    + (printed is { } ok ? $"; the printed head {ok} matches: the ledger up to entry {ok.EntryNumber} is unchanged since it was printed." : "."));
                return 0;
            }
            if (headIntact)
                stdout.WriteLine($"The printed head {printed} matches: the ledger up to entry {printed!.Value.EntryNumber} is unchanged since it was printed. What fails lies elsewhere:");
            var first = problems[0];
            stderr.WriteLine($"FAILED: village {first.VillageCode}"
                + (first.EntryNumber is { } n ? $", entry {n}" : "")
                + (first.HouseholdNumber is { } hh ? $", household {hh}" : "")
                + $": {first.What}");
            if (problems.Count > 1)
                stderr.WriteLine($"({problems.Count - 1} more problems after it.)");
            return 2;
        }));

        var checkpoint = new Command("checkpoint", "Sign each village's chain head now (or only --village's), if it moved since the last checkpoint.")
        {
            villageOption,
        };
        checkpoint.SetAction((parse, ct) => WithDb(async (db, time) =>
        {
            var keys = CheckpointKeysFrom(configuration, create: false);
            if (keys.SigningKey is null)
            {
                stderr.WriteLine(keys.Missing + " Create one with the signing-key --create verb.");
                return 1;
            }
            var code = parse.GetValue(villageOption);
            var villages = await db.Villages.AsNoTracking().Where(v => code == null || v.Code == code).OrderBy(v => v.Code)
                .Select(v => new { v.Id, v.Code }).ToListAsync(ct);
            if (code is not null && villages.Count == 0)
            {
                stderr.WriteLine($"No village with code '{code}'.");
                return 1;
            }
            var checkpoints = new LedgerCheckpoints(db, time, keys);
            foreach (var village in villages)
            {
                try
                {
                    var signed = await checkpoints.CreateCheckpointAsync(village.Id, ct);
                    stdout.WriteLine(signed is null
                        ? $"{village.Code}: the ledger is empty; nothing to sign."
                        : $"{village.Code}: checkpoint {signed.Number} at entry {signed.EntryNumber}, hash {signed.HeadHash}, key {signed.KeyId}, signed {signed.SignedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.");
                }
                catch (Core.DomainException ex) when (ex.Code == "checkpoint.chain-broken")
                {
                    stderr.WriteLine($"{village.Code}: {ex.Message}");
                    return 2;
                }
            }
            return 0;
        }));

        var checkpointsList = new Command("checkpoints", "Export a village's signed checkpoints and the public keys that check them.")
        {
            villageOption, jsonOption,
        };
        checkpointsList.SetAction((parse, ct) => WithDb(async (db, time) =>
        {
            var code = parse.GetValue(villageOption);
            var village = code is null ? null
                : await db.Villages.AsNoTracking().Where(v => v.Code == code).Select(v => new { v.Id, v.Code }).SingleOrDefaultAsync(ct);
            if (village is null)
            {
                stderr.WriteLine(code is null ? "checkpoints needs --village." : $"No village with code '{code}'.");
                return 1;
            }
            var keys = CheckpointKeysFrom(configuration, create: false);
            var export = await CheckpointExport.BuildAsync(new LedgerCheckpoints(db, time, keys), keys, village.Id, village.Code, ct);
            if (parse.GetValue(jsonOption))
            {
                stdout.WriteLine(JsonSerializer.Serialize(export, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
                return 0;
            }
            var table = new Table().AddColumns("number", "entry", "head hash", "signed (UTC)", "key");
            foreach (var c in export.Checkpoints)
                table.AddRow(c.Number.ToString(CultureInfo.InvariantCulture), c.EntryNumber.ToString(CultureInfo.InvariantCulture), c.HeadHash,
                    c.SignedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), c.KeyId);
            AnsiConsole.Write(table);
            return 0;
        }));

        var createKeyOption = new Option<bool>("--create") { Description = "Create the key file if there is none (never replaces one)." };
        var signingKey = new Command("signing-key", "Show the checkpoint signing key's id and public key, or create the key.") { createKeyOption };
        signingKey.SetAction(parse =>
        {
            var keys = CheckpointKeysFrom(configuration, create: false);
            if (keys.SigningKey is null && parse.GetValue(createKeyOption))
                keys.Create();
            if (keys.SigningKey is not { } key)
            {
                stderr.WriteLine(keys.Missing + " Create one with --create.");
                return 1;
            }
            stdout.WriteLine($"Key {key.KeyId} at {keys.Options.SigningKeyPath}; public keys kept in {keys.Options.TrustedKeysPath}.");
            stdout.Write(key.PublicKeyPem);
            stdout.WriteLine();
            return 0;
        });

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
        var notice = NoticeVerbs.Create(WithDb, stdout, stderr);
        var shop = new Command("shop", "The points supermarket's housekeeping.") { ReservationVerbs.ExpireReservations(WithDb, stdout) };

        var root = new RootCommand("VillagePoints 智慧积分. With no verb, serves the web app.") { migrate, seed, createAdmin, verify, stats, checkpoint, checkpointsList, signingKey, notice, shop };
        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>The evidence store where the web host keeps photos, so seeded photos are where the app looks for them.</summary>
    private static LocalFolderEvidenceStore EvidenceStoreFrom(IReadOnlyDictionary<string, string?>? configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        if (configuration is not null)
            builder.Configuration.AddInMemoryCollection(configuration);
        return new LocalFolderEvidenceStore(builder.Configuration[LocalFolderEvidenceStore.ConfigKey] ?? LocalFolderEvidenceStore.DefaultFolder);
    }

    /// <summary>The checkpoint keys as the web host finds them. Verbs never create a key unasked.</summary>
    private static CheckpointKeys CheckpointKeysFrom(IReadOnlyDictionary<string, string?>? configuration, bool create)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        if (configuration is not null)
            builder.Configuration.AddInMemoryCollection(configuration);
        return new CheckpointKeys(CheckpointSetup.Options(builder.Configuration, create));
    }

    /// <summary>Configuration as the web host reads it: appsettings, environment, then the caller's overrides.</summary>
    private static async Task<int> WithDb(IReadOnlyDictionary<string, string?>? configuration, TextWriter stderr,
        Func<VillagePointsDb, TimeProvider, Task<int>> work, bool mayCreate = false)
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
        if (provider == DatabaseProvider.Sqlite && !mayCreate && !await db.Database.CanConnectAsync())
        {
            stderr.WriteLine("The database cannot be opened. On a new machine, create it first with the migrate or seed-demo verb.");
            return 1;
        }
        return await work(db, TimeProvider.System);
    }
}
