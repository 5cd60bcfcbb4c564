using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;

namespace VillagePoints.Web.Notices;

/// <summary>
/// Closes every published notice whose publicity window has passed, checking every <c>Notices:CloseCheckEvery</c>
/// (a minute by default; zero or less turns it off). When several app instances share one database, the one holding
/// the <see cref="LeaseName"/> lease does the work; each close is in any case a conditional write, so a notice is
/// closed once even if two instances ever tried together.
/// </summary>
public sealed class NoticeScheduler(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<NoticeScheduler> log) : BackgroundService
{
    public const string LeaseName = "notices.close";
    public const string EveryKey = "Notices:CloseCheckEvery";

    /// <summary>This instance, as the lease names it: host, process, and a random part for two hosts in one process.</summary>
    public string Holder { get; } = Truncate($"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

    private volatile bool holding;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var every = configuration.GetValue(EveryKey, TimeSpan.FromMinutes(1));
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
                await CloseDueAsync(leaseFor, ct);
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

    private async Task CloseDueAsync(TimeSpan leaseFor, CancellationToken ct)
    {
        IReadOnlyList<(Guid VillageId, int Month)> due;
        Dictionary<Guid, string> codes;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            holding = await scope.ServiceProvider.GetRequiredService<JobLeases>().TryTakeAsync(LeaseName, Holder, leaseFor, ct);
            if (!holding)
                return;
            due = await scope.ServiceProvider.GetRequiredService<NoticeDesk>().DueAsync(ct);
            if (due.Count == 0)
                return;
            var ids = due.Select(d => d.VillageId).Distinct().ToList();
            codes = await scope.ServiceProvider.GetRequiredService<VillagePointsDb>().Villages.AsNoTracking().Where(v => ids.Contains(v.Id))
                .ToDictionaryAsync(v => v.Id, v => v.Code, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Could not look for notices whose publicity window has passed");
            return;
        }

        foreach (var (villageId, month) in due)
        {
            var code = codes.GetValueOrDefault(villageId, villageId.ToString());
            var printed = NoticeMonth.Format(month);
            try
            {
                // Each notice in its own scope: one village's failure leaves the next one's context clean.
                await using var scope = scopes.CreateAsyncScope();
                var closing = await scope.ServiceProvider.GetRequiredService<NoticeDesk>().CloseAsync(new CloseNotice(villageId, month, null), ct);
                if (closing is null)
                    log.LogInformation("The notice of {Village} {Month} was closed already", code, printed);
                else
                    log.LogInformation("Closed the publicity window of {Village} {Month}: {Effective} entries effective, {Held} held by open objections",
                        code, printed, closing.MadeEffective, closing.HeldByObjections);
            }
            catch (DomainException ex)
            {
                log.LogError("Could not close the notice of {Village} {Month}: {Code}", code, printed, ex.Code);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A dropped connection or the like must not stop the other villages or the host; the next run tries again.
                log.LogError(ex, "Closing the notice of {Village} {Month} failed", code, printed);
            }
        }
    }

    private static string Truncate(string holder) => holder.Length <= 120 ? holder : holder[^120..];
}
