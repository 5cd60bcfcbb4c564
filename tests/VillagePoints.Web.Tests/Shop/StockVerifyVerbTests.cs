using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Cli;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>The verify verb recomputes the shop's stock from each item's movement chain, as it does balances from entries.</summary>
public sealed class StockVerifyVerbTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_counts_the_shops_movements_when_they_are_sound_and_names_a_movement_changed_with_raw_sql(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        await using (var db = database.NewContext())
        {
            var clerk = new UserAccount { Id = Ids.New(), Phone = "17400000001", DisplayName = "店员", PasswordHash = "-", CreatedAt = DateTimeOffset.UtcNow };
            db.UserAccounts.Add(clerk);
            await db.SaveChangesAsync();
            await ShopBuilder.AddItemAsync(db, v.VillageId, clerk.Id, "rice", 50, 10);
            await new StockDesk(db, TimeProvider.System).RecordAsync(
                new RecordStock(v.VillageId, "rice", StockMovementKind.Donation, 6, clerk.Id, Counterparty: "爱心企业"));
        }
        var sound = await RunAsync(database, "verify", "--village", v.VillageCode);
        await using (var db = database.NewContext())
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""UPDATE "StockMovements" SET "Counterparty" = {"别人"} WHERE "Sequence" = 2 AND "ItemId" IN (SELECT "Id" FROM "ShopItems" WHERE "Code" = {"rice"})""");

        var tampered = await RunAsync(database, "verify");

        Assert.True(sound.Exit == 0, $"exit {sound.Exit}: {sound.Error}");
        Assert.Contains("1 shop items, 2 stock movements", sound.Output, StringComparison.Ordinal);
        Assert.Equal(2, tampered.Exit);
        Assert.Contains($"village {v.VillageCode}: shop item rice, stock movement 2: its content does not match its hash", tampered.Error, StringComparison.Ordinal);
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
