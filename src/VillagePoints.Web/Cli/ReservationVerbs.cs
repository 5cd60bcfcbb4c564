using System.CommandLine;
using System.Globalization;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Shop;

namespace VillagePoints.Web.Cli;

/// <summary>
/// <c>shop expire-reservations</c>: what the scheduled job does, for an operator or a cron line where the job is turned
/// off. Expires every open reservation past its pickup deadline and puts its held stock back; safe beside the job.
/// Exit code 0.
/// </summary>
public static class ReservationVerbs
{
    public static Command ExpireReservations(Func<Func<VillagePointsDb, TimeProvider, Task<int>>, Task<int>> withDb, TextWriter stdout)
    {
        var expire = new Command("expire-reservations", "Expire reservations not picked up by their deadline and put their held stock back on the shelf.");
        expire.SetAction((_, ct) => withDb(async (db, time) =>
        {
            var expired = await new ReservationDesk(db, new LedgerPosting(db, time), time).ExpireDueAsync(ct);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Expired {expired} reservation(s) past their pickup deadline."));
            return 0;
        }));
        return expire;
    }
}
