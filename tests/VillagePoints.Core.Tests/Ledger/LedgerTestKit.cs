using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>Commands and read-backs shared by the ledger tests. Households are addressed by number (1-based).</summary>
internal static class LedgerTestKit
{
    public static LedgerPosting Posting(VillagePointsDb db) => new(db, TimeProvider.System);

    public static LedgerPosting Posting(VillagePointsDb db, TimeProvider time) => new(db, time);

    /// <summary>A shop redemption; redemptions take effect at once.</summary>
    public static PostEntry Redemption(ArrangedVillage v, int household, int points, string? key = null) =>
        new(v.VillageId, v.HouseholdIds[household - 1], -Math.Abs(points), EntryKind.Redemption, "兑换洗衣粉", SourceKinds.Checkout,
            State: EntryState.Effective, IdempotencyKey: key);

    public static ReverseEntry Reverse(ArrangedVillage v, long number, string? key = null, string reason = "异议成立") =>
        new(v.VillageId, number, reason, null, key);

    /// <summary>Changes the arranged village (its settings, its start) as its committee would.</summary>
    public static async Task ChangeVillageAsync(TestDatabase database, ArrangedVillage v, Action<Village> change)
    {
        await using var db = database.NewContext();
        var village = await db.Villages.SingleAsync(x => x.Id == v.VillageId);
        change(village);
        await db.SaveChangesAsync();
    }

    /// <summary>Starts all calls on the thread pool and releases them at once, so they really overlap.</summary>
    public static async Task<T[]> RunTogetherAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    /// <summary>Runs a call and names its outcome: "ok", or the domain problem's code.</summary>
    public static async Task<string> OutcomeAsync(Func<Task> call)
    {
        try
        {
            await call();
            return "ok";
        }
        catch (DomainException ex)
        {
            return ex.Code;
        }
    }

    public static PostEntry Award(ArrangedVillage v, int household, int amount, string? key = null,
        EntryState state = EntryState.Publicised, string reason = "打扫村道") =>
        new(v.VillageId, v.HouseholdIds[household - 1], amount, EntryKind.Award, reason, SourceKinds.Committee,
            State: state, IdempotencyKey: key);

    public static PostEntry Deduction(ArrangedVillage v, int household, int amount, string? key = null,
        EntryState state = EntryState.Publicised) =>
        new(v.VillageId, v.HouseholdIds[household - 1], -Math.Abs(amount), EntryKind.Deduction, "乱堆杂物", SourceKinds.Patrol,
            State: state, IdempotencyKey: key);

    public static PostEntry Adjustment(ArrangedVillage v, int household, int amount, string? key = null) =>
        new(v.VillageId, v.HouseholdIds[household - 1], amount, EntryKind.Adjustment, "更正录入错误", SourceKinds.Committee,
            IdempotencyKey: key);

    public static async Task<HouseholdBalance?> BalanceAsync(TestDatabase database, ArrangedVillage v, int household)
    {
        await using var db = database.NewContext();
        var id = v.HouseholdIds[household - 1];
        return await db.HouseholdBalances.AsNoTracking().SingleOrDefaultAsync(b => b.VillageId == v.VillageId && b.HouseholdId == id);
    }

    public static async Task<List<LedgerEntry>> EntriesAsync(TestDatabase database, ArrangedVillage v)
    {
        await using var db = database.NewContext();
        return await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == v.VillageId).OrderBy(e => e.Number).ToListAsync();
    }

    public static async Task<VerifyReport> VerifyAsync(TestDatabase database, ArrangedVillage v)
    {
        await using var db = database.NewContext();
        return await new LedgerVerifier(db).VerifyAsync(v.VillageCode);
    }

    /// <summary>Runs a tampering statement behind the application's back, as someone with database access could.</summary>
    public static async Task TamperAsync(TestDatabase database, FormattableString sql)
    {
        await using var db = database.NewContext();
        var rows = await db.Database.ExecuteSqlAsync(sql);
        Assert.Equal(1, rows);
    }
}
