using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;

namespace VillagePoints.Web.Tests.Infrastructure;

/// <summary>The whole web app over a fresh database of one provider, owned by one test.</summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string Password = "Test@Passw0rd";
    private static int phoneCounter = Random.Shared.Next(0, 1_000_000);

    static TestApp()
    {
        // Hundreds of hosts start in one run. Watching appsettings, and the stylesheets whose versions the layout appends,
        // would spend one of the few inotify instances a user may hold (128) per host; nothing here changes the files.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }

    private TestApp(TestDatabase database, WebApplicationFactory<Program> factory)
    {
        Database = database;
        Factory = factory;
    }

    public TestDatabase Database { get; }
    public WebApplicationFactory<Program> Factory { get; }

    public static async Task<TestApp> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting(provider == DatabaseProvider.Postgres ? "ConnectionStrings:Postgres" : "ConnectionStrings:Sqlite", database.ConnectionString);
            b.UseSetting("Demo:SeedWhenEmpty", "false");
            b.UseSetting("RateLimits:LoginPerMinute", "10000");
            b.UseSetting("RateLimits:PublicPerMinute", "10000");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                b.UseSetting(key, value);
        });
        return new TestApp(database, factory);
    }

    public VillagePointsDb NewContext() => Database.NewContext();

    public HttpClient Anonymous() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A new account holding the given roles, with a unique phone number.</summary>
    public async Task<UserAccount> CreateUserAsync(string name, params RoleAssignment[] roles)
    {
        var phone = "177" + Interlocked.Increment(ref phoneCounter).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        var user = new UserAccount { Id = Ids.New(), Phone = phone, DisplayName = name, PasswordHash = "", CreatedAt = DateTimeOffset.UtcNow };
        user.PasswordHash = PasswordLogin.Hash(user, Password);
        foreach (var r in roles)
        {
            r.Id = Ids.New();
            r.UserId = user.Id;
            user.Roles.Add(r);
        }
        await using var db = NewContext();
        db.UserAccounts.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    /// <summary>An API client signed in with a bearer token as a new user holding these roles.</summary>
    public async Task<HttpClient> ClientAsync(params RoleAssignment[] roles)
    {
        var user = await CreateUserAsync("测试用户", roles);
        return await ClientAsync(user.Phone);
    }

    public async Task<HttpClient> ClientAsync(string phone)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { phone, password = Password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    public static RoleAssignment In(ArrangedVillage v, Role role, int? householdNumber = null) =>
        new() { Role = role, VillageId = v.VillageId, HouseholdId = householdNumber is { } n ? v.HouseholdIds[n - 1] : null };

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    private sealed record TokenResponse(string AccessToken);
}
