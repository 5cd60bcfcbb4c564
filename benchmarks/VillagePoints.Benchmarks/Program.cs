using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Spectre.Console;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Reports;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Hosting;
using VillagePoints.Web.Households;
using VillagePoints.Web.Ledger;

// Speed targets, measured on the demo village (630 households, ~30,000 entries from ~32,000 claims).
// Run: dotnet run -c Release --project benchmarks/VillagePoints.Benchmarks [-- postgres "Host=...;Username=..."]
// With no arguments it uses a fresh SQLite file in the temp folder.
var targets = new Dictionary<string, double>
{
    ["seed demo village (s)"] = 30,
    ["verify whole ledger (s)"] = 5,
    // The public check of a notice's printed head recomputes the chain from the first entry; the demo's head is the worst case.
    ["verify a printed head at the last entry, p95 (ms)"] = 500,
    ["household ledger page, p95 (ms)"] = 20,
    ["household search by phone, p95 (ms)"] = 20,
    ["village stats, p95 (ms)"] = 200,
    ["post one entry, p95 (ms)"] = 30,
    // A phone camera's photo through the evidence pipeline: check, decode, turn upright, shrink to 1600 px, re-encode, thumbnail.
    ["photo processing, 12 MP JPEG, p95 (ms)"] = 1500,
    // 1,000 claims waiting for the committee's final approval, approved one after another over HTTP by one reviewer:
    // each request signs in by bearer token, checks the rules of review, posts the entry and saves, in one transaction.
    ["approve 1,000 queued claims via API, total (s)"] = 60,
    ["approve one claim via API, p50 (ms)"] = 50,
    ["approve one claim via API, p95 (ms)"] = 100,
    // Last month's notice of the demo village (630 households, every entry of the month): the public page as HTML from
    // its frozen document, the board's PDF set in Noto Sans CJK, and this month's draft built from the monthly totals.
    ["monthly notice, public HTML page, p95 (ms)"] = 100,
    ["monthly notice, PDF, p95 (ms)"] = 1000,
    ["monthly notice, PDF size (KB)"] = 2048,
    ["monthly notice, draft built from the ledger, p95 (ms)"] = 500,
    // The point of sale: one item for a random household, through the checkout desk (chain-head lock, balance check,
    // stock movement, receipt) in one transaction; then 8 counters at once, 50 checkouts each, every one on its own connection.
    ["checkout one item, p95 (ms)"] = 50,
    ["400 checkouts from 8 counters at once, total (s)"] = 20,
};
// Throughputs, where more is better: two-item checkouts at the points supermarket (Redemption entries, stock movements and
// the receipt in one transaction), one till after another and eight at once on the same village.
var minimums = new Dictionary<string, double>
{
    [VillagePoints.Benchmarks.CheckoutBench.Sequential] = 20,
    [VillagePoints.Benchmarks.CheckoutBench.Parallel] = 20,
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
var seedEvidence = Path.Combine(Path.GetTempPath(), $"vp-bench-seed-evidence-{Environment.ProcessId}");
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
            }), new LocalFolderEvidenceStore(seedEvidence));
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

    var printed = await LastHeadAsync(NewDb, villageId);
    results["verify a printed head at the last entry, p95 (ms)"] = await P95Async(10, async () =>
    {
        await using var db = NewDb();
        var answer = await new PrintedHeadVerification(db).VerifyAsync(DemoVillage.VillageCode, printed);
        if (!answer.Intact)
            throw new InvalidOperationException("The demo's own head does not verify: " + answer.What);
    });

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

    foreach (var (name, value) in await CheckoutsAsync(NewDb, villageId, households.Select(h => h.Number).ToList()))
        results[name] = value;

    foreach (var (name, value) in await OverHttpAsync(provider, connectionString, villageId, households.Select(h => h.Id).ToList(), NewDb))
        results[name] = value;
    // Last: it tops every household up with points and the two items with stock, which the measures above must not see.
    foreach (var (name, value) in await VillagePoints.Benchmarks.CheckoutBench.RunAsync(NewDb, villageId, households.Select(h => h.Id).ToList()))
        results[name] = value;
}
finally
{
    await using var db = NewDb();
    await db.Database.EnsureDeletedAsync();
    if (sqlitePath is not null)
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (Directory.Exists(seedEvidence))
        Directory.Delete(seedEvidence, recursive: true);
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
foreach (var (name, minimum) in minimums)
{
    var measured = results[name];
    var met = measured >= minimum;
    allMet &= met;
    table.AddRow(name, "≥ " + minimum.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
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

// Queues the claims through the claim desk (the review group's first step included), then starts the real web host on a
// loopback port and has the committee chair approve each one through POST /claims/{n}/decision, timing every request.
static async Task<Dictionary<string, double>> OverHttpAsync(DatabaseProvider provider, string connectionString,
    Guid villageId, List<Guid> households, Func<VillagePointsDb> newDb)
{
    const int count = 1_000;
    var time = TimeProvider.System;
    Guid AccountOf(Role role)
    {
        var phone = DemoVillage.Accounts.First(a => a.Role == role && a.Description.StartsWith("水心村", StringComparison.Ordinal)).Phone;
        using var db = newDb();
        return db.UserAccounts.Where(u => u.Phone == phone).Select(u => u.Id).Single();
    }
    var chairPhone = DemoVillage.Accounts.First(a => a.Role == Role.CommitteeChair).Phone;
    var (gridWorker, reviewer, chair) = (AccountOf(Role.GridWorker), AccountOf(Role.ReviewGroup), AccountOf(Role.CommitteeChair));

    // A rule of its own, without caps or evidence, so that none of the thousand is refused for reasons beside the point.
    await using (var db = newDb())
    {
        await new RuleBook(db, time).CreateAsync(new CreateRule(villageId, "affairs", "bench-tidy-lane", "清扫巷道", "Sweeping a lane", null,
            RuleDirection.Award, new RuleTerms(2, [ClaimChannel.Patrol]), chair));
    }
    var numbers = new List<long>(count + 1);
    var queue = Stopwatch.StartNew();
    var random = new Random(11);
    await AnsiConsole.Progress().StartAsync(async p =>
    {
        var task = p.AddTask("Queueing claims for the committee", maxValue: count + 1);
        for (var i = 0; i <= count; i++)
        {
            await using var db = newDb();
            var posting = new LedgerPosting(db, time);
            var desk = new ClaimDesk(db, posting, new RuleBook(db, time), time);
            var claim = await desk.SubmitAsync(new SubmitClaim(villageId, ClaimChannel.Patrol, households[random.Next(households.Count)],
                "bench-tidy-lane", BusinessCalendar.Today(time), gridWorker, Note: "巷道清扫"));
            await desk.DecideAsync(new DecideClaim(villageId, claim.Number, reviewer, ClaimDecision.Approve));
            numbers.Add(claim.Number);
            task.Increment(1);
        }
    });
    AnsiConsole.MarkupLineInterpolated($"queued {numbers.Count} claims, first review done, in {queue.Elapsed.TotalSeconds:F1} s");

    var evidence = Path.Combine(Path.GetTempPath(), $"vp-bench-evidence-{Environment.ProcessId}");
    string[] args = ["--urls", "http://127.0.0.1:0", "--applicationName", typeof(VillagePointsApp).Assembly.GetName().Name!, "--environment", "Development"];
    var app = VillagePointsApp.Build(args, b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        [provider == DatabaseProvider.Postgres ? "ConnectionStrings:Postgres" : "ConnectionStrings:Sqlite"] = connectionString,
        ["Demo:SeedWhenEmpty"] = "false",
        ["Evidence:Folder"] = evidence,
        ["Logging:LogLevel:Default"] = "Warning",
        ["RateLimits:PublicPerMinute"] = "100000",
        ["Notices:CloseCheckEvery"] = "00:00:00",
    }));
    await app.StartAsync();
    try
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var login = await http.PostAsJsonAsync("/api/v1/auth/token", new { phone = chairPhone, password = DemoVillage.DemoPassword });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        async Task ApproveAsync(long number)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/villages/{DemoVillage.VillageCode}/claims/{number}/decision")
            {
                Content = JsonContent.Create(new { decision = "Approve" }),
            };
            request.Headers.Add("Idempotency-Key", $"bench-approve-{number}");
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (!response.IsSuccessStatusCode || body.GetProperty("state").GetString() != "Approved")
                throw new InvalidOperationException($"Claim {number} was not approved: {(int)response.StatusCode} {body}");
        }

        await ApproveAsync(numbers[0]); // warm-up: the first request compiles the model and the endpoint
        var times = new List<double>(count);
        var all = Stopwatch.StartNew();
        foreach (var number in numbers.Skip(1))
        {
            var watch = Stopwatch.StartNew();
            await ApproveAsync(number);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        var total = all.Elapsed.TotalSeconds;
        times.Sort();
        var measured = new Dictionary<string, double>
        {
            ["approve 1,000 queued claims via API, total (s)"] = total,
            ["approve one claim via API, p50 (ms)"] = times[(int)Math.Ceiling(count * 0.50) - 1],
            ["approve one claim via API, p95 (ms)"] = times[(int)Math.Ceiling(count * 0.95) - 1],
        };

        var today = BusinessCalendar.Today(time);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var thisMonth = today.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var village = $"/villages/{DemoVillage.VillageCode}";
        long pdfBytes = 0, htmlBytes = 0;
        // As the committee chair, signed in by bearer token.
        async Task<long> GetAsync(string path)
        {
            using var response = await http.GetAsync(path);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
            return bytes.LongLength;
        }
        using var anonymousHttp = new HttpClient { BaseAddress = http.BaseAddress };
        await anonymousHttp.GetAsync($"/public{village}/notices/{lastMonth}"); // warm-up: compiles the page
        measured["monthly notice, public HTML page, p95 (ms)"] = await P95Async(20, async () =>
        {
            using var response = await anonymousHttp.GetAsync($"/public{village}/notices/{lastMonth}");
            response.EnsureSuccessStatusCode();
            htmlBytes = (await response.Content.ReadAsByteArrayAsync()).LongLength;
        });
        await GetAsync($"/api/v1{village}/notices/{lastMonth}.pdf"); // warm-up: loads the font once
        measured["monthly notice, PDF, p95 (ms)"] = await P95Async(10, async () => pdfBytes = await GetAsync($"/api/v1{village}/notices/{lastMonth}.pdf"));
        measured["monthly notice, PDF size (KB)"] = pdfBytes / 1024.0;
        measured["monthly notice, draft built from the ledger, p95 (ms)"] = await P95Async(10, () => GetAsync($"/api/v1{village}/notices/{thisMonth}"));
        AnsiConsole.MarkupLineInterpolated($"notice {lastMonth}: HTML {htmlBytes / 1024} KB, PDF {pdfBytes / 1024} KB");
        return measured;
    }
    finally
    {
        await app.StopAsync();
        await app.DisposeAsync();
        if (Directory.Exists(evidence))
            Directory.Delete(evidence, recursive: true);
    }
}

