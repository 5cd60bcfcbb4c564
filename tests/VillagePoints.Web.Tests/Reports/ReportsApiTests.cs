using System.Net.Http.Json;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Reports;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Reports;

public sealed class ReportsApiTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Stats_CountReversedPointsAgainstWhatTheyReversed(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 0);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var url = $"/api/v1/villages/{v.VillageCode}";
        foreach (var head in new[] { "甲", "乙", "丙" })
            (await chair.PostAsJsonAsync($"{url}/households", new { groupNumber = 1, headName = head, members = new[] { new { name = head + "妻", relation = "配偶" } } })).EnsureSuccessStatusCode();
        await chair.PostAsJsonAsync($"{url}/households/1/entries", new { amount = 10, kind = "Award", reason = "参与志愿服务" });
        await chair.PostAsJsonAsync($"{url}/households/2/entries", new { amount = 5, kind = "Award", reason = "主动清理卫生死角" });
        await chair.PostAsJsonAsync($"{url}/households/3/entries", new { amount = -10, kind = "Deduction", reason = "家禽散养" });
        (await chair.PostAsJsonAsync($"{url}/entries/5/reversal", new { reason = "异议成立" })).EnsureSuccessStatusCode();

        Guid first;
        await using (var db = app.NewContext())
            first = db.Households.Where(h => h.VillageId == v.VillageId && h.Number == 1).Select(h => h.Id).Single();
        var villager = await app.ClientAsync(new RoleAssignment { Role = Role.Villager, VillageId = v.VillageId, HouseholdId = first });
        var stats = await villager.GetFromJsonAsync<StatsFigures>($"{url}/stats");

        Assert.Equal(new StatsFigures(Households: 3, People: 6, ParticipatingHouseholds: 2, PointsIssued: 300 + 10, PointsDeducted: 10,
            PointsRedeemed: 0, ItemsRedeemed: 0, VolunteerPersonTimes: 0), stats);
    }
}
