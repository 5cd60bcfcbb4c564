using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Web.Ledger;

/// <summary>
/// Signs every village's chain head periodically (hourly by default), when it moved since the last
/// checkpoint. Safe on several nodes: a second node's checkpoint of the same head is not stored.
/// </summary>
public sealed class CheckpointScheduler(
    IServiceScopeFactory scopes,
    CheckpointKeys keys,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<CheckpointScheduler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        // Loading the key here creates it on a Development machine's first start.
        if (keys.SigningKey is not { } key)
        {
            log.LogWarning("{Missing} Set Ledger:SigningKeyPath to the key file, or create one with the signing-key verb.", keys.Missing);
            return;
        }
        log.LogInformation("Ledger checkpoints are signed with key {KeyId} from {Path}", key.KeyId, keys.Options.SigningKeyPath);

        var every = configuration.GetValue("Ledger:CheckpointEvery", TimeSpan.FromHours(1));
        if (every <= TimeSpan.Zero)
            return;
        try
        {
            // A short wait first, so a restart does not wait a whole period; not at once, so start-up stays quick.
            await Task.Delay(every < TimeSpan.FromMinutes(1) ? every : TimeSpan.FromMinutes(1), time, ct);
            using var timer = new PeriodicTimer(every, time);
            do
            {
                await CheckpointAllAsync(ct);
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task CheckpointAllAsync(CancellationToken ct)
    {
        List<(Guid Id, string Code)> villages;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VillagePointsDb>();
            villages = (await db.Villages.AsNoTracking().OrderBy(v => v.Code).Select(v => new { v.Id, v.Code }).ToListAsync(ct))
                .Select(v => (v.Id, v.Code)).ToList();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Could not list villages for ledger checkpoints");
            return;
        }

        // Checkpoints are stamped to the second; anything stamped since this run began is new.
        var runStarted = time.GetUtcNow().AddSeconds(-1);
        foreach (var (id, code) in villages)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var checkpoints = scope.ServiceProvider.GetRequiredService<LedgerCheckpoints>();
                var checkpoint = await checkpoints.CreateCheckpointAsync(id, ct);
                if (checkpoint is not null && checkpoint.SignedAt >= runStarted)
                    log.LogInformation("Signed ledger checkpoint {Number} of {Village} at entry {Entry}", checkpoint.Number, code, checkpoint.EntryNumber);
            }
            catch (DomainException ex)
            {
                log.LogError("No ledger checkpoint for {Village}: {Problem}", code, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One village's failure (or a dropped connection) must not stop the others or the host.
                log.LogError(ex, "Ledger checkpoint of {Village} failed", code);
            }
        }
    }
}

public static class CheckpointSetup
{
    /// <summary>
    /// The signing key file (<c>Ledger:SigningKeyPath</c>) and the folder of trusted public keys
    /// (<c>Ledger:PublicKeysPath</c>). Relative paths start from the working directory, as the SQLite file's do.
    /// A missing key is created only in Development; elsewhere the operator provides one.
    /// </summary>
    public static CheckpointKeyOptions Options(IConfiguration configuration, bool development) => new(
        configuration["Ledger:SigningKeyPath"] is { Length: > 0 } key ? key : CheckpointKeyOptions.DefaultSigningKeyPath,
        configuration["Ledger:PublicKeysPath"] is { Length: > 0 } folder ? folder : CheckpointKeyOptions.DefaultTrustedKeysPath,
        development);

    public static IServiceCollection AddLedgerCheckpoints(this IServiceCollection services, bool development)
    {
        services.AddSingleton(sp => new CheckpointKeys(Options(sp.GetRequiredService<IConfiguration>(), development)));
        services.AddScoped(sp => sp.GetRequiredService<CheckpointKeys>().Keyring());
        services.AddScoped<LedgerCheckpoints>();
        services.AddHostedService<CheckpointScheduler>();
        return services;
    }
}
