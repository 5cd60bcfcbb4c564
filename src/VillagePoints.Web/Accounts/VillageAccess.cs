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
    /// <summary>Find any household and see its head's name, number, group and balance: the register.</summary>
    ReadHouseholds,
    /// <summary>Any household's members, address, phones (masked) and ledger lines.</summary>
    ReadHouseholdRecords,
    /// <summary>Phone numbers in full, for the village cadres who call on households; everyone else sees them masked.</summary>
    SeeFullPhones,
    /// <summary>Record awards, deductions and adjustments directly (committee).</summary>
    RecordEntries,
    /// <summary>Correct an entry by reversal (committee).</summary>
    ReverseEntries,
    /// <summary>Add and edit households and members.</summary>
    ManageHouseholds,
    /// <summary>Write the village's rules (积分细则): categories, rules, new versions, retirement (committee).</summary>
    ManageRules,
    /// <summary>Submit claims (申报) and read one's own: every village role, each through the channels its work allows.</summary>
    SubmitClaims,
    /// <summary>Review claims: the review group's first step, the committee's final one.</summary>
    ReviewClaims,
    /// <summary>Create and cancel volunteer activities, and run any of them (committee).</summary>
    ManageActivities,
    /// <summary>Publish a month's notice and close its publicity window by hand (the scoring committee).</summary>
    PublishNotices,
    /// <summary>Decide objections to a notice's entries: uphold (reverse, correct) or dismiss (the scoring committee).</summary>
    DecideObjections,
    /// <summary>Run the points supermarket: the catalogue, stock movements, stocktakes, checkouts and their cancellation, pickups (shop clerk, chair).</summary>
    RunShop,
    /// <summary>The shop's funding view: points outstanding, stock value, goods by source (committee, clerk, oversight).</summary>
    ReadShopFunding,
    /// <summary>Reserve goods for pickup for one's own household (villager).</summary>
    ReserveForPickup,
    /// <summary>Honour one's own vouchers and read one's own settlements (partner merchant).</summary>
    HonourVouchers,
}

/// <summary>A user's standing in one village, resolved once per request.</summary>
public sealed record VillageGrant(Village Village, IReadOnlySet<VillagePermission> Permissions, IReadOnlySet<Guid> OwnHouseholds, Guid UserId)
{
    public bool Has(VillagePermission p) => Permissions.Contains(p);

    /// <summary>The household's archive and ledger: its members, contacts and every line. A villager has this for their own.</summary>
    public bool CanReadHousehold(Guid householdId) => Has(VillagePermission.ReadHouseholdRecords) || OwnHouseholds.Contains(householdId);

    /// <summary>The household can be found in the register (name, number, balance), even when its archive stays closed.</summary>
    public bool CanFindHousehold(Guid householdId) => Has(VillagePermission.ReadHouseholds) || CanReadHousehold(householdId);
}

/// <summary>
/// The one place that decides village scope. Roles are read from the database on each
/// request so that a revoked role stops working at once.
/// </summary>
public sealed class VillageAccess(VillagePointsDb db)
{
    private static readonly VillagePermission[] Oversight =
        [VillagePermission.ReadVillage, VillagePermission.ReadHouseholds, VillagePermission.ReadHouseholdRecords];

    // The village's own cadres call on households, so they see phones in full.
    private static readonly VillagePermission[] Cadre = [.. Oversight, VillagePermission.SeeFullPhones];

