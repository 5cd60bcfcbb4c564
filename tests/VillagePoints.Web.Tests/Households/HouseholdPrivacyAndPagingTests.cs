using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.TestSupport;
using VillagePoints.Web.Households;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Households;

/// <summary>Each role sees only what its work needs; the register pages through every household and filters by group.</summary>
public sealed class HouseholdPrivacyAndPagingTests
{
    private const string HeadPhone = "13812345678";
    private const string MemberPhone = "13987654321";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ShopClerk_SeesNameNumberAndBalance_ButNoMembersPhonesOrLedger(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeWithPhonesAsync(app, 3);
        var clerk = await app.ClientAsync(TestApp.In(v, Role.ShopClerk));
        var url = $"/api/v1/villages/{v.VillageCode}/households";

        var detail = await clerk.GetFromJsonAsync<HouseholdDetail>($"{url}/1");
        Assert.Equal(("测试户1", 1, 100L), (detail!.HeadName, detail.Number, detail.Balance));
        Assert.Null(detail.Members);
        Assert.Null(detail.Phone);
        Assert.Null(detail.Address);
        var raw = await clerk.GetStringAsync($"{url}/1");
        Assert.DoesNotContain("5678", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("1961", raw, StringComparison.Ordinal);
        Assert.Equal("household.not-found", await Problems.AssertProblemAsync(await clerk.GetAsync($"{url}/1/ledger"), HttpStatusCode.NotFound));

        var listed = await clerk.GetFromJsonAsync<HouseholdSearchPage>($"{url}?q=测试户1");
        var line = Assert.Single(listed!.Households);
        Assert.Null(line.Phone);
        Assert.Null(line.Members);
        // A search cannot tell the clerk whose phone or which member it is.
        foreach (var q in new[] { HeadPhone, "5678", MemberPhone, "4321", "王秀英" })
            Assert.Equal(0, (await clerk.GetFromJsonAsync<HouseholdSearchPage>($"{url}?q={q}"))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OversightRoles_SeePhonesMasked_AndVillageCadresInFull(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeWithPhonesAsync(app, 1);
        var url = $"/api/v1/villages/{v.VillageCode}/households/1";

        foreach (var role in new[]
                 {
                     new RoleAssignment { Role = Role.TownViewer, TownId = v.TownId },
                     new RoleAssignment { Role = Role.DistrictViewer, DistrictId = v.DistrictId },
                     new RoleAssignment { Role = Role.Administrator },
                 })
        {
            var detail = await (await app.ClientAsync(role)).GetFromJsonAsync<HouseholdDetail>(url);
            Assert.True(detail!.Phone == "138****5678", $"{role.Role} saw the head's phone as {detail.Phone}.");
            var member = Assert.Single(detail.Members!);
            Assert.Equal(("139****4321", 1961), (member.Phone, member.BirthYear));
        }

        var committee = await (await app.ClientAsync(TestApp.In(v, Role.CommitteeMember))).GetFromJsonAsync<HouseholdDetail>(url);
        Assert.Equal((HeadPhone, MemberPhone), (committee!.Phone, committee.Members![0].Phone));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Search_PagesThroughEveryMatch_WithTheTotal_AndFiltersByGroup(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 120);
        await MoveToSecondGroupAsync(app, v, numbers: Enumerable.Range(101, 20));
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var url = $"/api/v1/villages/{v.VillageCode}/households";

        var first = await chair.GetFromJsonAsync<HouseholdSearchPage>($"{url}?q=测试户");
        Assert.Equal((120, 1, 50, 50, 3), (first!.Total, first.Page, first.PageSize, first.Households.Count, first.PageCount));
        var third = await chair.GetFromJsonAsync<HouseholdSearchPage>($"{url}?q=测试户&page=3");
        Assert.Equal(Enumerable.Range(101, 20), third!.Households.Select(h => h.Number));
        var bigPages = await chair.GetFromJsonAsync<HouseholdSearchPage>($"{url}?pageSize=100&page=2");
        Assert.Equal((120, 20), (bigPages!.Total, bigPages.Households.Count));

        var second = await chair.GetFromJsonAsync<HouseholdSearchPage>($"{url}?group=2");
        Assert.Equal((20, 101), (second!.Total, second.Households[0].Number));
        Assert.All(second.Households, h => Assert.Equal("第二村民小组", h.GroupName));
        var inGroupOne = await chair.GetFromJsonAsync<HouseholdSearchPage>($"{url}?q=测试户11&group=1");
        Assert.Equal([11], inGroupOne!.Households.Select(h => h.Number));
        var inGroupTwo = await chair.GetFromJsonAsync<HouseholdSearchPage>($"{url}?q=测试户11&group=2");
        Assert.Equal(Enumerable.Range(110, 10), inGroupTwo!.Households.Select(h => h.Number));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Search_FindsAHousehold_ByTheLastFourDigitsOfTheHeadsOrAMembersPhone(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeWithPhonesAsync(app, 3);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var url = $"/api/v1/villages/{v.VillageCode}/households";

        var byHead = await member.GetFromJsonAsync<HouseholdSearchPage>($"{url}?q=5678");
        Assert.Equal([1], byHead!.Households.Select(h => h.Number));
        Assert.Equal("138****5678", byHead.Households[0].Phone);
        var byMember = await member.GetFromJsonAsync<HouseholdSearchPage>($"{url}?q={Uri.EscapeDataString("４３２１")}");
        Assert.Equal([1], byMember!.Households.Select(h => h.Number));
        Assert.Equal(0, (await member.GetFromJsonAsync<HouseholdSearchPage>($"{url}?q=0000"))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RegisterPage_ShowsTheTotal_PagesWithLinks_AndFiltersByGroup(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 120);
        await MoveToSecondGroupAsync(app, v, numbers: Enumerable.Range(101, 20));
        var chair = await app.PageClientAsync(TestApp.In(v, Role.CommitteeChair));
        var path = $"/villages/{v.VillageCode}";

        var first = await chair.GetStringAsync($"{path}?q={Uri.EscapeDataString("测试户")}");
        Assert.Contains("“测试户”的查找结果：共 120 户", first, StringComparison.Ordinal);
        Assert.Contains("第 1–50 户，共 120 户", first, StringComparison.Ordinal);
        Assert.Contains($"href=\"{path}?q=%E6%B5%8B%E8%AF%95%E6%88%B7&amp;page=3\"", first, StringComparison.Ordinal);

        var third = await chair.GetStringAsync($"{path}?q={Uri.EscapeDataString("测试户")}&page=3");
        Assert.Contains("第 101–120 户，共 120 户", third, StringComparison.Ordinal);
        Assert.Contains($"{path}/households/120\"", third, StringComparison.Ordinal);
        Assert.DoesNotContain($"{path}/households/100\"", third, StringComparison.Ordinal);

        var group = await chair.GetStringAsync($"{path}?group=2");
        Assert.Contains("第二村民小组：共 20 户", group, StringComparison.Ordinal);
        Assert.Contains("<option value=\"2\" selected=\"selected\">第二村民小组</option>", group, StringComparison.Ordinal);
        Assert.DoesNotContain($"{path}/households/1\"", group, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RegisterPage_InEnglish_SaysOneHousehold_NotOneHouseholds(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        var chair = await app.PageClientAsync(TestApp.In(v, Role.CommitteeChair));

        var one = await chair.GetStringAsync($"/villages/{v.VillageCode}?q={Uri.EscapeDataString("测试户2")}&culture=en-US&ui-culture=en-US");
        var three = await chair.GetStringAsync($"/villages/{v.VillageCode}?culture=en-US&ui-culture=en-US");

        Assert.Matches(@"Results for “测试户2”: 1 household\s*</h2>", one);
        Assert.DoesNotContain("1 households", one, StringComparison.Ordinal);
        Assert.Contains("Household register: 3 households", three, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Pages_ShowTheClerkNoPhonesOrMembers_AndOversightOnlyMaskedPhones(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeWithPhonesAsync(app, 2);
        var path = $"/villages/{v.VillageCode}";

        var clerk = await app.PageClientAsync(TestApp.In(v, Role.ShopClerk));
        var register = await clerk.GetStringAsync(path);
        Assert.Contains("测试户1", register, StringComparison.Ordinal);
        Assert.Contains("100 分", register, StringComparison.Ordinal);
        Assert.DoesNotContain("5678", register, StringComparison.Ordinal);
        Assert.DoesNotContain($"{path}/households/1\"", register, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await clerk.GetAsync($"{path}/households/1")).StatusCode);

        var town = await app.PageClientAsync(new RoleAssignment { Role = Role.TownViewer, TownId = v.TownId });
        var household = await town.GetStringAsync($"{path}/households/1");
        Assert.Contains("138****5678", household, StringComparison.Ordinal);
        Assert.Contains("139****4321", household, StringComparison.Ordinal);
        Assert.DoesNotContain(HeadPhone, household, StringComparison.Ordinal);
        Assert.DoesNotContain(MemberPhone, household, StringComparison.Ordinal);

        var committee = await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember));
        Assert.Contains(MemberPhone, await committee.GetStringAsync($"{path}/households/1"), StringComparison.Ordinal);
    }

    /// <summary>Household 1 gets a head's phone, an address and a member with a phone and a birth year; every household its base grant.</summary>
    private static async Task<ArrangedVillage> ArrangeWithPhonesAsync(TestApp app, int households)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, households);
        await using var db = app.NewContext();
        var first = await db.Households.SingleAsync(h => h.Id == v.HouseholdIds[0]);
        first.Phone = HeadPhone;
        first.Address = "水心村东街 8 号";
        db.People.Add(new Person { VillageId = v.VillageId, Id = Ids.New(), HouseholdId = first.Id, Name = "王秀英", Relation = "配偶", Phone = MemberPhone, BirthYear = 1961 });
        await db.SaveChangesAsync();
        var posting = new Core.Ledger.LedgerPosting(db, TimeProvider.System);
        foreach (var id in v.HouseholdIds)
            await posting.PostAsync(new Core.Ledger.PostEntry(v.VillageId, id, 100, Core.Ledger.EntryKind.BaseGrant, "基础分", Core.Ledger.SourceKinds.Opening,
                State: Core.Ledger.EntryState.Effective));
        return v;
    }

    private static async Task MoveToSecondGroupAsync(TestApp app, ArrangedVillage v, IEnumerable<int> numbers)
    {
        await using var db = app.NewContext();
        var group = new VillagerGroup { VillageId = v.VillageId, Id = Ids.New(), Number = 2, Name = "第二村民小组" };
        db.VillagerGroups.Add(group);
        var wanted = numbers.ToList();
        foreach (var h in await db.Households.Where(h => h.VillageId == v.VillageId && wanted.Contains(h.Number)).ToListAsync())
            h.GroupId = group.Id;
        await db.SaveChangesAsync();
    }
}
