using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Shop;

namespace VillagePoints.Benchmarks;

/// <summary>
/// Checkouts per second at the points supermarket: a two-item checkout for a random household of the demo village, one
/// after another and from 8 clients at once, each through the checkout desk.
/// </summary>
internal static class CheckoutBench
{
    public const string Sequential = "checkouts per second, sequential";
    public const string Parallel = "checkouts per second, 8 parallel clients";

    private const int SequentialCount = 500;
    private const int Clients = 8;
    private const int PerClient = 100;

    public static async Task<Dictionary<string, double>> RunAsync(Func<VillagePointsDb> newDb, Guid villageId, List<Guid> households)
    {
        var time = TimeProvider.System;
        Guid clerk;
        (string Code, int Price)[] items;
        Dictionary<Guid, int> numbers;
        await using (var db = newDb())
        {
            var phone = DemoVillage.Accounts.First(a => a.Role == Role.ShopClerk).Phone;
            clerk = await db.UserAccounts.Where(u => u.Phone == phone).Select(u => u.Id).SingleAsync();
            // Two cheap everyday items, restocked far beyond what the runs take, so that no checkout is refused for stock.
            var picked = await db.ShopItems.Where(i => i.VillageId == villageId && (i.Code == "noodles-1kg" || i.Code == "laundry-soap"))
                .ToListAsync();
            if (picked.Count != 2)
                throw new InvalidOperationException("The demo village's shop is missing its noodles or its laundry soap.");
            foreach (var item in picked)
                StockKeeping.Append(db, item, new StockChange(StockMovementKind.Purchase, 100_000, clerk, BusinessCalendar.Today(time),
                    CostFen: 100_000L * 500, Counterparty: "压力测试供货商"), time.GetUtcNow());
            await db.SaveChangesAsync();
            items = picked.Select(i => (i.Code, i.PricePoints)).ToArray();
            numbers = await db.Households.Where(h => h.VillageId == villageId).ToDictionaryAsync(h => h.Id, h => h.Number);
            // Enough effective points for every household that no checkout is refused for its balance either.
            await new LedgerPosting(db, time).PostBatchAsync(villageId, households.Select(h =>
                new PostEntry(villageId, h, 5_000, EntryKind.Award, "压力测试预置积分", SourceKinds.Committee, State: EntryState.Effective)).ToList());
        }

        var random = new Random(13);
        var lines = new[] { (items[0].Code, 1), (items[1].Code, 2) };
        await using (var db = newDb())
            await CheckoutAsync(db, villageId, numbers[households[0]], clerk, lines, time); // warm-up: compiles the queries

        var sequential = Stopwatch.StartNew();
        for (var i = 0; i < SequentialCount; i++)
        {
            await using var db = newDb();
            await CheckoutAsync(db, villageId, numbers[households[random.Next(households.Count)]], clerk, lines, time);
        }
        var perSecond = SequentialCount / sequential.Elapsed.TotalSeconds;

        var parallel = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            var mine = new Random(100 + c);
            for (var i = 0; i < PerClient; i++)
            {
                await using var db = newDb();
                await CheckoutAsync(db, villageId, numbers[households[mine.Next(households.Count)]], clerk, lines, time);
            }
        })));
        var parallelPerSecond = Clients * PerClient / parallel.Elapsed.TotalSeconds;

        await using (var db = newDb())
        {
            var stock = await db.ShopItems.Where(i => i.VillageId == villageId && (i.Code == items[0].Code || i.Code == items[1].Code))
                .Select(i => new { i.Id, i.Stock, i.MovementCount }).ToListAsync();
            Spectre.Console.AnsiConsole.MarkupLineInterpolated(
                $"checkouts: {1 + SequentialCount + Clients * PerClient} written; stock of the two items now {string.Join(", ", stock.Select(s => s.Stock))}");
        }
        return new Dictionary<string, double> { [Sequential] = perSecond, [Parallel] = parallelPerSecond };
    }

    /// <summary>One two-item checkout through the checkout desk, as the counter's API makes it.</summary>
    private static async Task CheckoutAsync(VillagePointsDb db, Guid villageId, int householdNo, Guid clerk, (string ItemCode, int Quantity)[] lines,
        TimeProvider time) =>
        await new CheckoutDesk(db, new LedgerPosting(db, time), time).CheckoutAsync(new CheckoutCommand(villageId, householdNo,
            [.. lines.Select(l => new CartLine(l.ItemCode, l.Quantity))], clerk));
}
