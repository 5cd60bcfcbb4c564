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
/// after another and from 8 clients at once. Each checkout goes through <see cref="CheckoutAsync"/>.
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
        (Guid Id, int Price)[] items;
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
            items = picked.Select(i => (i.Id, i.PricePoints)).ToArray();
            // Enough effective points for every household that no checkout is refused for its balance either.
            await new LedgerPosting(db, time).PostBatchAsync(villageId, households.Select(h =>
                new PostEntry(villageId, h, 5_000, EntryKind.Award, "压力测试预置积分", SourceKinds.Committee, State: EntryState.Effective)).ToList());
        }

        var random = new Random(13);
        var lines = new[] { (items[0].Id, 1), (items[1].Id, 2) };
        await using (var db = newDb())
            await CheckoutAsync(db, villageId, households[0], clerk, lines, time); // warm-up: compiles the queries

        var sequential = Stopwatch.StartNew();
        for (var i = 0; i < SequentialCount; i++)
        {
            await using var db = newDb();
            await CheckoutAsync(db, villageId, households[random.Next(households.Count)], clerk, lines, time);
        }
        var perSecond = SequentialCount / sequential.Elapsed.TotalSeconds;

        var parallel = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            var mine = new Random(100 + c);
            for (var i = 0; i < PerClient; i++)
            {
                await using var db = newDb();
                await CheckoutAsync(db, villageId, households[mine.Next(households.Count)], clerk, lines, time);
            }
        })));
        var parallelPerSecond = Clients * PerClient / parallel.Elapsed.TotalSeconds;

        await using (var db = newDb())
        {
            var stock = await db.ShopItems.Where(i => i.VillageId == villageId && (i.Id == items[0].Id || i.Id == items[1].Id))
                .Select(i => new { i.Id, i.Stock, i.MovementCount }).ToListAsync();
            Spectre.Console.AnsiConsole.MarkupLineInterpolated(
                $"checkouts: {1 + SequentialCount + Clients * PerClient} written; stock of the two items now {string.Join(", ", stock.Select(s => s.Stock))}");
        }
        return new Dictionary<string, double> { [Sequential] = perSecond, [Parallel] = parallelPerSecond };
    }

    /// <summary>
    /// STAND-IN for <c>CheckoutDesk.CheckoutAsync</c>, which is written alongside: the same writes in one transaction (the
    /// Redemption entries through <see cref="LedgerPosting.AppendAsync"/> under the village's chain-head lock, the stock
    /// through <see cref="StockKeeping.Append"/>, the receipt numbered after the last), retried through <see cref="WriteRetry"/>.
    /// Replace its call sites with the desk once it is merged.
    /// </summary>
    private static async Task CheckoutAsync(VillagePointsDb db, Guid villageId, Guid householdId, Guid clerk, (Guid ItemId, int Quantity)[] lines,
        TimeProvider time)
    {
        await WriteRetry.RunAsync(db, async ct =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var posting = new LedgerPosting(db, time);
            await posting.LockAsync(villageId, ct);
            var ids = lines.Select(l => l.ItemId).ToList();
            var items = await db.ShopItems.Where(i => i.VillageId == villageId && ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
            var number = (await db.Checkouts.Where(c => c.VillageId == villageId).MaxAsync(c => (long?)c.Number, ct) ?? 0) + 1;
            var source = string.Create(CultureInfo.InvariantCulture, $"checkout:{number}");
            var entries = await posting.AppendAsync(villageId, lines.Select(l =>
            {
                var item = items[l.ItemId];
                return new PostEntry(villageId, householdId, -l.Quantity * item.PricePoints, EntryKind.Redemption,
                    $"积分超市兑换：{item.NameZh} ×{l.Quantity}", SourceKinds.Checkout, source, SubmittedBy: clerk, ApprovedBy: clerk,
                    State: EntryState.Effective);
            }).ToList(), ct);
            var now = time.GetUtcNow();
            var checkout = new Checkout
            {
                VillageId = villageId, Id = Ids.New(), Number = number, HouseholdId = householdId, State = CheckoutState.Completed,
                OccurredOn = BusinessCalendar.DateOf(now), RecordedAt = BusinessCalendar.Truncate(now), ClerkId = clerk,
            };
            for (var i = 0; i < lines.Length; i++)
            {
                var item = items[lines[i].ItemId];
                checkout.Lines.Add(new CheckoutLine
                {
                    VillageId = villageId, LineNo = i + 1, ItemId = item.Id, ItemCode = item.Code, ItemName = item.NameZh, Unit = item.Unit,
                    Quantity = lines[i].Quantity, UnitPoints = item.PricePoints, Points = -entries[i].Amount, EntryId = entries[i].Id,
                });
                StockKeeping.Append(db, item, new StockChange(StockMovementKind.Checkout, -lines[i].Quantity, clerk, checkout.OccurredOn,
                    CheckoutId: checkout.Id), now);
            }
            checkout.PointsSpent = checkout.Lines.Sum(l => l.Points);
            checkout.BalanceAfter = await db.HouseholdBalances.Where(b => b.VillageId == villageId && b.HouseholdId == householdId)
                .Select(b => b.Total).SingleAsync(ct) - checkout.PointsSpent;
            db.Checkouts.Add(checkout);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return checkout.Number;
        }, [ConstraintNames.CheckoutNumber, ConstraintNames.StockMovementSequence], CancellationToken.None);
    }
}
