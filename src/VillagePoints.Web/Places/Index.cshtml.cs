using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Places;

public sealed record TownVillages(Town Town, IReadOnlyList<Village> Villages);

public sealed record DistrictTowns(District District, IReadOnlyList<TownVillages> Towns);

/// <summary>The place browser for staff and oversight: every village this login may see, district by district.</summary>
public sealed class PlacesModel(VillageAccess access) : PageModel
{
    public IReadOnlyList<DistrictTowns> Districts { get; private set; } = [];

    /// <summary>Villages where this login is also a villager, to offer the way to its own household.</summary>
    public IReadOnlySet<Guid> OwnVillages { get; private set; } = new HashSet<Guid>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var villages = await access.VisibleVillagesAsync(User, ct);
        var roles = await access.RolesAsync(User.UserId() ?? Guid.Empty, ct);
        OwnVillages = roles.Where(r => r is { Role: Role.Villager, HouseholdId: not null, VillageId: not null })
            .Select(r => r.VillageId!.Value).ToHashSet();
        Districts = villages
            .Where(v => v.Town?.District is not null)
            .GroupBy(v => v.Town!.DistrictId)
            .Select(d => new DistrictTowns(d.First().Town!.District!,
                d.GroupBy(v => v.TownId)
                    .Select(t => new TownVillages(t.First().Town!, t.OrderBy(v => v.Code, StringComparer.Ordinal).ToList()))
                    .OrderBy(t => t.Town.Code, StringComparer.Ordinal).ToList()))
            .OrderBy(d => d.District.Code, StringComparer.Ordinal)
            .ToList();
    }
}
