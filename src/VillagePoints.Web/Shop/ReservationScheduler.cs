using System.Security.Cryptography;
using VillagePoints.Core;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Shop;

namespace VillagePoints.Web.Shop;

/// <summary>
/// Expires reservations not picked up by their deadline and puts their held stock back on the shelf, checking every
/// <c>Shop:ReservationExpiryCheckEvery</c> (five minutes by default; zero or less turns it off). Several app instances
/// share the work through the <see cref="LeaseName"/> lease; each expiry is in any case a conditional write, so a
/// reservation expires, and its hold is released, once even if two instances ever ran together.
/// </summary>
public sealed class ReservationScheduler(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<ReservationScheduler> log) : BackgroundService
{
    public const string LeaseName = "shop.reservations.expire";
    public const string EveryKey = "Shop:ReservationExpiryCheckEvery";

    public string Holder { get; } = Truncate($"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

    private volatile bool holding;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var every = configuration.GetValue(EveryKey, TimeSpan.FromMinutes(5));
        if (every <= TimeSpan.Zero)
            return;
        // Held for several periods and renewed each one: another instance takes over only when this one stops renewing.
        var leaseFor = every * 3 < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : every * 3;
        try
        {
            await Task.Delay(every < TimeSpan.FromMinutes(1) ? every : TimeSpan.FromMinutes(1), time, ct);
            using var timer = new PeriodicTimer(every, time);
            do
            {
                await RunOnceAsync(leaseFor, ct);
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
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<JobLeases>().ReleaseAsync(LeaseName, Holder, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not give back the {Lease} lease; another instance takes it over when it expires", LeaseName);
        }
    }

    /// <summary>One run: take (or renew) the lease, then expire what is due, each reservation on its own.</summary>
    public async Task<int> RunOnceAsync(TimeSpan leaseFor, CancellationToken ct)
    {
        IReadOnlyList<(Guid VillageId, long Number)> due;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            holding = await scope.ServiceProvider.GetRequiredService<JobLeases>().TryTakeAsync(LeaseName, Holder, leaseFor, ct);
            if (!holding)
                return 0;
            due = await scope.ServiceProvider.GetRequiredService<ReservationDesk>().DueAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Could not look for reservations past their pickup deadline");
            return 0;
        }

        var expired = 0;
        foreach (var (villageId, number) in due)
        {
            try
            {
                // Each in its own scope: one failure leaves the next one's context clean.
                await using var scope = scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<ReservationDesk>().ExpireAsync(villageId, number, ct))
                {
                    expired++;
                    log.LogInformation("Reservation {Number} of village {Village} expired; its held stock is back on the shelf", number, villageId);
                }
            }
            catch (DomainException ex)
            {
                log.LogError("Could not expire reservation {Number} of village {Village}: {Code}", number, villageId, ex.Code);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A dropped connection or the like must not stop the others or the host; the next run tries again.
                log.LogError(ex, "Expiring reservation {Number} of village {Village} failed", number, villageId);
            }
        }
        return expired;
    }

    private static string Truncate(string holder) => holder.Length <= 120 ? holder : holder[^120..];
}
