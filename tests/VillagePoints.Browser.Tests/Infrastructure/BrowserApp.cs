using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.TestSupport;
using VillagePoints.Web.Hosting;
using VillagePoints.Web.Shared;

namespace VillagePoints.Browser.Tests.Infrastructure;

/// <summary>
/// The real web host on a free loopback port over a SQLite database seeded with the demo village,
/// and one headless Chromium. Seeding takes seconds, so the whole suite shares both; each test
/// still gets its own browser context, so no cookies or storage leak between tests.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    public const string ChromiumVariable = "VILLAGEPOINTS_CHROMIUM";
    public const string DefaultChromium = "/usr/bin/chromium";
    public const int PhoneWidth = 360;
    public const int PhoneHeight = 640;

    private readonly ConcurrentDictionary<string, string> signedInStates = new();
    private TestDatabase? database;
    private WebApplication? app;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private Uri? baseUrl;

    public TestDatabase Database => database ?? throw NotStarted();

    public Uri BaseUrl => baseUrl ?? throw NotStarted();

    public static DemoAccount Villager => DemoVillage.Accounts.First(a => a.Role == Role.Villager);

    public static DemoAccount Administrator => DemoVillage.Accounts.First(a => a.Role == Role.Administrator);

    public async Task InitializeAsync()
    {
        // Pages on a busy test machine can take a while; a slow answer is not a failure of the journey.
        Assertions.SetDefaultExpectTimeout(15_000);
        database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // The application name lets Razor find the web project's compiled pages; the test host would otherwise be taken for the app.
        string[] args = ["--urls", "http://127.0.0.1:0", "--applicationName", typeof(VillagePointsApp).Assembly.GetName().Name!, "--contentRoot", WebProjectFolder()];
        app = VillagePointsApp.Build(args, b =>
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Sqlite"] = database.ConnectionString,
                // The journeys sign in as the demo accounts; outside Development the demo is seeded only when asked.
                ["Demo:SeedWhenEmpty"] = "true",
                // Every test signs in afresh from one address.
                ["RateLimits:LoginPerMinute"] = "1000",
                ["RateLimits:PublicPerMinute"] = "1000",
                ["Logging:LogLevel:Default"] = "Warning",
            }));
        await app.StartAsync();
        baseUrl = new Uri(app.Urls.First());

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
            await browser.DisposeAsync();
        playwright?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        if (database is not null)
            await database.DisposeAsync();
    }

    /// <summary>A fresh context with a phone-sized viewport and a Chinese browser, as most villagers have.</summary>
    public async Task<IBrowserContext> NewContextAsync(string? storageState = null, bool elder = false)
    {
        var context = await (browser ?? throw NotStarted()).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = PhoneWidth, Height = PhoneHeight },
            Locale = "zh-CN",
            StorageState = storageState,
        });
        context.SetDefaultTimeout(15_000);
        if (elder)
        {
            await context.AddCookiesAsync(
            [
                new Cookie { Name = UiPreferences.ElderCookie, Value = "1", Url = BaseUrl.ToString() },
            ]);
        }
        return context;
    }

    /// <summary>
    /// A fresh context already signed in as <paramref name="account"/>. The sign-in through the form
    /// happens once per account; later contexts reuse its cookies, because password hashing is slow on purpose.
    /// </summary>
    public async Task<IBrowserContext> SignedInContextAsync(DemoAccount account, bool elder = false)
    {
        if (!signedInStates.TryGetValue(account.Phone, out var state))
        {
            await using var first = await NewContextAsync();
            var page = await first.NewPageAsync();
            await page.SignInAsync(account.Phone, DemoVillage.DemoPassword);
            await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal));
            state = await first.StorageStateAsync();
            signedInStates[account.Phone] = state;
        }
        return await NewContextAsync(state, elder);
    }

    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable(ChromiumVariable);
        var path = string.IsNullOrWhiteSpace(configured) ? DefaultChromium : configured;
        // Never fall back to a downloaded browser: the tests run against the system's Chromium only.
        if (!File.Exists(path))
            throw new InvalidOperationException($"Chromium not found at {path}; install Debian's chromium or set {ChromiumVariable}.");
        return path;
    }

    /// <summary>The web project's folder, so the host serves its wwwroot (stylesheets matter for layout and contrast checks).</summary>
    private static string WebProjectFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "VillagePoints.Web");
            if (File.Exists(Path.Combine(candidate, "VillagePoints.Web.csproj")))
                return candidate;
        }
        throw new InvalidOperationException("Could not find src/VillagePoints.Web above " + AppContext.BaseDirectory);
    }

    private static InvalidOperationException NotStarted() => new("The browser app has not started.");
}
