using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;
using Xunit.Abstractions;

namespace VillagePoints.Core.Tests.Demo;

public sealed class DemoVillageTests(DemoVillageFixture fixture, ITestOutputHelper output) : IClassFixture<DemoVillageFixture>
{
    private static async Task<Village> VillageAsync(VillagePointsDb db, string code) =>
        await db.Villages.AsNoTracking().SingleAsync(v => v.Code == code);

    [Fact]
    public async Task Seed_CreatesShuixinShapedVillage()
    {
        await using var db = fixture.Open();
        Assert.True(fixture.Seeded);
        var village = await db.Villages.AsNoTracking().Include(v => v.Town!).ThenInclude(t => t.District)
            .SingleAsync(v => v.Code == DemoVillage.VillageCode);
        Assert.Equal("水心村", village.Name);
        Assert.Equal(("shalang", "沙琅镇"), (village.Town!.Code, village.Town.Name));
        Assert.Equal(("dianbai", "电白区"), (village.Town.District!.Code, village.Town.District.Name));

        var groups = await db.VillagerGroups.Where(g => g.VillageId == village.Id).OrderBy(g => g.Number).Select(g => g.Name).ToListAsync();
        Assert.Equal(10, groups.Count);
        Assert.Equal("第一村民小组", groups[0]);
        Assert.Equal("第十村民小组", groups[9]);

        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == village.Id).ToListAsync();
        Assert.Equal(630, households.Count);
        Assert.Equal(Enumerable.Range(1, 630), households.Select(h => h.Number).Order());
        Assert.All(households, h => Assert.Matches(@"^水心村第[一二三四五六七八九十]村民小组 \d+ 号$", h.Address));

