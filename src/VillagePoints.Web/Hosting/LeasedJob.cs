using System.Security.Cryptography;
using VillagePoints.Core.Notices;

namespace VillagePoints.Web.Hosting;

/// <summary>
/// A job the app runs every so often (<see cref="EveryKey"/>; zero or less turns it off) on one instance at a time: when
/// several app instances share a database, the one holding the <see cref="LeaseName"/> lease (<see cref="JobLeases"/>)
/// does the work, renewing it each run, and gives it back when it stops. Each job's writes must still be conditional, so
/// that two instances running together by accident change nothing twice.
/// </summary>
public abstract class LeasedJob(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time, ILogger log) : BackgroundService
{
    public abstract string LeaseName { get; }

    public abstract string EveryKey { get; }

    protected abstract TimeSpan DefaultEvery { get; }

    /// <summary>This instance, as the lease names it: host, process, and a random part for two hosts in one process.</summary>
    public string Holder { get; } = Truncate($"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

    protected IServiceScopeFactory Scopes => scopes;

    protected ILogger Log => log;

    private volatile bool holding;

    /// <summary>The job's work, run while this instance holds the lease.</summary>
    protected abstract Task WorkAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var every = configuration.GetValue(EveryKey, DefaultEvery);
        if (every <= TimeSpan.Zero)
            return;
        // Held for several periods and renewed each one: another instance takes over only when this one stops renewing.
        var leaseFor = every * 3 < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : every * 3;
        try
        {
            // A short wait first, so start-up stays quick and a restart does not wait a whole period.
            await Task.Delay(every < TimeSpan.FromMinutes(1) ? every : TimeSpan.FromMinutes(1), time, ct);
            using var timer = new PeriodicTimer(every, time);
            do
            {
                if (await TakeLeaseAsync(leaseFor, ct))
                    await WorkAsync(ct);
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!holding)
            return;
        try
        {
            // Given back, so another instance need not wait out the lease after this one stops.
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<JobLeases>().ReleaseAsync(LeaseName, Holder, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not give back the {Lease} lease; another instance takes it over when it expires", LeaseName);
        }
    }

    private async Task<bool> TakeLeaseAsync(TimeSpan leaseFor, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            holding = await scope.ServiceProvider.GetRequiredService<JobLeases>().TryTakeAsync(LeaseName, Holder, leaseFor, ct);
            return holding;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Could not take the {Lease} lease", LeaseName);
            return false;
        }
    }

    private static string Truncate(string holder) => holder.Length <= 120 ? holder : holder[^120..];
}
