using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Notices;

/// <summary>
/// Closes every published notice whose publicity window has passed, checking every <c>Notices:CloseCheckEvery</c>
/// (a minute by default; zero or less turns it off), on one instance at a time (<see cref="LeasedJob"/>); each close is a
/// conditional write, so a notice is closed once even if two instances ever tried together.
/// </summary>
public sealed class NoticeScheduler(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<NoticeScheduler> log) : LeasedJob(scopes, configuration, time, log)
{
    public const string Lease = "notices.close";
    public const string Every = "Notices:CloseCheckEvery";

    public override string LeaseName => Lease;

    public override string EveryKey => Every;

    protected override TimeSpan DefaultEvery => TimeSpan.FromMinutes(1);

    protected override async Task WorkAsync(CancellationToken ct)
    {
        IReadOnlyList<(Guid VillageId, int Month)> due;
        Dictionary<Guid, string> codes;
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            due = await scope.ServiceProvider.GetRequiredService<NoticeDesk>().DueAsync(ct);
            if (due.Count == 0)
                return;
            var ids = due.Select(d => d.VillageId).Distinct().ToList();
            codes = await scope.ServiceProvider.GetRequiredService<VillagePointsDb>().Villages.AsNoTracking().Where(v => ids.Contains(v.Id))
                .ToDictionaryAsync(v => v.Id, v => v.Code, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.LogError(ex, "Could not look for notices whose publicity window has passed");
            return;
        }

        foreach (var (villageId, month) in due)
        {
            var code = codes.GetValueOrDefault(villageId, villageId.ToString());
            var printed = NoticeMonth.Format(month);
            try
            {
                // Each notice in its own scope: one village's failure leaves the next one's context clean.
                await using var scope = Scopes.CreateAsyncScope();
                var closing = await scope.ServiceProvider.GetRequiredService<NoticeDesk>().CloseAsync(new CloseNotice(villageId, month, null), ct);
                if (closing is null)
                    Log.LogInformation("The notice of {Village} {Month} was closed already", code, printed);
                else
                    Log.LogInformation("Closed the publicity window of {Village} {Month}: {Effective} entries effective, {Held} held by open objections",
                        code, printed, closing.MadeEffective, closing.HeldByObjections);
            }
            catch (DomainException ex)
            {
                Log.LogError("Could not close the notice of {Village} {Month}: {Code}", code, printed, ex.Code);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A dropped connection or the like must not stop the other villages or the host; the next run tries again.
                Log.LogError(ex, "Closing the notice of {Village} {Month} failed", code, printed);
            }
        }
    }
}
