using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;

namespace VillagePoints.Web.Hosting;

/// <summary>
/// Before the server takes requests: apply migrations and, on an empty database, seed the
/// demo village. Once listening, print the address and the demo logins for a newcomer.
/// </summary>
public sealed class DatabaseStartup(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    IServer server,
    TimeProvider time,
    ILogger<DatabaseStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var seeded = false;
        // Operators who migrate as a separate release step (the migrate verb) can turn this off.
        if (configuration.GetValue("Database:MigrateOnStartup", true))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VillagePointsDb>();
            await DatabaseSetup.MigrateAsync(db, ct);
            seeded = configuration.GetValue("Demo:SeedWhenEmpty", true) && await DemoVillage.SeedAsync(db, time, null, ct);
        }
        if (seeded)
            log.LogInformation("Seeded the demo village {Village}", DemoVillage.VillageCode);
        lifetime.ApplicationStarted.Register(PrintBanner);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

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
        banner.AppendLine($"Demo logins (password {DemoVillage.DemoPassword}):");
        foreach (var account in DemoVillage.Accounts)
            banner.AppendLine($"  {account.Phone}  {account.Role,-16} {account.Description}");
        // The banner goes to the console on purpose: demo credentials are public, and logs must not carry them.
        Console.WriteLine(banner.ToString());
    }
}