// An item of the benchmark's own with stock for every checkout, then checkouts one after another and from 8 counters at once.
static async Task<Dictionary<string, double>> CheckoutsAsync(Func<VillagePointsDb> newDb, Guid villageId, List<int> householdNumbers)
{
    const int sequential = 200, counters = 8, perCounter = 50;
    var time = TimeProvider.System;
    Guid clerk;
    await using (var db = newDb())
    {
        var phone = DemoVillage.Accounts.First(a => a.Role == Role.ShopClerk).Phone;
        clerk = await db.UserAccounts.Where(u => u.Phone == phone).Select(u => u.Id).SingleAsync();
        var now = BusinessCalendar.Truncate(time.GetUtcNow());
        var item = new VillagePoints.Core.Shop.ShopItem
        {
            VillageId = villageId, Id = Ids.New(now), Code = "bench-soap", NameZh = "肥皂", NameEn = "Soap", Unit = "块", PricePoints = 1,
            CreatedAt = now, UpdatedAt = now,
        };
        db.ShopItems.Add(item);
        VillagePoints.Core.Shop.StockKeeping.Append(db, item, new VillagePoints.Core.Shop.StockChange(
            VillagePoints.Core.Shop.StockMovementKind.Purchase, 10_000, clerk, BusinessCalendar.DateOf(now), CostFen: 1_000_000, Counterparty: "供销社"), now);
        await db.SaveChangesAsync();
    }
    var random = new Random(13);
    async Task CheckoutAsync(int householdNo)
    {
        await using var db = newDb();
        await new VillagePoints.Core.Shop.CheckoutDesk(db, new LedgerPosting(db, time), time).CheckoutAsync(new VillagePoints.Core.Shop.CheckoutCommand(
            villageId, householdNo, [new VillagePoints.Core.Shop.CartLine("bench-soap", 1)], clerk));
    }
    var measured = new Dictionary<string, double>
    {
        ["checkout one item, p95 (ms)"] = await P95Async(sequential, () => CheckoutAsync(householdNumbers[random.Next(householdNumbers.Count)])),
    };
    var all = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, counters).Select(c => Task.Run(async () =>
    {
        for (var i = 0; i < perCounter; i++)
            await CheckoutAsync(householdNumbers[(c * perCounter + i) % householdNumbers.Count]);
    })));
    measured["400 checkouts from 8 counters at once, total (s)"] = all.Elapsed.TotalSeconds;
    AnsiConsole.MarkupLineInterpolated($"checkouts: {counters * perCounter / all.Elapsed.TotalSeconds:F0} per second from {counters} counters at once");
    return measured;
}

static async Task<PrintedHead> LastHeadAsync(Func<VillagePointsDb> newDb, Guid villageId)
{
    await using var db = newDb();
    var head = await db.VillageLedgerHeads.SingleAsync(h => h.VillageId == villageId);
    return new PrintedHead(head.LastNumber, head.LastHash);
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
