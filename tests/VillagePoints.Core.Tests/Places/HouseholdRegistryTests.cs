using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Places;

public sealed class HouseholdRegistryTests
{
    private static HouseholdRegistry Registry(VillagePointsDb db) => new(db, Posting(db), TimeProvider.System);

    private static RegisterHousehold NewHousehold(ArrangedVillage v, string head = "陈大文") =>
        new(v.VillageId, 1, head, "水心村一巷 3 号", null, [new NewMember("陈小文", "子女", 2012)], null);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RegisterAsync_InAVillageWithZeroBasePoints_OpensTheArchiveWithoutAGrant(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 0);
        await ChangeVillageAsync(database, v, village => village.Settings.BasePoints = 0);
        await using var db = database.NewContext();

        var household = await Registry(db).RegisterAsync(NewHousehold(v), null);

        Assert.Equal(1, household.Number);
        await using var check = database.NewContext();
        Assert.Equal(2, await check.People.CountAsync(p => p.VillageId == v.VillageId && p.HouseholdId == household.Id));
        Assert.False(await check.LedgerEntries.AnyAsync(e => e.VillageId == v.VillageId));
        var report = await new LedgerVerifier(check).VerifyAsync(v.VillageCode);
        Assert.True(report.Sound, report.FirstProblem?.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RegisterAsync_FiveDoubleTapsWithOneKeyAtOnce_OpenOneArchive(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 0);

        var households = await RunTogetherAsync(5, async _ =>
        {
            await using var db = database.NewContext();
            return await Registry(db).RegisterAsync(NewHousehold(v), "reg-tap");
        });

        Assert.Single(households.Select(h => h.Id).Distinct());
        await using var check = database.NewContext();
        Assert.Equal(1, await check.Households.CountAsync(h => h.VillageId == v.VillageId));
        Assert.Equal(100, await check.HouseholdBalances.Where(b => b.VillageId == v.VillageId).Select(b => b.Total).SingleAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RegisterAsync_FiveDifferentHouseholdsAtOnce_GetFiveNumbers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 0);

        var households = await RunTogetherAsync(5, async i =>
        {
            await using var db = database.NewContext();
            return await Registry(db).RegisterAsync(NewHousehold(v, $"户主{i}"), null);
        });

        Assert.Equal([1, 2, 3, 4, 5], households.Select(h => h.Number).Order());
        await using var check = database.NewContext();
        Assert.True((await new LedgerVerifier(check).VerifyAsync(v.VillageCode)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AKeyUsedToRegister_SentWithALedgerPost_IsAConflict(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 0);
        await using var db = database.NewContext();
        var household = await Registry(db).RegisterAsync(NewHousehold(v), "shared-key");
        var arranged = v with { HouseholdIds = [household.Id] };

        // One store: a key means one request per village, whichever use case it was sent to.
        var ex = await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostAsync(Award(arranged, 1, 10, key: "shared-key")));

        Assert.Equal("idempotency.conflict", ex.Code);
        await using var check = database.NewContext();
        Assert.Equal(1, await check.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RegisterAsync_AKeyThatIsNotPrintableAscii_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 0);
        await using var db = database.NewContext();

        var ex = await Assert.ThrowsAsync<DomainException>(() => Registry(db).RegisterAsync(NewHousehold(v), "登记 1"));

        Assert.Equal("idempotency.key-invalid", ex.Code);
        Assert.False(await db.Households.AnyAsync(h => h.VillageId == v.VillageId));
    }
}
