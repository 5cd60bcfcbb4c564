using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;

namespace VillagePoints.Web.Hosting;

/// <summary>
/// Before the server takes requests: apply migrations and, where asked, seed the demo village into
/// an empty database. Once listening, print the address, the demo logins when the demo accounts are
/// there, and how to create the first administrator when there is no account at all.
/// </summary>
public sealed class DatabaseStartup(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    IHostEnvironment environment,
    IHostApplicationLifetime lifetime,
    IServer server,
    TimeProvider time,
    ILogger<DatabaseStartup> log) : IHostedService
{
    public const string SeedSetting = "Demo:SeedWhenEmpty";

    public const string FirstAdministratorHint =
        "No account exists yet. Create the first administrator with: dotnet VillagePoints.Web.dll create-admin --phone 139xxxxxxxx --name 名字 "
        + "(from the source tree: dotnet run --project src/VillagePoints.Web -- create-admin --phone …); it asks for the password.";

    private IReadOnlyList<DemoAccount> demoAccounts = [];
    private bool noAccounts;

    /// <summary>
    /// The demo and its accounts with their published password belong on a developer's machine only:
    /// seeded by default in Development, elsewhere only when the operator sets the key explicitly.
    /// </summary>
    public static bool SeedsDemo(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<bool?>(SeedSetting) ?? environment.IsDevelopment();

    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VillagePointsDb>();
        // Operators who migrate as a separate release step (the migrate verb) can turn this off.
        if (configuration.GetValue("Database:MigrateOnStartup", true))
        {
            await DatabaseSetup.MigrateAsync(db, ct);
            if (SeedsDemo(configuration, environment) && await DemoVillage.SeedAsync(db, time, null,
                    scope.ServiceProvider.GetRequiredService<VillagePoints.Core.Evidence.IEvidenceStore>(), ct))
                log.LogInformation("Seeded the demo village {Village}", DemoVillage.VillageCode);
            // Read only once the database is known to answer: without start-up migration it may not be reachable yet, and /readyz says so.
            await ReadAccountsAsync(db, ct);
            if (noAccounts)
                log.LogWarning("No account exists yet; create the first administrator with the create-admin verb");
        }
        lifetime.ApplicationStarted.Register(PrintBanner);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private async Task ReadAccountsAsync(VillagePointsDb db, CancellationToken ct)
    {
        var phones = DemoVillage.Accounts.Select(a => a.Phone).ToList();
        var present = await db.UserAccounts.Where(u => phones.Contains(u.Phone)).Select(u => u.Phone).ToListAsync(ct);
        // Only accounts the database really holds are advertised: never a published password for an account that is not there.
        demoAccounts = DemoVillage.Accounts.Where(a => present.Contains(a.Phone)).ToList();
        noAccounts = !await db.UserAccounts.AnyAsync(ct);
    }

    private void PrintBanner()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (addresses.Count == 0)
            return;
        var banner = new System.Text.StringBuilder();
        banner.AppendLine();
        banner.AppendLine("VillagePoints 智慧积分 is running:");
        foreach (var a in addresses)
            banner.AppendLine($"  {a}");
        if (demoAccounts.Count > 0)
        {
            banner.AppendLine($"Demo logins (password {DemoVillage.DemoPassword}):");
            foreach (var account in demoAccounts)
                banner.AppendLine($"  {account.Phone}  {account.Role,-16} {account.Description}");
        }
        if (noAccounts)
            banner.AppendLine(FirstAdministratorHint);
        // The banner goes to the console on purpose: demo credentials are public, and logs must not carry them.
        Console.WriteLine(banner.ToString());
    }
}
