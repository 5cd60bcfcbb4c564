using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Shop;

public sealed class StockVerifierTests
{
    /// <summary>rice: purchase 10, loss 1, stocktake −2, purchase 5 (movements 1–4, stock 12); oil: purchase 3.</summary>
    private static async Task<(ArrangedVillage Village, Guid Clerk)> ArrangeShopAsync(TestDatabase database)
    {
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "rice", 10);
        await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "oil", 3);
        await using var db = database.NewContext();
        var desk = new StockDesk(db, TimeProvider.System);
        await desk.RecordAsync(new RecordStock(v.VillageId, "rice", StockMovementKind.Loss, 1, clerk, Reason: "受潮"));
        await desk.TakeAsync(new TakeStock(v.VillageId, [new StockCount("rice", 7)], "月末盘点", clerk));
        await desk.RecordAsync(new RecordStock(v.VillageId, "rice", StockMovementKind.Purchase, 5, clerk, CostFen: 20_000, Counterparty: "粮油店"));
        return (v, clerk);
    }

    private static async Task<StockReport> VerifyAsync(TestDatabase database, string villageCode)
    {
        await using var db = database.NewContext();
        return await new StockVerifier(db).VerifyAsync(villageCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_shop_kept_by_the_app_verifies_clean(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, _) = await ArrangeShopAsync(database);

        var report = await VerifyAsync(database, v.VillageCode);

        Assert.True(report.Sound, string.Join("\n", report.Problems.Select(p => p.Describe())));
        Assert.Equal((2, 5L), (report.Items, report.Movements));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_movement_row_changed_with_raw_sql_is_named_by_item_and_number(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, _) = await ArrangeShopAsync(database);
        await using (var db = database.NewContext())
        {
            // The loss of one bag turns into a bag received, behind the app's back: the quantity only, stock-after left as it was.
            var changed = await db.Database.ExecuteSqlInterpolatedAsync(
                $"""UPDATE "StockMovements" SET "Quantity" = 1 WHERE "Sequence" = 2 AND "ItemId" IN (SELECT "Id" FROM "ShopItems" WHERE "Code" = {"rice"})""");
            Assert.Equal(1, changed);
        }

        var report = await VerifyAsync(database, v.VillageCode);

        var first = Assert.Single(report.Problems, p => p.Sequence is not null);
        Assert.Equal((v.VillageCode, "rice", 2L), (first.VillageCode, first.ItemCode, first.Sequence));
        Assert.Contains("the movement was changed", first.What, StringComparison.Ordinal);
        Assert.Contains(report.Problems, p => p is { ItemCode: "rice", Sequence: null } && p.What.Contains("stock 12 stored, 14 from its movements", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Problems, p => p.ItemCode == "oil");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_removed_movement_or_a_stock_level_set_by_hand_is_named(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, _) = await ArrangeShopAsync(database);
        await using (var db = database.NewContext())
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""DELETE FROM "StockMovements" WHERE "Sequence" = 3 AND "ItemId" IN (SELECT "Id" FROM "ShopItems" WHERE "Code" = {"rice"})""");
            await db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE "ShopItems" SET "Stock" = 30 WHERE "Code" = {"oil"}""");
        }

        var report = await VerifyAsync(database, v.VillageCode);

        Assert.Contains(report.Problems, p => p is { ItemCode: "rice", Sequence: 4 } && p.What.Contains("3 was expected", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p is { ItemCode: "oil", Sequence: null } && p.What.Contains("stock 30 stored, 3 from its movements", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_last_movement_removed_leaves_the_items_head_pointing_past_its_chain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, _) = await ArrangeShopAsync(database);
        await using (var db = database.NewContext())
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""DELETE FROM "StockMovements" WHERE "Sequence" = 4 AND "ItemId" IN (SELECT "Id" FROM "ShopItems" WHERE "Code" = {"rice"})""");

        var report = await VerifyAsync(database, v.VillageCode);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("rice", (long?)null), (problem.ItemCode, problem.Sequence));
        Assert.Contains("movement count 4 stored, but its last movement is 3", problem.What, StringComparison.Ordinal);
    }
}
