using System.Globalization;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Shop;

/// <summary>A village with a shop clerk, for the shop's core tests.</summary>
internal static class ShopTestKit
{
    public static async Task<(ArrangedVillage Village, Guid Clerk)> ArrangeAsync(TestDatabase database)
    {
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        await using var db = database.NewContext();
        var clerk = new UserAccount
        {
            Id = Ids.New(),
            Phone = "175" + Random.Shared.Next(0, 99_999_999).ToString("D8", CultureInfo.InvariantCulture),
            DisplayName = "店员小李",
            PasswordHash = "-",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        clerk.Roles.Add(new RoleAssignment { Id = Ids.New(), UserId = clerk.Id, Role = Role.ShopClerk, VillageId = v.VillageId });
        db.UserAccounts.Add(clerk);
        await db.SaveChangesAsync();
        return (v, clerk.Id);
    }

    public static ItemTerms Rice(int price = 50, bool active = true) =>
        new(ItemCategory.Staples, "东北大米 5kg", "Rice 5 kg", "袋", price, LimitPerHousehold: 2, Active: active, LowStockThreshold: 3);

    public static async Task<ShopItem> ItemAsync(TestDatabase database, Guid villageId, Guid clerk, string code, int stock)
    {
        await using var db = database.NewContext();
        return await ShopBuilder.AddItemAsync(db, villageId, clerk, code, 50, stock);
    }
}
