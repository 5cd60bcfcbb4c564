using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;

namespace VillagePoints.Web.Accounts;

/// <summary>What a user may do within one village.</summary>
public enum VillagePermission
{
    /// <summary>The village's public facts: name, settings, totals.</summary>
    ReadVillage,
    /// <summary>Any household's archive and ledger.</summary>
    ReadHouseholds,
    /// <summary>Record awards, deductions and adjustments directly (committee).</summary>
    RecordEntries,
    /// <summary>Correct an entry by reversal (committee).</summary>
    ReverseEntries,
    /// <summary>Add and edit households and members.</summary>
    ManageHouseholds,
}

/// <summary>A user's standing in one village, resolved once per request.</summary>
public sealed record VillageGrant(Village Village, IReadOnlySet<VillagePermission> Permissions, IReadOnlySet<Guid> OwnHouseholds, Guid UserId)
{
    public bool Has(VillagePermission p) => Permissions.Contains(p);

    public bool CanReadHousehold(Guid householdId) => Has(VillagePermission.ReadHouseholds) || OwnHouseholds.Contains(householdId);
}

/// <summary>
/// The one place that decides village scope. Roles are read from the database on each
/// request so that a revoked role stops working at once.
/// </summary>
public sealed class VillageAccess(VillagePointsDb db)
{
    private static readonly VillagePermission[] Oversight = [VillagePermission.ReadVillage, VillagePermission.ReadHouseholds];

    private static readonly Dictionary<Role, VillagePermission[]> ByRole = new()
    {
        [Role.Villager] = [VillagePermission.ReadVillage],
        [Role.PartnerMerchant] = [VillagePermission.ReadVillage],
        [Role.GridWorker] = Oversight,
        [Role.ReviewGroup] = Oversight,
        [Role.ShopClerk] = Oversight,
        [Role.CommitteeMember] = [.. Oversight, VillagePermission.RecordEntries, VillagePermission.ReverseEntries],
        [Role.CommitteeChair] = [.. Oversight, VillagePermission.RecordEntries, VillagePermission.ReverseEntries, VillagePermission.ManageHouseholds],
        [Role.TownViewer] = Oversight,
        [Role.DistrictViewer] = Oversight,
        [Role.Administrator] = Enum.GetValues<VillagePermission>(),
    };

    public Task<List<RoleAssignment>> RolesAsync(Guid userId, CancellationToken ct = default) =>
        db.RoleAssignments.AsNoTracking().Where(r => r.UserId == userId).ToListAsync(ct);

    /// <summary>Null when the village does not exist or the user holds nothing there; callers answer 404 either way.</summary>
    public async Task<VillageGrant?> GrantAsync(ClaimsPrincipal user, string villageCode, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId || string.IsNullOrEmpty(villageCode) || villageCode.Length > 40)
            return null;
        var village = await db.Villages.AsNoTracking().Include(v => v.Town).SingleOrDefaultAsync(v => v.Code == villageCode, ct);
        if (village is null)
            return null;
        var roles = await RolesAsync(userId, ct);
        var permissions = new HashSet<VillagePermission>();
        var own = new HashSet<Guid>();
        foreach (var r in roles.Where(r => Covers(r, village)))
        {
            permissions.UnionWith(ByRole[r.Role]);
            if (r is { Role: Role.Villager, HouseholdId: { } h })
                own.Add(h);
        }
        return permissions.Count == 0 ? null : new VillageGrant(village, permissions, own, userId);
    }

    /// <summary>The villages this user may see at all, for the place browser.</summary>
    public async Task<List<Village>> VisibleVillagesAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId)
            return [];
        var roles = await RolesAsync(userId, ct);
        var all = await db.Villages.AsNoTracking().Include(v => v.Town).ThenInclude(t => t!.District).OrderBy(v => v.Code).ToListAsync(ct);
        return all.Where(v => roles.Any(r => Covers(r, v))).ToList();
    }

    public static bool Covers(RoleAssignment r, Village v) => r.Role switch
    {
        Role.Administrator => true,
        Role.DistrictViewer => r.DistrictId is { } d && v.Town?.DistrictId == d,
        Role.TownViewer => r.TownId is { } t && v.TownId == t,
        _ => r.VillageId == v.Id,
    };

    public static bool IsStaff(IEnumerable<RoleAssignment> roles) => roles.Any(r => r.Role != Role.Villager);
}
