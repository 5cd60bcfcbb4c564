using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Shop;

/// <summary>
/// Reservations for pickup hold stock and spend nothing. Each writer has its own DbContext, as separate requests or app
/// nodes would; only the database keeps them apart.
/// </summary>
public sealed class ReservationDeskTests
{
    private static ReservationDesk Desk(VillagePointsDb db, TimeProvider? time = null) =>
        new(db, new LedgerPosting(db, time ?? TimeProvider.System), time ?? TimeProvider.System);

    private static ReserveForPickup Reserve(ArrangedVillage v, Guid actor, string code, int quantity, string? key = null) =>
        new(v.VillageId, actor, null, [new ReservationLineRequest(code, quantity)], key);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reserve_HoldsTheStock_AndSpendsNoPoints(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 1, points: 100);
        await AddItemAsync(database, v, villagers[0], "rice-5kg", price: 30, stock: 5);

        Reservation reservation;
        await using (var db = database.NewContext())
            reservation = await Desk(db).ReserveAsync(Reserve(v, villagers[0], "rice-5kg", 2));

        Assert.Equal(ReservationState.Reserved, reservation.State);
        Assert.Equal(1, reservation.Number);
        Assert.Equal(30, Assert.Single(reservation.Lines).UnitPoints);
        var item = await ItemAsync(database, v, "rice-5kg");
        Assert.Equal((5, 2), (item.Stock, item.Reserved));
        Assert.Equal(100, (await BalanceAsync(database, v, 1))!.Total);
        await using var read = database.NewContext();
        Assert.False(await read.StockMovements.AnyAsync(m => m.VillageId == v.VillageId && m.Kind != StockMovementKind.Purchase));
        var purse = await Desk(read).PurseAsync(await read.Villages.AsNoTracking().SingleAsync(x => x.Id == v.VillageId), v.HouseholdIds[0]);
        Assert.Equal((100L, 100L, 60L, 40L), (purse.Balance, purse.Spendable, purse.Held, purse.Available));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reserve_TenHouseholdsAtOnceForTheLastUnit_HoldItOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 10, points: 100);
        await AddItemAsync(database, v, villagers[0], "oil-last", price: 20, stock: 1);

        var outcomes = await RunTogetherAsync(10, async i =>
        {
            await using var db = database.NewContext();
            return await OutcomeAsync(() => Desk(db).ReserveAsync(Reserve(v, villagers[i], "oil-last", 1)));
        });

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("stock.insufficient", o));
        var item = await ItemAsync(database, v, "oil-last");
        Assert.Equal((1, 1), (item.Stock, item.Reserved));
        await using var read = database.NewContext();
        Assert.Equal(1, await read.Reservations.CountAsync(r => r.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reserve_FiveAtOnceByOneHousehold_NeverPromisesMoreThanItCanSpend(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 1, points: 100);
        await AddItemAsync(database, v, villagers[0], "flour", price: 40, stock: 50);

        var outcomes = await RunTogetherAsync(5, async _ =>
        {
            await using var db = database.NewContext();
            return await OutcomeAsync(() => Desk(db).ReserveAsync(Reserve(v, villagers[0], "flour", 1)));
        });

        // 100 points cover two at 40: the third would promise 120.
        Assert.Equal(2, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("balance.insufficient", o));
        Assert.Equal(2, (await ItemAsync(database, v, "flour")).Reserved);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reserve_BeyondSpendableLessOpenReservations_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 1, points: 100);
        await AddItemAsync(database, v, villagers[0], "oil", price: 35, stock: 10);
        // Publicised awards do not count where the village lets only effective points be spent (the default).
        await using (var db = database.NewContext())
            await new LedgerPosting(db, TimeProvider.System).PostAsync(Award(v, 1, 50));

        await using (var db = database.NewContext())
            await Desk(db).ReserveAsync(Reserve(v, villagers[0], "oil", 2));
        await using (var db = database.NewContext())
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => Desk(db).ReserveAsync(Reserve(v, villagers[0], "oil", 1)));
            Assert.Equal("balance.insufficient", refused.Code);
        }

        await ChangeVillageAsync(database, v, x => x.Settings.AllowSpendBeforeEffective = true);
        await using (var db = database.NewContext())
            await Desk(db).ReserveAsync(Reserve(v, villagers[0], "oil", 1));
        Assert.Equal(3, (await ItemAsync(database, v, "oil")).Reserved);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reserve_OverThePerHouseholdLimit_CountsOpenReservations(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 2, points: 100);
        await AddItemAsync(database, v, villagers[0], "eggs", price: 5, stock: 20, limit: 3);

        await using (var db = database.NewContext())
            await Desk(db).ReserveAsync(Reserve(v, villagers[0], "eggs", 2));
        await using (var db = database.NewContext())
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => Desk(db).ReserveAsync(Reserve(v, villagers[0], "eggs", 2)));
            Assert.Equal("item.limit-reached", refused.Code);
        }
        // The limit is per household: the neighbour reserves their own three.
        await using (var db = database.NewContext())
            await Desk(db).ReserveAsync(Reserve(v, villagers[1], "eggs", 3));
        Assert.Equal(5, (await ItemAsync(database, v, "eggs")).Reserved);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reserve_AFourthOpenReservation_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 1, points: 100);
        await AddItemAsync(database, v, villagers[0], "soap", price: 2, stock: 20);

        for (var i = 0; i < ReservationDesk.MaxOpenPerHousehold; i++)
        {
            await using var db = database.NewContext();
            await Desk(db).ReserveAsync(Reserve(v, villagers[0], "soap", 1));
        }
        await using var last = database.NewContext();
        var refused = await Assert.ThrowsAsync<DomainException>(() => Desk(last).ReserveAsync(Reserve(v, villagers[0], "soap", 1)));
        Assert.Equal("reservation.too-many-open", refused.Code);
    }

    public static TheoryData<DatabaseProvider, string, int, string> BadLines()
    {
        var data = new TheoryData<DatabaseProvider, string, int, string>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(provider, "rice", 0, "reservation.quantity-invalid");
            data.Add(provider, "rice", -1, "reservation.quantity-invalid");
            data.Add(provider, "rice", 1_000_000_000, "reservation.quantity-invalid");
            data.Add(provider, "no-such-item", 1, "item.not-found");
            data.Add(provider, "retired", 1, "item.inactive");
            data.Add(provider, "haircut", 1, "reservation.voucher-item");
            data.Add(provider, "", 1, "item.code-required");
        }
        return data;
    }

    [Theory, MemberData(nameof(BadLines))]
    public async Task Reserve_BadLine_IsRefusedWithItsCode_AndHoldsNothing(DatabaseProvider provider, string code, int quantity, string expected)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 1, points: 100);
        await AddItemAsync(database, v, villagers[0], "rice", price: 10, stock: 5);
        await AddItemAsync(database, v, villagers[0], "retired", price: 10, stock: 5, active: false);
        await AddItemAsync(database, v, villagers[0], "haircut", price: 10, stock: 5, category: ItemCategory.ServiceVoucher);

        await using var db = database.NewContext();
        var refused = await Assert.ThrowsAsync<DomainException>(() => Desk(db).ReserveAsync(
            new ReserveForPickup(v.VillageId, villagers[0], null, [new ReservationLineRequest("rice", 1), new ReservationLineRequest(code, quantity)])));

        Assert.Equal(expected, refused.Code);
        Assert.Equal(0, (await ItemAsync(database, v, "rice")).Reserved);
        await using var read = database.NewContext();
        Assert.False(await read.Reservations.AnyAsync(r => r.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reserve_ForAnotherHousehold_IsNotFound_AndStaffWithoutAHouseholdAreRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 2, points: 100);
        await AddItemAsync(database, v, villagers[0], "rice", price: 10, stock: 5);
        var clerk = await UserAsync(database, new RoleAssignment { Role = Role.ShopClerk, VillageId = v.VillageId });

        await using var db = database.NewContext();
        var other = await Assert.ThrowsAsync<DomainException>(() => Desk(db).ReserveAsync(
            new ReserveForPickup(v.VillageId, villagers[0], 2, [new ReservationLineRequest("rice", 1)])));
        Assert.Equal("household.not-found", other.Code);
        var staff = await Assert.ThrowsAsync<DomainException>(() => Desk(db).ReserveAsync(Reserve(v, clerk, "rice", 1)));
        Assert.Equal("reservation.not-villager", staff.Code);
        Assert.Equal(0, (await ItemAsync(database, v, "rice")).Reserved);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reserve_RetriedWithItsKey_AnswersTheFirstReservation_AndHoldsOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 1, points: 100);
        await AddItemAsync(database, v, villagers[0], "rice", price: 10, stock: 5);

        var results = await RunTogetherAsync(4, async _ =>
        {
            await using var db = database.NewContext();
            return await Desk(db).ReserveAsync(Reserve(v, villagers[0], "rice", 2, key: "reserve-once"));
        });

        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Equal(2, (await ItemAsync(database, v, "rice")).Reserved);
        await using var db2 = database.NewContext();
        var changed = await Assert.ThrowsAsync<DomainException>(() => Desk(db2).ReserveAsync(Reserve(v, villagers[0], "rice", 3, key: "reserve-once")));
        Assert.Equal("idempotency.conflict", changed.Code);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Cancel_ByItsHousehold_ReleasesTheHoldOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 2, points: 100);
        await AddItemAsync(database, v, villagers[0], "rice", price: 10, stock: 5);
        long number;
        await using (var db = database.NewContext())
            number = (await Desk(db).ReserveAsync(Reserve(v, villagers[0], "rice", 3))).Number;

        await using (var db = database.NewContext())
        {
            var neighbour = await Assert.ThrowsAsync<DomainException>(() => Desk(db).CancelAsync(new CancelReservation(v.VillageId, number, villagers[1], false)));
            Assert.Equal("reservation.not-found", neighbour.Code);
        }
        var outcomes = await RunTogetherAsync(3, async _ =>
        {
            await using var db = database.NewContext();
            return await OutcomeAsync(() => Desk(db).CancelAsync(new CancelReservation(v.VillageId, number, villagers[0], false)));
        });

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("reservation.not-open", o));
        Assert.Equal(0, (await ItemAsync(database, v, "rice")).Reserved);
        await using var read = database.NewContext();
        var stored = await read.Reservations.SingleAsync(r => r.VillageId == v.VillageId && r.Number == number);
        Assert.Equal(ReservationState.Cancelled, stored.State);
        Assert.NotNull(stored.ClosedAt);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Cancel_ByTheShop_ReleasesAnyHouseholdsHold(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 1, points: 100);
        await AddItemAsync(database, v, villagers[0], "rice", price: 10, stock: 5);
        var clerk = await UserAsync(database, new RoleAssignment { Role = Role.ShopClerk, VillageId = v.VillageId });
        long number;
        await using (var db = database.NewContext())
            number = (await Desk(db).ReserveAsync(Reserve(v, villagers[0], "rice", 2))).Number;

        await using (var db = database.NewContext())
            Assert.Equal(ReservationState.Cancelled, (await Desk(db).CancelAsync(new CancelReservation(v.VillageId, number, clerk, true))).State);

        Assert.Equal(0, (await ItemAsync(database, v, "rice")).Reserved);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Expire_PastTheDeadline_ReleasesTheHold_OnceWhenTwoRunnersRace(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, villagers) = await ArrangeAsync(database, households: 3, points: 100);
        await AddItemAsync(database, v, villagers[0], "rice", price: 10, stock: 10);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        for (var i = 0; i < 3; i++)
        {
            await using var db = database.NewContext();
            await Desk(db, clock).ReserveAsync(Reserve(v, villagers[i], "rice", 2));
        }
        await using (var db = database.NewContext())
        {
            Assert.Equal(0, await Desk(db, clock).ExpireDueAsync());
            await Desk(db, clock).CancelAsync(new CancelReservation(v.VillageId, 3, villagers[2], false));
        }

        clock.Advance(TimeSpan.FromDays(ReservationDesk.HoldDays + 8));
        var runs = await RunTogetherAsync(2, async _ =>
        {
            await using var db = database.NewContext();
            return await Desk(db, clock).ExpireDueAsync();
        });

        Assert.Equal(2, runs.Sum());
        Assert.Equal(0, (await ItemAsync(database, v, "rice")).Reserved);
        await using var read = database.NewContext();
        var states = await read.Reservations.Where(r => r.VillageId == v.VillageId).OrderBy(r => r.Number).Select(r => r.State).ToListAsync();
        Assert.Equal([ReservationState.Expired, ReservationState.Expired, ReservationState.Cancelled], states);
        await using var again = database.NewContext();
        Assert.Equal(0, await Desk(again, clock).ExpireDueAsync());
        var late = await Assert.ThrowsAsync<DomainException>(() => Desk(again, clock).CancelAsync(new CancelReservation(v.VillageId, 1, villagers[0], false)));
        Assert.Equal("reservation.not-open", late.Code);
    }

    [Fact]
    public void PickupDeadline_IsTheClosingOfTheFirstOpenDayTwoDaysOn()
    {
        // 2026-06-01 is a Monday; 10:00 in the village.
        var monday = new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.FromHours(8));
        var everyDay = new VillageSettings { ShopDays = ShopHours.EveryDay, ShopClosesAt = new TimeOnly(18, 0) };
        var saturdays = new VillageSettings { ShopDays = ShopHours.Bit(DayOfWeek.Saturday), ShopClosesAt = new TimeOnly(17, 30) };
        var never = new VillageSettings { ShopDays = 0, ShopClosesAt = new TimeOnly(18, 0) };

        Assert.Equal(new DateTimeOffset(2026, 6, 3, 18, 0, 0, TimeSpan.FromHours(8)), ReservationDesk.PickupDeadline(everyDay, monday));
        Assert.Equal(new DateTimeOffset(2026, 6, 6, 17, 30, 0, TimeSpan.FromHours(8)), ReservationDesk.PickupDeadline(saturdays, monday));
        // Reserved on a Friday, a Saturday shop holds the goods to the Saturday after next: tomorrow is too soon to fetch them.
        Assert.Equal(new DateTimeOffset(2026, 6, 13, 17, 30, 0, TimeSpan.FromHours(8)), ReservationDesk.PickupDeadline(saturdays, monday.AddDays(4)));
        Assert.Equal(new DateTimeOffset(2026, 6, 3, 18, 0, 0, TimeSpan.FromHours(8)), ReservationDesk.PickupDeadline(never, monday));
    }

    /// <summary>A village whose households each hold <paramref name="points"/> effective points and one villager login.</summary>
    private static async Task<(ArrangedVillage Village, List<Guid> Villagers)> ArrangeAsync(TestDatabase database, int households, int points)
    {
        var v = await VillageBuilder.ArrangeAsync(database, households);
        await using (var db = database.NewContext())
        {
            var posting = new LedgerPosting(db, TimeProvider.System);
            await posting.PostBatchAsync(v.VillageId, [.. v.HouseholdIds.Select(h =>
                new PostEntry(v.VillageId, h, points, EntryKind.BaseGrant, "基础分", SourceKinds.Opening, State: EntryState.Effective))]);
        }
        var villagers = new List<Guid>();
        foreach (var household in v.HouseholdIds)
            villagers.Add(await UserAsync(database, new RoleAssignment { Role = Role.Villager, VillageId = v.VillageId, HouseholdId = household }));
        return (v, villagers);
    }

    private static async Task<Guid> UserAsync(TestDatabase database, RoleAssignment role)
    {
        await using var db = database.NewContext();
        var user = new UserAccount
        {
            Id = Ids.New(),
            Phone = "176" + Random.Shared.Next(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture),
            DisplayName = "测试村民",
            PasswordHash = "",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        role.Id = Ids.New();
        role.UserId = user.Id;
        user.Roles.Add(role);
        db.UserAccounts.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    private static async Task AddItemAsync(TestDatabase database, ArrangedVillage v, Guid recordedBy, string code, int price, int stock,
        int? limit = null, bool active = true, ItemCategory category = ItemCategory.Staples)
    {
        await using var db = database.NewContext();
        Guid? merchant = category == ItemCategory.ServiceVoucher ? (await ShopBuilder.AddMerchantAsync(db, v.VillageId, "m-" + code)).Id : null;
        var item = await ShopBuilder.AddItemAsync(db, v.VillageId, recordedBy, code, price, stock, category, merchant, limit);
        if (!active)
        {
            item.Active = false;
            await db.SaveChangesAsync();
        }
    }

    private static async Task<ShopItem> ItemAsync(TestDatabase database, ArrangedVillage v, string code)
    {
        await using var db = database.NewContext();
        return await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == v.VillageId && i.Code == code);
    }
}
