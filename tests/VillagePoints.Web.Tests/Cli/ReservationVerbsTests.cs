using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Cli;
using VillagePoints.Web.Tests.Infrastructure;
using VillagePoints.Web.Tests.Shop;

namespace VillagePoints.Web.Tests.Cli;

/// <summary>shop expire-reservations: what the scheduled job does, by hand; a second run finds nothing to do.</summary>
public sealed class ReservationVerbsTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ExpireReservations_ExpiresWhatIsPastDue_Once_AndPutsTheStockBack(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ReservationTestKit.ArrangeAsync(app);
        var villager = await app.CreateUserAsync("村民", TestApp.In(v, Role.Villager, householdNumber: 1));
        await using (var db = app.NewContext())
        {
            var desk = new ReservationDesk(db, new Core.Ledger.LedgerPosting(db, TimeProvider.System), TimeProvider.System);
            await desk.ReserveAsync(new ReserveForPickup(v.VillageId, villager.Id, null, [new ReservationLineRequest("rice", 2)]));
            await desk.ReserveAsync(new ReserveForPickup(v.VillageId, villager.Id, null, [new ReservationLineRequest("rice", 1)]));
            var first = await db.Reservations.SingleAsync(r => r.VillageId == v.VillageId && r.Number == 1);
            first.ExpiresAt = BusinessCalendar.Truncate(DateTimeOffset.UtcNow.AddMinutes(-5));
            await db.SaveChangesAsync();
        }

        var run = await RunAsync(app.Database, "shop", "expire-reservations");
        var again = await RunAsync(app.Database, "shop", "expire-reservations");

        Assert.Equal((0, $"Expired 1 reservation(s) past their pickup deadline.{Environment.NewLine}"), (run.Exit, run.Output));
        Assert.Equal((0, $"Expired 0 reservation(s) past their pickup deadline.{Environment.NewLine}"), (again.Exit, again.Output));
        Assert.Equal(ReservationState.Expired, (await ReservationTestKit.ReservationAsync(app, v, 1)).State);
        Assert.Equal(ReservationState.Reserved, (await ReservationTestKit.ReservationAsync(app, v, 2)).State);
        Assert.Equal(1, (await ReservationTestKit.ItemAsync(app, v, "rice")).Reserved);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(TestDatabase database, params string[] args)
    {
        var key = database.Provider == DatabaseProvider.Postgres ? "ConnectionStrings:Postgres" : "ConnectionStrings:Sqlite";
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliVerbs.RunAsync(args, new Dictionary<string, string?> { [key] = database.ConnectionString }, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
