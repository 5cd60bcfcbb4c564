using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.TestSupport;

namespace VillagePoints.Browser.Tests.Infrastructure;

/// <summary>What the seeded database says, so the tests check pages against the data rather than against guesses.</summary>
public static class DemoFacts
{
    public static async Task<Village> ShuixinAsync(this TestDatabase database)
    {
        await using var db = database.NewContext();
        return await db.Villages.AsNoTracking().SingleAsync(v => v.Code == DemoVillage.VillageCode);
    }

    public static async Task<Household> ShuixinHouseholdAsync(this TestDatabase database, int number)
    {
        await using var db = database.NewContext();
        return await db.Households.AsNoTracking().Include(h => h.Members)
            .SingleAsync(h => h.Number == number && db.Villages.Any(v => v.Id == h.VillageId && v.Code == DemoVillage.VillageCode));
    }

    /// <summary>The household a villager's login belongs to.</summary>
    public static async Task<Household> HouseholdOfAsync(this TestDatabase database, DemoAccount account)
    {
        await using var db = database.NewContext();
        var householdId = await db.RoleAssignments.AsNoTracking()
            .Where(r => r.HouseholdId != null && db.UserAccounts.Any(u => u.Id == r.UserId && u.Phone == account.Phone))
            .Select(r => r.HouseholdId!.Value).SingleAsync();
        return await db.Households.AsNoTracking().SingleAsync(h => h.Id == householdId);
    }

    public static async Task<long> BalanceAsync(this TestDatabase database, Household household)
    {
        await using var db = database.NewContext();
        return await db.HouseholdBalances.AsNoTracking()
            .Where(b => b.VillageId == household.VillageId && b.HouseholdId == household.Id).Select(b => b.Total).SingleAsync();
    }

    /// <summary>The newest entries first, as a history page shows them.</summary>
    public static async Task<List<LedgerEntry>> RecentEntriesAsync(this TestDatabase database, Household household, int count)
    {
        await using var db = database.NewContext();
        return await db.LedgerEntries.AsNoTracking()
            .Where(e => e.VillageId == household.VillageId && e.HouseholdId == household.Id)
            .OrderByDescending(e => e.Number).Take(count).ToListAsync();
    }
}