        var people = await db.People.AsNoTracking().Where(p => p.VillageId == village.Id).ToListAsync();
        Assert.InRange(people.Count, 2_100, 2_300);
        var byHousehold = people.ToLookup(p => p.HouseholdId);
        Assert.All(households, h =>
        {
            var members = byHousehold[h.Id].ToList();
            Assert.InRange(members.Count, 1, 7);
            Assert.Equal(h.HeadName, Assert.Single(members, m => m.Relation == "户主").Name);
        });
        Assert.Equal(new[] { "户主", "配偶", "子女", "父母", "孙辈" }.Order(), people.Select(p => p.Relation).Distinct().Order());
        Assert.All(people, p => Assert.InRange(p.Name.Length, 2, 3));
        output.WriteLine($"Shuixin: {households.Count} households, {people.Count} people, mean {people.Count / (double)households.Count:F2} per household");
    }

    [Fact]
    public async Task Seed_GivesMostHouseholdsADistinctMobileNumber()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == village.Id).ToListAsync();
        var withPhone = households.Where(h => h.Phone is not null).ToList();
        Assert.InRange(withPhone.Count, 540, 600);
        Assert.All(withPhone, h => Assert.Matches("^1[358][0-9]{9}$", h.Phone));

        var allPhones = await db.People.Where(p => p.Phone != null).Select(p => p.Phone!).ToListAsync();
        Assert.Equal(allPhones.Count, allPhones.Distinct().Count());

        var heads = await db.People.AsNoTracking().Where(p => p.VillageId == village.Id && p.Relation == "户主")
            .ToDictionaryAsync(p => p.HouseholdId);
        Assert.All(households, h => Assert.Equal(h.Phone, heads[h.Id].Phone));
    }

    [Fact]
    public async Task Seed_IssuesAboutTheArticlesPointsTotal()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        var entries = db.LedgerEntries.Where(e => e.VillageId == village.Id);
        var baseGrants = await entries.Where(e => e.Kind == EntryKind.BaseGrant).SumAsync(e => e.Amount);
        var awards = await entries.Where(e => e.Kind == EntryKind.Award).SumAsync(e => e.Amount);
        var deducted = -await entries.Where(e => e.Kind == EntryKind.Deduction).SumAsync(e => e.Amount);
        var count = await entries.CountAsync();

        Assert.Equal(630 * 100, baseGrants);
        Assert.InRange(baseGrants + awards, 240_000, 290_000);
        Assert.InRange(deducted, 1_000, 9_999);
        Assert.Empty(await entries.Where(e => e.Kind != EntryKind.BaseGrant && e.Kind != EntryKind.Award && e.Kind != EntryKind.Deduction).ToListAsync());
        output.WriteLine($"Shuixin: issued {baseGrants + awards} (base {baseGrants}, awards {awards}), deducted {deducted}, {count} entries");
    }

    [Fact]
    public async Task Seed_GivesEveryHouseholdAnAward()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        var participating = await db.LedgerEntries.Where(e => e.VillageId == village.Id && e.Kind == EntryKind.Award)
            .Select(e => e.HouseholdId).Distinct().CountAsync();
        Assert.Equal(630, participating);
    }

    [Fact]
    public async Task Seed_LeavesNoHouseholdDeepInDebt()
    {
        await using var db = fixture.Open();
        var balances = await db.HouseholdBalances.AsNoTracking().Select(b => b.Total).ToListAsync();
        Assert.Equal(650, balances.Count);
        Assert.InRange(balances.Min(), 0, 99);
        Assert.Contains(balances, b => b > 500);
    }

    [Fact]
    public async Task Seed_UsesTheArticlesReasonsAndAllFourChannels()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        var deeds = await db.LedgerEntries.Where(e => e.VillageId == village.Id && e.Kind != EntryKind.BaseGrant)
            .GroupBy(e => new { e.Reason, e.Amount, e.Kind })
            .Select(g => new { g.Key.Reason, g.Key.Amount, g.Key.Kind, Count = g.Count() })
            .ToListAsync();
        Assert.Equal(
            new[] { ("主动清理卫生死角", 5), ("参与志愿服务", 10), ("红白事简办", 10), ("乱倒垃圾", -5), ("家禽散养", -10), ("婚丧嫁娶大操大办", -10) }.Order(),
            deeds.Select(d => (d.Reason, d.Amount)).Order());
        Assert.All(deeds, d => Assert.Equal(d.Amount > 0 ? EntryKind.Award : EntryKind.Deduction, d.Kind));
        Assert.True(deeds.Single(d => d.Reason == "红白事简办").Count < deeds.Single(d => d.Reason == "参与志愿服务").Count / 20);

        var channels = await db.LedgerEntries.Where(e => e.VillageId == village.Id && e.Kind != EntryKind.BaseGrant)
            .Select(e => e.SourceKind).Distinct().ToListAsync();
        Assert.Equal(DemoChannels.All.Order(), channels.Order());

        var staff = await db.UserAccounts.Where(u => u.Phone.StartsWith("1390000")).Select(u => u.Id).ToListAsync();
        var actors = await db.LedgerEntries.Where(e => e.VillageId == village.Id && e.Kind != EntryKind.BaseGrant)
            .Select(e => new { e.SubmittedBy, e.ApprovedBy }).Distinct().ToListAsync();
        Assert.All(actors, a =>
        {
            Assert.Contains(a.SubmittedBy!.Value, staff);
            Assert.Contains(a.ApprovedBy!.Value, staff);
            Assert.NotEqual(a.SubmittedBy, a.ApprovedBy);
        });
    }

    [Fact]
    public async Task Seed_NumbersEntriesInTimeOrderUpToNow()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == village.Id)
            .OrderBy(e => e.Number).Select(e => new { e.Number, e.RecordedAt, e.OccurredOn }).ToListAsync();
        Assert.Equal(new DateOnly(2023, 1, 1), entries[0].OccurredOn);
        for (var i = 1; i < entries.Count; i++)
            Assert.True(entries[i - 1].RecordedAt <= entries[i].RecordedAt, $"entry {entries[i].Number} is recorded before entry {entries[i - 1].Number}");
        Assert.All(entries, e => Assert.Equal(e.OccurredOn, BusinessCalendar.DateOf(e.RecordedAt)));
        Assert.True(entries[^1].RecordedAt <= DemoVillageFixture.Now);
        Assert.Equal(new DateOnly(2026, 11, 29), entries[^1].OccurredOn);
    }

    [Fact]
    public async Task Seed_PublicisesOnlyTheCurrentMonth()
    {
        await using var db = fixture.Open();
        var monthStart = new DateOnly(2026, 11, 1);
        var states = await db.LedgerEntries.GroupBy(e => new { Current = e.OccurredOn >= monthStart, e.State })
            .Select(g => new { g.Key.Current, g.Key.State }).ToListAsync();
        Assert.Equal(
            new[] { (false, EntryState.Effective), (true, EntryState.Publicised) },
            states.Select(s => (s.Current, s.State)).Order());
    }

    [Fact]
    public void Plan_KeepsLastMonthPublicisedDuringItsNoticeWindow()
    {
        var now = new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.Zero);
        var villageId = Guid.CreateVersion7(now);
        var households = Enumerable.Range(0, 20).Select(_ => Guid.CreateVersion7(now)).ToList();
        var plan = DemoLedgerPlan.Create(new Random(1), villageId, households, new VillageSettings(),
            new LedgerProfile(new DateOnly(2026, 6, 1), 3_000, 100), new LedgerActors(Guid.CreateVersion7(now), null, Guid.CreateVersion7(now)), now);

        var november = new DateOnly(2026, 11, 1);
        Assert.Contains(plan, c => c.OccurredOn >= new DateOnly(2026, 12, 1));
        Assert.All(plan, c => Assert.Equal(c.OccurredOn >= november ? EntryState.Publicised : EntryState.Effective, c.State));
        Assert.Equal(20 * 100 + 3_000, plan.Where(c => c.Amount > 0).Sum(c => c.Amount), tolerance: 10);
    }

    [Fact]
    public async Task Seed_LeavesASoundLedger()
    {
        await using var db = fixture.Open();
        var report = await new LedgerVerifier(db).VerifyAsync();
        Assert.Null(report.FirstProblem);
        Assert.True(report.Sound);
        Assert.Equal(2, report.Villages);
        Assert.Equal(650, report.Households);
    }

    [Fact]
    public async Task Seed_CreatesALoginForEveryRole()
    {
        Assert.Equal(Enum.GetValues<Role>().Order(), DemoVillage.Accounts.Select(a => a.Role).Distinct().Order());
        Assert.Equal(DemoVillage.Accounts.Count, DemoVillage.Accounts.Select(a => a.Phone).Distinct().Count());

        await using var db = fixture.Open();
        var users = await db.UserAccounts.AsNoTracking().Include(u => u.Roles).ToListAsync();
        Assert.Equal(DemoVillage.Accounts.Select(a => (a.Phone, a.DisplayName, a.Role)).Order(),
            users.Select(u => (u.Phone, u.DisplayName, Assert.Single(u.Roles).Role)).Order());
        Assert.Equal(Enum.GetValues<Role>().Order(), users.Select(u => u.Roles[0].Role).Distinct().Order());

        var admin = users.Single(u => u.Roles[0].Role == Role.Administrator).Roles[0];
        Assert.Equal((null, null, null), (admin.VillageId, admin.TownId, admin.DistrictId));
        Assert.NotNull(users.Single(u => u.Roles[0].Role == Role.DistrictViewer).Roles[0].DistrictId);
        Assert.NotNull(users.Single(u => u.Roles[0].Role == Role.TownViewer).Roles[0].TownId);

        var shuixin = await VillageAsync(db, DemoVillage.VillageCode);
        var gaocun = await VillageAsync(db, DemoVillage.GaocunCode);
        Assert.Equal(2, users.Count(u => u.Roles[0] is { Role: Role.CommitteeChair }));
        Assert.Single(users, u => u.Roles[0] is { Role: Role.CommitteeChair } && u.Roles[0].VillageId == gaocun.Id);

        var villagers = users.Where(u => u.Roles[0].Role == Role.Villager).ToList();
        Assert.Equal(3, villagers.Count);
        foreach (var user in villagers)
        {
            var role = user.Roles[0];
            var household = await db.Households.AsNoTracking().SingleAsync(h => h.VillageId == role.VillageId && h.Id == role.HouseholdId);
            var head = await db.People.AsNoTracking().SingleAsync(p => p.VillageId == role.VillageId && p.Id == role.PersonId);
            Assert.Equal(("户主", household.Id, household.Phone), (head.Relation, head.HouseholdId, (string?)user.Phone));
            Assert.Equal(head.Phone, user.Phone);
            Assert.Equal(head.Name, user.DisplayName);
        }
        Assert.Equal(new[] { 1, 2 }, await db.Households.Where(h => h.VillageId == shuixin.Id && villagers.Select(v => v.Roles[0].HouseholdId).Contains(h.Id))
            .Select(h => h.Number).OrderBy(n => n).ToListAsync());
        Assert.Contains(DemoVillage.Accounts, a => a.Description == "水心村村民（户号 0001 户主）");
    }

    [Fact]
    public async Task DemoAccounts_LogInWithTheDemoPassword()
    {
        await using var db = fixture.Open();
        var login = new PasswordLogin(db, fixture.Time);
        var villager = DemoVillage.Accounts.First(a => a.Role == Role.Villager);
        var chair = DemoVillage.Accounts.First(a => a.Role == Role.CommitteeChair);

        Assert.Equal(LoginOutcome.Success, (await login.LoginAsync(villager.Phone, DemoVillage.DemoPassword)).Outcome);
        Assert.Equal(LoginOutcome.Success, (await login.LoginAsync(chair.Phone, DemoVillage.DemoPassword)).Outcome);
    }

    [Fact]
    public async Task Seed_AddsASmallNeighbouringVillageInTheSameTown()
    {
        await using var db = fixture.Open();
        var shuixin = await VillageAsync(db, DemoVillage.VillageCode);
        var gaocun = await VillageAsync(db, DemoVillage.GaocunCode);
        Assert.Equal("高村", gaocun.Name);
        Assert.Equal(shuixin.TownId, gaocun.TownId);
        Assert.Equal(20, await db.Households.CountAsync(h => h.VillageId == gaocun.Id));
        var entries = await db.LedgerEntries.Where(e => e.VillageId == gaocun.Id).CountAsync();
        Assert.InRange(entries, 100, 1_000);
        Assert.Equal(20, await db.LedgerEntries.Where(e => e.VillageId == gaocun.Id && e.Kind == EntryKind.Award)
            .Select(e => e.HouseholdId).Distinct().CountAsync());
    }

    [Fact]
    public async Task Seed_ReportsProgressUpToTheTotal()
    {
        Assert.NotEmpty(fixture.ProgressReports);
        var (done, total) = fixture.ProgressReports[^1];
        Assert.Equal(total, done);
        Assert.All(fixture.ProgressReports, r => Assert.Equal(total, r.Total));
        Assert.Equal(fixture.ProgressReports.Select(r => r.Done).Order(), fixture.ProgressReports.Select(r => r.Done));

        await using var db = fixture.Open();
        var rows = await db.Households.CountAsync() + await db.People.CountAsync() + await db.UserAccounts.CountAsync()
            + await db.LedgerEntries.CountAsync();
        Assert.Equal(rows, total);
        output.WriteLine($"Seed took {fixture.SeedTime.TotalSeconds:F1} s for {total} rows");
    }

    [Fact]
    public async Task Seed_DoesNothingWhenAVillageExists()
    {
        await using var db = fixture.Open();
        var entries = await db.LedgerEntries.CountAsync();
        Assert.False(await DemoVillage.SeedAsync(db, fixture.Time));
        Assert.Equal(entries, await db.LedgerEntries.CountAsync());
        Assert.Equal(2, await db.Villages.CountAsync());
    }

    [Fact]
    public async Task Seed_IsTheSameEveryTime()
    {
        await using var first = fixture.Open();
        await using var second = fixture.OpenFile(await fixture.SecondSeedAsync());
        output.WriteLine($"Second seed took {fixture.SecondSeedTime.TotalSeconds:F1} s");

        Assert.Equal(await HouseholdNamesAsync(first), await HouseholdNamesAsync(second));
        Assert.Equal(await PeopleAsync(first), await PeopleAsync(second));
        Assert.Equal(await EntriesAsync(first), await EntriesAsync(second));

        static Task<List<string>> HouseholdNamesAsync(VillagePointsDb db) =>
            db.Households.OrderBy(h => h.VillageId).ThenBy(h => h.Number).Select(h => h.Number + " " + h.HeadName).ToListAsync();

        static Task<List<string>> PeopleAsync(VillagePointsDb db) =>
            db.People.OrderBy(p => p.Id).Select(p => p.Id + " " + p.Name + " " + p.Relation + " " + p.Phone).ToListAsync();

        // Everything an entry states, leaving out its own id (made by the ledger, not by the seed).
        static async Task<List<string>> EntriesAsync(VillagePointsDb db) =>
            (await db.LedgerEntries.AsNoTracking().OrderBy(e => e.VillageId).ThenBy(e => e.Number).ToListAsync())
            .Select(e => string.Join('|', e.VillageId, e.Number, e.HouseholdId, e.Amount, e.Kind, e.State, e.Reason, e.SourceKind,
                e.SubmittedBy, e.ApprovedBy, e.OccurredOn.ToString("O", CultureInfo.InvariantCulture), e.RecordedAt.UtcTicks))
            .ToList();
    }

    /// <summary>The chain head is reproducible because the seed passes its own entry ids in.</summary>
    [Fact]
    public async Task Seed_EndsOnTheSameChainHeadEveryTime()
    {
        await using var first = fixture.Open();
        await using var second = fixture.OpenFile(await fixture.SecondSeedAsync());
        Assert.Equal(await ChainHeadsAsync(first), await ChainHeadsAsync(second));

        static Task<List<string>> ChainHeadsAsync(VillagePointsDb db) =>
            db.VillageLedgerHeads.OrderBy(h => h.VillageId).Select(h => h.LastNumber + ":" + h.LastHash).ToListAsync();
    }

    [Fact]
    public async Task Seed_PublishesTheSeedsSixRulesExactlyAndACatalogue()
    {
        await using var db = fixture.Open();
        var shuixin = await VillageAsync(db, DemoVillage.VillageCode);
        var rules = await db.Rules.AsNoTracking().Where(r => r.VillageId == shuixin.Id).ToListAsync();
        var versions = await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == shuixin.Id).ToListAsync();
        var today = BusinessCalendar.Today(fixture.Time);
        int Current(string name)
        {
            var rule = rules.Single(r => r.NameZh == name);
            var v = RuleBook.InForce(versions.Where(x => x.RuleId == rule.Id), today)!;
            return rule.Direction == RuleDirection.Deduction ? -v.BasePoints : v.BasePoints;
        }

        Assert.Equal([5, 10, 10, -5, -10, -10],
            new[] { "清理卫生死角", "志愿服务", "红白事简办", "乱倒垃圾", "家禽散养", "婚丧嫁娶大操大办" }.Select(Current));
        Assert.InRange(rules.Count, 6 + 25, 6 + 40);
        Assert.Equal(7, await db.RuleCategories.CountAsync(c => c.VillageId == shuixin.Id));
        var changed = versions.Where(v => v.Number == 2).ToList();
        Assert.Contains(changed, v => v.EffectiveFrom.Year == 2024
            && versions.Single(x => x.RuleId == v.RuleId && x.Number == 1).BasePoints != v.BasePoints);
    }

    [Fact]
    public async Task Seed_PublishesTheSameRulesEveryTime()
    {
        await using var first = fixture.Open();
        await using var second = fixture.OpenFile(await fixture.SecondSeedAsync());
        Assert.Equal(await RulesAsync(first), await RulesAsync(second));

        static async Task<List<string>> RulesAsync(VillagePointsDb db) =>
            (await db.RuleVersions.AsNoTracking().OrderBy(v => v.VillageId).ThenBy(v => v.RuleId).ThenBy(v => v.Number).ToListAsync())
            .Select(v => string.Join('|', v.VillageId, v.RuleId, v.Number, v.EffectiveFrom, v.BasePoints)).ToList();
    }
}
