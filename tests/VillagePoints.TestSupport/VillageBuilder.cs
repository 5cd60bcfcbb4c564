using VillagePoints.Core.Data;
using VillagePoints.Core.Places;

namespace VillagePoints.TestSupport;

/// <summary>The ids of a village arranged for one test. <see cref="HouseholdIds"/>[i] has household number i + 1.</summary>
public sealed record ArrangedVillage(
    Guid DistrictId,
    Guid TownId,
    Guid VillageId,
    string VillageCode,
    Guid GroupId,
    IReadOnlyList<Guid> HouseholdIds);

/// <summary>
/// Arranges a district, town and village with one villager group and numbered households.
/// Codes are unique per call, so several tests can share a database without colliding.
/// </summary>
public static class VillageBuilder
{
    public static readonly DateOnly VillageStartedOn = new(2020, 1, 1);

    public static async Task<ArrangedVillage> ArrangeAsync(TestDatabase database, int households = 3, CancellationToken ct = default)
    {
        await using var db = database.NewContext();
        return await ArrangeAsync(db, households, ct);
    }

    public static async Task<ArrangedVillage> ArrangeAsync(VillagePointsDb db, int households = 3, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(households);
        var code = "v" + Guid.NewGuid().ToString("N")[..8];
        var now = BusinessCalendar.Truncate(DateTimeOffset.UtcNow);

        var district = new District { Id = Ids.New(), Code = "d" + code, Name = "测试区" };
        var town = new Town { Id = Ids.New(), DistrictId = district.Id, Code = "t" + code, Name = "测试镇" };
        // Started well in the past, so a test may record deeds of earlier days.
        var village = new Village { Id = Ids.New(), TownId = town.Id, Code = code, Name = "测试村", StartedOn = VillageStartedOn };
        var group = new VillagerGroup { VillageId = village.Id, Id = Ids.New(), Number = 1, Name = "第一村民小组" };
        var homes = Enumerable.Range(1, households)
            .Select(n => new Household
            {
                VillageId = village.Id,
                Id = Ids.New(),
                Number = n,
                GroupId = group.Id,
                HeadName = $"测试户{n}",
                CreatedAt = now,
            })
            .ToList();

        db.Districts.Add(district);
        db.Towns.Add(town);
        db.Villages.Add(village);
        db.VillagerGroups.Add(group);
        db.Households.AddRange(homes);
        await db.SaveChangesAsync(ct);

        return new ArrangedVillage(district.Id, town.Id, village.Id, code, group.Id, homes.Select(h => h.Id).ToList());
    }
}
