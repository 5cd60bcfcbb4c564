using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Shop;

public sealed class StockDeskTests
{
    private static DateOnly Today => BusinessCalendar.Today(TimeProvider.System);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_purchase_receipt_raises_the_stock_and_keeps_its_cost_and_supplier_in_the_items_chain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        var rice = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "rice", 4);
        await using var db = database.NewContext();

        var receipt = await new StockDesk(db, TimeProvider.System).RecordAsync(new RecordStock(v.VillageId, "rice", StockMovementKind.Purchase, 20,
            clerk, CostFen: 90_000, Counterparty: "镇粮油店", OccurredOn: Today.AddDays(-1)));

        Assert.Equal(("rice", 2L, StockMovementKind.Purchase, 20, 24, 90_000L, "镇粮油店", "店员小李"),
            (receipt.ItemCode, receipt.Sequence, receipt.Kind, receipt.Quantity, receipt.StockAfter, receipt.CostFen, receipt.Counterparty, receipt.RecordedBy));
        var item = await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == v.VillageId && i.Id == rice.Id);
        var movement = await db.StockMovements.AsNoTracking().SingleAsync(m => m.VillageId == v.VillageId && m.ItemId == rice.Id && m.Sequence == 2);
        Assert.Equal((24, 2L, movement.Hash), (item.Stock, item.MovementCount, item.LastMovementHash));
        Assert.Equal(rice.LastMovementHash, movement.PreviousHash);
        Assert.Equal(Today.AddDays(-1), movement.OccurredOn);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_donation_and_a_loss_move_the_stock_and_a_retried_receipt_is_written_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        var oil = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "oil", 3);
        await using var db = database.NewContext();
        var desk = new StockDesk(db, TimeProvider.System);
        var donation = new RecordStock(v.VillageId, "oil", StockMovementKind.Donation, 10, clerk, CostFen: 50_000, Counterparty: "爱心企业 王氏农资", IdempotencyKey: "don-1");

        var first = await desk.RecordAsync(donation);
        var retry = await desk.RecordAsync(donation);
        var loss = await desk.RecordAsync(new RecordStock(v.VillageId, "oil", StockMovementKind.Loss, 2, clerk, CostFen: 999, Counterparty: "x", Reason: "瓶子摔破"));

        Assert.Equal(first, retry);
        Assert.Equal((-2, 11, "瓶子摔破", (string?)null, (long?)null), (loss.Quantity, loss.StockAfter, loss.Reason, loss.Counterparty, loss.CostFen));
        Assert.Equal(3, await db.StockMovements.CountAsync(m => m.VillageId == v.VillageId && m.ItemId == oil.Id));
        Assert.Equal(11, await db.ShopItems.Where(i => i.VillageId == v.VillageId && i.Id == oil.Id).Select(i => i.Stock).SingleAsync());
    }

    public static TheoryData<DatabaseProvider, string, string> RefusedMovements()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(provider, "quantity 0", "stock.quantity-invalid");
            data.Add(provider, "quantity -3", "stock.quantity-invalid");
            data.Add(provider, "quantity 10^9", "stock.quantity-invalid");
            data.Add(provider, "unknown item", "item.not-found");
            data.Add(provider, "checkout", "stock.kind-not-allowed");
            data.Add(provider, "return", "stock.kind-not-allowed");
            data.Add(provider, "stocktake", "stock.kind-not-allowed");
            data.Add(provider, "purchase without supplier", "stock.supplier-required");
            data.Add(provider, "purchase without cost", "stock.cost-invalid");
            data.Add(provider, "donation without donor", "stock.donor-required");
            data.Add(provider, "negative value", "stock.cost-invalid");
            data.Add(provider, "loss without reason", "stock.reason-required");
            data.Add(provider, "loss beyond stock", "stock.insufficient");
            data.Add(provider, "tomorrow", "stock.date-invalid");
            data.Add(provider, "supplier with control character", "text.forbidden-characters");
        }
        return data;
    }

    [Theory, MemberData(nameof(RefusedMovements))]
    public async Task A_movement_the_desk_cannot_take_is_refused_with_its_code_and_writes_nothing(DatabaseProvider provider, string what, string code)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        var rice = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "rice", 5);
        var purchase = new RecordStock(v.VillageId, "rice", StockMovementKind.Purchase, 1, clerk, CostFen: 100, Counterparty: "粮油店");
        var command = what switch
        {
            "quantity 0" => purchase with { Quantity = 0 },
            "quantity -3" => purchase with { Quantity = -3 },
            "quantity 10^9" => purchase with { Quantity = 1_000_000_000 },
            "unknown item" => purchase with { ItemCode = "no-such-item" },
            "checkout" => purchase with { Kind = StockMovementKind.Checkout },
            "return" => purchase with { Kind = StockMovementKind.Return },
            "stocktake" => purchase with { Kind = StockMovementKind.Stocktake },
            "purchase without supplier" => purchase with { Counterparty = " " },
            "purchase without cost" => purchase with { CostFen = null },
            "donation without donor" => purchase with { Kind = StockMovementKind.Donation, Counterparty = null },
            "negative value" => purchase with { Kind = StockMovementKind.Donation, CostFen = -1 },
            "loss without reason" => purchase with { Kind = StockMovementKind.Loss },
            "loss beyond stock" => purchase with { Kind = StockMovementKind.Loss, Quantity = 6, Reason = "发霉" },
            "tomorrow" => purchase with { OccurredOn = Today.AddDays(1) },
            "supplier with control character" => purchase with { Counterparty = "粮油\u0000店" },
            _ => throw new ArgumentOutOfRangeException(nameof(what), what, null),
        };
        await using var db = database.NewContext();

        var refused = await Assert.ThrowsAsync<DomainException>(() => new StockDesk(db, TimeProvider.System).RecordAsync(command));

        Assert.Equal(code, refused.Code);
        var item = await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == v.VillageId && i.Id == rice.Id);
        Assert.Equal((5, 1L), (item.Stock, item.MovementCount));
        Assert.Equal(1, await db.StockMovements.CountAsync(m => m.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_inactive_item_still_takes_stock(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        await using var db = database.NewContext();
        await new ShopCatalogue(db, TimeProvider.System).CreateAsync(new CreateItem(v.VillageId, "new-tea", ShopTestKit.Rice(active: false), clerk));

        var receipt = await new StockDesk(db, TimeProvider.System).RecordAsync(
            new RecordStock(v.VillageId, "new-tea", StockMovementKind.Purchase, 12, clerk, CostFen: 0, Counterparty: "本村茶园"));

        Assert.Equal((1L, 12), (receipt.Sequence, receipt.StockAfter));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_stocktake_writes_one_signed_movement_per_difference_and_nothing_for_a_matching_count(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        var rice = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "rice", 10);
        var oil = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "oil", 4);
        var soap = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "soap", 6);
        await using var db = database.NewContext();
        var desk = new StockDesk(db, TimeProvider.System);
        var take = new TakeStock(v.VillageId, [new StockCount("rice", 8, 10), new StockCount("oil", 4, 4), new StockCount("soap", 9)],
            "月末盘点", clerk, IdempotencyKey: "take-1");

        var result = await desk.TakeAsync(take);
        var retry = await desk.TakeAsync(take);

        Assert.Equal(2, result.Adjusted);
        Assert.Equal([("rice", 10, 8, -2, (long?)2), ("oil", 4, 4, 0, null), ("soap", 6, 9, 3, 2)],
            result.Lines.Select(l => (l.ItemCode, l.Expected, l.Counted, l.Difference, l.Sequence)).ToList());
        Assert.Equal(result.Lines, retry.Lines);
        var adjustments = await db.StockMovements.AsNoTracking().Where(m => m.VillageId == v.VillageId && m.Kind == StockMovementKind.Stocktake)
            .OrderBy(m => m.Quantity).Select(m => new { m.ItemId, m.Quantity, m.StockAfter, m.Reason }).ToListAsync();
        Assert.Equal([(rice.Id, -2, 8, "月末盘点"), (soap.Id, 3, 9, "月末盘点")],
            adjustments.Select(a => (a.ItemId, a.Quantity, a.StockAfter, a.Reason!)).ToList());
        Assert.Equal(4, await db.ShopItems.Where(i => i.VillageId == v.VillageId && i.Id == oil.Id).Select(i => i.Stock).SingleAsync());
    }

    public static TheoryData<DatabaseProvider, string, string> RefusedStocktakes()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(provider, "unknown item", "item.not-found");
            data.Add(provider, "level changed", "stocktake.level-changed");
            data.Add(provider, "below reserved", "stocktake.below-reserved");
            data.Add(provider, "negative count", "stocktake.count-invalid");
            data.Add(provider, "counted twice", "stocktake.item-repeated");
            data.Add(provider, "no reason", "stocktake.reason-required");
        }
        return data;
    }

    [Theory, MemberData(nameof(RefusedStocktakes))]
    public async Task A_stocktake_with_one_bad_count_writes_nothing_at_all(DatabaseProvider provider, string what, string code)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        var rice = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "rice", 10);
        var oil = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "oil", 4);
        await using var db = database.NewContext();
        await db.ShopItems.Where(i => i.VillageId == v.VillageId && i.Id == oil.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.Reserved, 3));
        StockCount[] counts = what switch
        {
            "unknown item" => [new("rice", 7), new("ghost", 1)],
            "level changed" => [new("rice", 7), new("oil", 4, Expected: 5)],
            "below reserved" => [new("rice", 7), new("oil", 2)],
            "negative count" => [new("rice", 7), new("oil", -1)],
            "counted twice" => [new("rice", 7), new("rice", 8)],
            _ => [new("rice", 7)],
        };

        // A refusal over one item's count names that item, so the stocktake screen can show it beside the count.
        var refused = await Assert.ThrowsAnyAsync<DomainException>(() => new StockDesk(db, TimeProvider.System)
            .TakeAsync(new TakeStock(v.VillageId, counts, what == "no reason" ? " " : "盘点", clerk)));

        Assert.Equal(code, refused.Code);
        Assert.Equal(what switch { "unknown item" => "ghost", "no reason" => null, "counted twice" => "rice", _ => "oil" },
            (refused as StockCountException)?.ItemCode);
        Assert.Equal(2, await db.StockMovements.CountAsync(m => m.VillageId == v.VillageId));
        Assert.Equal(10, await db.ShopItems.Where(i => i.VillageId == v.VillageId && i.Id == rice.Id).Select(i => i.Stock).SingleAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Receipts_of_one_item_arriving_at_once_are_all_counted_in_one_unbroken_chain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        var rice = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "rice", 1);
        const int writers = 8;

        await Task.WhenAll(Enumerable.Range(1, writers).Select(async n =>
        {
            await using var db = database.NewContext();
            await new StockDesk(db, TimeProvider.System).RecordAsync(
                new RecordStock(v.VillageId, "rice", StockMovementKind.Purchase, n, clerk, CostFen: 100 * n, Counterparty: "粮油店"));
        }));

        await using var check = database.NewContext();
        var item = await check.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == v.VillageId && i.Id == rice.Id);
        Assert.Equal((1 + writers * (writers + 1) / 2, writers + 1L), (item.Stock, item.MovementCount));
        var report = await new StockVerifier(check).VerifyAsync(v.VillageCode);
        Assert.True(report.Sound, string.Join("\n", report.Problems.Select(p => p.Describe())));
    }
}
