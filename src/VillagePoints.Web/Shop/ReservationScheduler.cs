using VillagePoints.Core;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Shop;

/// <summary>
/// Expires reservations not picked up by their deadline and puts their held stock back on the shelf, checking every
/// <c>Shop:ReservationExpiryCheckEvery</c> (five minutes by default; zero or less turns it off), on one instance at a time
/// (<see cref="LeasedJob"/>); each expiry is a conditional write, so a reservation expires, and its hold is released, once
/// even if two instances ever ran together.
/// </summary>
public sealed class ReservationScheduler(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<ReservationScheduler> log) : LeasedJob(scopes, configuration, time, log)
{
    public const string Lease = "shop.reservations.expire";
    public const string Every = "Shop:ReservationExpiryCheckEvery";

    public override string LeaseName => Lease;

    public override string EveryKey => Every;

    protected override TimeSpan DefaultEvery => TimeSpan.FromMinutes(5);

    /// <summary>Expires what is due, each reservation on its own.</summary>
    protected override async Task WorkAsync(CancellationToken ct)
    {
        IReadOnlyList<(Guid VillageId, long Number)> due;
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            due = await scope.ServiceProvider.GetRequiredService<ReservationDesk>().DueAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.LogError(ex, "Could not look for reservations past their pickup deadline");
            return;
        }

        foreach (var (villageId, number) in due)
        {
            try
            {
                // Each in its own scope: one failure leaves the next one's context clean.
                await using var scope = Scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<ReservationDesk>().ExpireAsync(villageId, number, ct))
                {
                    Log.LogInformation("Reservation {Number} of village {Village} expired; its held stock is back on the shelf", number, villageId);
                }
            }
            catch (DomainException ex)
            {
                Log.LogError("Could not expire reservation {Number} of village {Village}: {Code}", number, villageId, ex.Code);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A dropped connection or the like must not stop the others or the host; the next run tries again.
                Log.LogError(ex, "Expiring reservation {Number} of village {Village} failed", number, villageId);
            }
        }
    }
}