    /// <summary>
    /// Each role gets what its work needs. The shop clerk redeems points, so it finds a household and
    /// sees its balance, not its members, contacts or ledger lines. Oversight (town, district) and the
    /// administrator, whose work is villages and accounts, see phones masked.
    /// </summary>
    private static readonly Dictionary<Role, VillagePermission[]> ByRole = new()
    {
        [Role.Villager] = [VillagePermission.ReadVillage, VillagePermission.SubmitClaims, VillagePermission.ReserveForPickup],
        [Role.PartnerMerchant] = [VillagePermission.ReadVillage, VillagePermission.HonourVouchers],
        [Role.ShopClerk] = [VillagePermission.ReadVillage, VillagePermission.ReadHouseholds, VillagePermission.RunShop, VillagePermission.ReadShopFunding],
        [Role.GridWorker] = [.. Cadre, VillagePermission.SubmitClaims],
        [Role.ReviewGroup] = [.. Cadre, VillagePermission.SubmitClaims, VillagePermission.ReviewClaims],
        [Role.CommitteeMember] = [.. Cadre, VillagePermission.RecordEntries, VillagePermission.ReverseEntries, VillagePermission.ManageRules,
            VillagePermission.SubmitClaims, VillagePermission.ReviewClaims, VillagePermission.ManageActivities, VillagePermission.PublishNotices,
            VillagePermission.DecideObjections, VillagePermission.ReadShopFunding],
        [Role.CommitteeChair] = [.. Cadre, VillagePermission.RecordEntries, VillagePermission.ReverseEntries, VillagePermission.ManageHouseholds,
            VillagePermission.ManageRules, VillagePermission.SubmitClaims, VillagePermission.ReviewClaims, VillagePermission.ManageActivities,
            VillagePermission.PublishNotices, VillagePermission.DecideObjections, VillagePermission.RunShop, VillagePermission.ReadShopFunding],
        [Role.TownViewer] = [.. Oversight, VillagePermission.ReadShopFunding],
        [Role.DistrictViewer] = [.. Oversight, VillagePermission.ReadShopFunding],
        // An administrator supports a village's set-up; honouring a merchant's vouchers or reserving for a household is not theirs to do.
        [Role.Administrator] = [.. Enum.GetValues<VillagePermission>().Where(p => p is not (VillagePermission.SeeFullPhones
            or VillagePermission.HonourVouchers or VillagePermission.ReserveForPickup))],
    };

    // Several parts of one request ask (the scope check, the page, the header); the database answers once.
    private (Guid UserId, List<RoleAssignment> Roles)? rolesRead;

    public async Task<List<RoleAssignment>> RolesAsync(Guid userId, CancellationToken ct = default)
    {
        if (rolesRead is { } read && read.UserId == userId)
            return read.Roles;
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.UserId == userId).ToListAsync(ct);
        rolesRead = (userId, roles);
        return roles;
    }

    /// <summary>Most senior first: the role a person is shown as in the header when they hold several.</summary>
    public static readonly Role[] Seniority =
    [
        Role.Administrator, Role.DistrictViewer, Role.TownViewer, Role.CommitteeChair, Role.CommitteeMember,
        Role.ReviewGroup, Role.GridWorker, Role.ShopClerk, Role.PartnerMerchant, Role.Villager,
    ];

    /// <summary>The role to name this person by, or null when they hold none.</summary>
    public async Task<Role?> MainRoleAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId)
            return null;
        var held = (await RolesAsync(userId, ct)).Select(r => r.Role).ToHashSet();
        return Seniority.Where(held.Contains).Select(r => (Role?)r).FirstOrDefault();
    }

    /// <summary>
    /// Where this person's work is: a villager's own household; in one village, the page of the most senior
    /// role's work (the review queue for the committee and the review group, the patrol for a grid worker, the
    /// point of sale for a shop clerk, the merchant's own page); anyone over several villages (town,
    /// district, administrator, or staff in more than one) the place browser.
    /// </summary>
    public async Task<string> LandingPathAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var roles = await RolesAsync(user.UserId() ?? Guid.Empty, ct);
        var staff = roles.Where(r => r.Role != Role.Villager).ToList();
        if (staff.Count == 0)
            return "/my";
        if (staff.Any(r => r.Role is Role.Administrator or Role.TownViewer or Role.DistrictViewer))
            return "/places";
        var villageIds = staff.Select(r => r.VillageId).Distinct().ToList();
        if (villageIds is [{ } only])
        {
            var code = await db.Villages.AsNoTracking().Where(v => v.Id == only).Select(v => v.Code).SingleOrDefaultAsync(ct);
            if (code is not null)
            {
                var village = $"/villages/{Uri.EscapeDataString(code)}";
                var main = Seniority.First(r => staff.Any(s => s.Role == r));
                return main switch
                {
                    Role.CommitteeChair or Role.CommitteeMember or Role.ReviewGroup => $"{village}/review",
                    Role.GridWorker => $"{village}/patrol",
                    Role.ShopClerk => $"{village}/shop/checkout",
                    Role.PartnerMerchant => $"{village}/merchant",
                    _ => village,
                };
            }
        }
        return "/places";
    }

    /// <summary>Null when the village does not exist or the user holds nothing there; callers answer 404 either way.</summary>
    public async Task<VillageGrant?> GrantAsync(ClaimsPrincipal user, string villageCode, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId || string.IsNullOrEmpty(villageCode) || villageCode.Length > 40)
            return null;
        var village = await db.Villages.AsNoTracking().Include(v => v.Town).ThenInclude(t => t!.District)
            .SingleOrDefaultAsync(v => v.Code == villageCode, ct);
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
