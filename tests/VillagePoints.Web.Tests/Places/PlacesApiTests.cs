using System.Net.Http.Json;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.TestSupport;
using VillagePoints.Web.Places;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Places;

public sealed class PlacesApiTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Villages_AreListedByTheScopeOfEachRole(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var b = await VillageBuilder.ArrangeAsync(app.Database, 1);

        async Task<List<string>> CodesFor(RoleAssignment role)
        {
            var client = await app.ClientAsync(role);
            var villages = await client.GetFromJsonAsync<List<VillageView>>("/api/v1/villages");
            return villages!.Select(x => x.Code).Where(c => c == a.VillageCode || c == b.VillageCode).Order(StringComparer.Ordinal).ToList();
        }

        Assert.Equal(new[] { a.VillageCode, b.VillageCode }.Order(StringComparer.Ordinal), await CodesFor(new RoleAssignment { Role = Role.Administrator }));
        Assert.Equal([b.VillageCode], await CodesFor(new RoleAssignment { Role = Role.DistrictViewer, DistrictId = b.DistrictId }));
        Assert.Equal([a.VillageCode], await CodesFor(TestApp.In(a, Role.ShopClerk)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Village_ShowsItsTownDistrictAndSettings_WithTheDefaultsVillagesStartFrom(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var client = await app.ClientAsync(TestApp.In(a, Role.Villager, householdNumber: 1));

        var village = await client.GetFromJsonAsync<VillageView>($"/api/v1/villages/{a.VillageCode}");

        Assert.Equal(a.VillageCode, village!.Code);
        Assert.Equal(("t" + a.VillageCode, "测试镇", "d" + a.VillageCode, "测试区"), (village.TownCode, village.TownName, village.DistrictCode, village.DistrictName));
        var settings = village.Settings;
        Assert.Equal((100, 7, false, true, 20),
            (settings.BasePoints, settings.PublicityWindowDays, settings.AllowSpendBeforeEffective, settings.TwoStepReview, settings.TwoReviewerThreshold));
    }
}
