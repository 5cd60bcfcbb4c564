using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;

namespace VillagePoints.Core.Demo;

/// <summary>
/// The demo data: 水心村 in 沙琅镇, 电白区, at the scale the article reports (630 households,
/// about 2,200 people, 265,000 points issued since 2023), plus the small neighbouring 高村 so
/// that village scoping can be shown. The same seed gives the same village every time; only
/// the months of history grow with today's date.
/// </summary>
public static class DemoVillage
{
    public const string VillageCode = "shuixin";
    public const string GaocunCode = "gaocun";
    public const string TownCode = "shalang";
    public const string DistrictCode = "dianbai";
    public const string DemoPassword = "Demo@2026";

    internal const string StaffPhonePrefix = "1390000";

    /// <summary>
    /// Entries per ledger batch. Every batch spans all households (entries go in time order), so
    /// each one also rewrites every balance; fewer, larger batches save most of those updates.
    /// </summary>
    internal const int BatchSize = 5_000;

    internal static readonly DateOnly ShuixinOpening = new(2023, 1, 1);
    internal static readonly DateOnly GaocunOpening = new(2025, 3, 1);

    // With 630 base grants of 100 this makes the article's 265,000 points issued.
    internal const int ShuixinAwardPoints = 207_000;
    internal const int ShuixinDeductionPoints = 3_000;
    internal const int GaocunAwardPoints = 1_800;
    internal const int GaocunDeductionPoints = 80;

    private enum Scope
    {
        Everywhere,
        District,
        Town,
        Shuixin,
        Gaocun,
    }

    private sealed record AccountSpec(DemoAccount Account, Scope Scope, int? HouseholdNumber = null);

    private static readonly Lazy<IReadOnlyList<AccountSpec>> Specs = new(CreateSpecs);

    /// <summary>One login for every role, for the README and the startup banner.</summary>
    public static IReadOnlyList<DemoAccount> Accounts => AccountList.Value;

    private static readonly Lazy<IReadOnlyList<DemoAccount>> AccountList = new(() => Specs.Value.Select(s => s.Account).ToList());

    /// <summary>
    /// Writes the demo places, people, accounts, rules, activities, claims and ledger history. Does nothing and returns false
    /// if any village exists already. Expects a fresh context: it clears the change tracker between
    /// phases to keep large batches fast. Ledger history goes through <see cref="LedgerPosting"/>
    /// in batches, each its own transaction.
    /// </summary>
    /// <param name="evidence">Where the photos of the claims still waiting for review go; without a store they have none.</param>
    public static async Task<bool> SeedAsync(VillagePointsDb db, TimeProvider time, IProgress<(int Done, int Total)>? progress = null,
        IEvidenceStore? evidence = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        if (await db.Villages.AnyAsync(ct))
            return false;

        var now = time.GetUtcNow();
        var today = BusinessCalendar.DateOf(now);
        var shuixinOpening = Earlier(ShuixinOpening, today.AddDays(-1));
        var gaocunOpening = Earlier(GaocunOpening, today.AddDays(-1));
        var founded = LocalMorning(shuixinOpening);
        var population = DemoPopulation.Instance;
        var ids = new DemoIds(DemoPopulation.Seed);

        var district = new District { Id = ids.New(founded), Code = DistrictCode, Name = "电白区" };
        var town = new Town { Id = ids.New(founded), DistrictId = district.Id, Code = TownCode, Name = "沙琅镇" };
        var shuixin = new Village { Id = ids.New(founded), TownId = town.Id, Code = VillageCode, Name = population.Shuixin.Name, StartedOn = shuixinOpening };
        var gaocun = new Village { Id = ids.New(founded), TownId = town.Id, Code = GaocunCode, Name = population.Gaocun.Name, StartedOn = gaocunOpening };
        // A small village has no review group: its committee decides every claim in one step.
        gaocun.Settings.TwoStepReview = false;
        shuixin.Settings.ShopDays = DemoShop.Days.Aggregate(0, (days, d) => days | ShopHours.Bit(d));
        shuixin.Settings.ShopOpensAt = DemoShop.OpensAt;
        shuixin.Settings.ShopClosesAt = DemoShop.ClosesAt;
        var shuixinRows = Rows(population.Shuixin, shuixin.Id, founded, ids);
        var gaocunRows = Rows(population.Gaocun, gaocun.Id, LocalMorning(gaocunOpening), ids);

        var users = new List<UserAccount>();
        var byRole = new Dictionary<(Role, Scope), UserAccount>();
        foreach (var spec in Specs.Value)
        {
            var user = new UserAccount
            {
                Id = ids.New(founded),
                Phone = spec.Account.Phone,
                DisplayName = spec.Account.DisplayName,
                PasswordHash = "",
                CreatedAt = founded,
            };
            var rows = spec.Scope == Scope.Gaocun ? gaocunRows : shuixinRows;
            var household = spec.HouseholdNumber is { } n ? rows.Households[n - 1] : null;
            user.Roles.Add(new RoleAssignment
            {
                Id = ids.New(founded),
                UserId = user.Id,
                Role = spec.Account.Role,
                DistrictId = spec.Scope == Scope.District ? district.Id : null,
                TownId = spec.Scope == Scope.Town ? town.Id : null,
                VillageId = spec.Scope switch { Scope.Shuixin => shuixin.Id, Scope.Gaocun => gaocun.Id, _ => null },
                HouseholdId = household?.Id,
                PersonId = household is null ? null : rows.People.First(p => p.HouseholdId == household.Id && p.Relation == "户主").Id,
            });
            users.Add(user);
            byRole.TryAdd((spec.Account.Role, spec.Scope), user);
        }
        var shuixinVillagers = VillagerAccounts(shuixinRows, shuixin.Id, users, founded, ids);
        var gaocunVillagers = VillagerAccounts(gaocunRows, gaocun.Id, users, LocalMorning(gaocunOpening), ids);
        // PBKDF2 is deliberately slow and its output carries its own salt, so one hash of the shared,
        // published demo password serves every demo account.
        var passwordHash = PasswordLogin.Hash(users[0], DemoPassword);
        foreach (var user in users)
            user.PasswordHash = passwordHash;

        // The rules come from their own seeded ids, so the ids above are as before.
        var shuixinRules = DemoRules.For(shuixin.Id, shuixinOpening, founded, byRole[(Role.CommitteeChair, Scope.Shuixin)].Id, DemoPopulation.Seed + 11);
        var gaocunRules = DemoRules.For(gaocun.Id, gaocunOpening, founded, byRole[(Role.CommitteeChair, Scope.Gaocun)].Id, DemoPopulation.Seed + 12);

        var shuixinPlan = DemoLedgerPlan.Create(new Random(DemoPopulation.Seed + 1), shuixin.Id,
            shuixinRows.Households.Select(h => h.Id).ToList(), Members(shuixinRows), shuixin.Settings,
            new LedgerProfile(shuixinOpening, ShuixinAwardPoints, ShuixinDeductionPoints),
            new DemoReviewers(byRole[(Role.GridWorker, Scope.Shuixin)].Id,
                users.Where(u => u.Roles[0] is { Role: Role.ReviewGroup } r && r.VillageId == shuixin.Id).Select(u => u.Id).ToList(),
                byRole[(Role.CommitteeChair, Scope.Shuixin)].Id, byRole[(Role.CommitteeMember, Scope.Shuixin)].Id, shuixinVillagers),
            shuixinRules.Rules, shuixinRules.Versions, now,
            new DemoShopPeople(byRole[(Role.ShopClerk, Scope.Shuixin)].Id,
                new Dictionary<string, Guid>
                {
                    [DemoShop.Barber] = users.Single(u => u.Phone == StaffPhonePrefix + "0015").Id,
                    [DemoShop.CarWash] = users.Single(u => u.Phone == StaffPhonePrefix + "0017").Id,
                },
                DemoPopulation.Seed + 31));
        var gaocunPlan = DemoLedgerPlan.Create(new Random(DemoPopulation.Seed + 2), gaocun.Id,
            gaocunRows.Households.Select(h => h.Id).ToList(), Members(gaocunRows), gaocun.Settings,
            new LedgerProfile(gaocunOpening, GaocunAwardPoints, GaocunDeductionPoints),
            new DemoReviewers(byRole[(Role.GridWorker, Scope.Gaocun)].Id, [], byRole[(Role.CommitteeChair, Scope.Gaocun)].Id, null, gaocunVillagers),
            gaocunRules.Rules, gaocunRules.Versions, now);

        var total = shuixinRows.Count + gaocunRows.Count + users.Count + shuixinPlan.Entries.Count + gaocunPlan.Entries.Count
            + shuixinPlan.Claims.Count + gaocunPlan.Claims.Count + shuixinPlan.Attendances.Count + gaocunPlan.Attendances.Count
            + shuixinPlan.Notices.Count + gaocunPlan.Notices.Count + shuixinPlan.Objections.Count + gaocunPlan.Objections.Count;
        var done = 0;
        progress?.Report((done, total));

        db.Districts.Add(district);
        db.Towns.Add(town);
        db.Villages.AddRange(shuixin, gaocun);
        foreach (var rows in new[] { shuixinRows, gaocunRows })
        {
            db.VillagerGroups.AddRange(rows.Groups);
            db.Households.AddRange(rows.Households);
            db.People.AddRange(rows.People);
        }
        db.UserAccounts.AddRange(users);
        foreach (var (categories, rules, versions) in new[] { shuixinRules, gaocunRules })
        {
            db.RuleCategories.AddRange(categories);
            db.Rules.AddRange(rules);
            db.RuleVersions.AddRange(versions);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (WriteRetry.IsUniqueViolation(ex))
        {
            // Another process seeded at the same moment; its data stands.
            db.ChangeTracker.Clear();
            return false;
        }
        db.ChangeTracker.Clear();
        done += shuixinRows.Count + gaocunRows.Count + users.Count;
        progress?.Report((done, total));

        var posting = new LedgerPosting(db, time);
        var chairs = new Dictionary<Guid, Guid> { [shuixin.Id] = byRole[(Role.CommitteeChair, Scope.Shuixin)].Id, [gaocun.Id] = byRole[(Role.CommitteeChair, Scope.Gaocun)].Id };
        foreach (var (villageId, plan) in new[] { (shuixin.Id, shuixinPlan), (gaocun.Id, gaocunPlan) })
        {
            foreach (var batch in plan.Entries.Chunk(BatchSize))
            {
                await posting.PostBatchAsync(villageId, batch, ct);
                // Tracked entries from earlier batches would only slow down the next change detection.
                db.ChangeTracker.Clear();
                done += batch.Length;
                progress?.Report((done, total));
            }
            if (plan.Shop is { } shop)
                await InsertShopAsync(db, shop, ct);
            // Activities before their rosters, and both before the claims that name them.
            db.Activities.AddRange(plan.Activities);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            await DemoBulkInsert.InsertAsync(db, plan.Attendances, ct);
            done += plan.Attendances.Count;
            progress?.Report((done, total));
            foreach (var batch in plan.Claims.Chunk(BatchSize))
            {
                await DemoBulkInsert.InsertAsync(db, batch, ct);
                done += batch.Length;
                progress?.Report((done, total));
            }
            db.Objections.AddRange(plan.Objections);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            done += plan.Objections.Count;
            // Last, as each was built from the ledger and the rosters as they stood when it went up.
            await PublishNoticesAsync(db, villageId, plan.Notices, chairs[villageId], new DemoIds(DemoPopulation.Seed + 21), ct);
            done += plan.Notices.Count;
            progress?.Report((done, total));
        }
        if (evidence is not null)
        {
            var versions = shuixinRules.Versions.Concat(gaocunRules.Versions).ToList();
            db.EvidencePhotos.AddRange(await DemoPhotos.StoreAsync(evidence, shuixinPlan.Claims.Concat(gaocunPlan.Claims), versions, ct));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        return true;
    }

    /// <summary>
    /// Publishes each month's notice as it would have been published then: built by <see cref="NoticeBuilder"/> as of its
    /// publication, up to the last entry recorded before it, with its window as <see cref="NoticeDesk"/> sets it; a closed
    /// one was closed by the scheduled job when its window ran out. Nobody is notified of history.
    /// </summary>
    private static async Task PublishNoticesAsync(VillagePointsDb db, Guid villageId, List<DemoNotice> notices, Guid chair, DemoIds ids,
        CancellationToken ct)
    {
        var previous = (Month: 0, Head: 0L);
        foreach (var n in notices)
        {
            var draft = await new NoticeBuilder(db, new FixedTime(n.PublishedAt)).BuildDraftAsync(villageId, n.Month, n.HeadNumber, ct);
            var document = draft with { State = NoticeDocument.Published, PublishedAt = n.PublishedAt, WindowClosesAt = n.WindowClosesAt };
            var json = NoticeBook.Serialize(document);
            db.Notices.Add(new Notice
            {
                VillageId = villageId,
                Id = ids.New(n.PublishedAt),
                Month = n.Month,
                State = n.Closed ? NoticeState.Closed : NoticeState.Published,
                HeadNumber = draft.ChainHead.EntryNumber,
                HeadHash = draft.ChainHead.Hash,
                PreviousMonth = previous.Month,
                PreviousHeadNumber = previous.Head,
                PublishedAt = n.PublishedAt,
                PublishedBy = chair,
                WindowClosesAt = n.WindowClosesAt,
                ClosedAt = n.Closed ? n.WindowClosesAt : null,
                Document = json,
                DocumentHash = NoticeBook.Hash(json),
            });
            // The next notice's coverage starts from this one's head, read back from the database.
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            previous = (n.Month, draft.ChainHead.EntryNumber);
        }
    }

    /// <summary>
    /// The shop's rows, after the ledger entries its checkout lines name: merchants and items (each with the head of its
    /// stock chain), then the movements, checkouts, lines and vouchers by the bulk path.
    /// </summary>
    private static async Task InsertShopAsync(VillagePointsDb db, DemoShopHistory shop, CancellationToken ct)
    {
        db.Merchants.AddRange(shop.Merchants);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await DemoBulkInsert.InsertAsync(db, shop.Items, ct);
        await DemoBulkInsert.InsertAsync(db, shop.Movements, ct);
        await DemoBulkInsert.InsertAsync(db, shop.Checkouts, ct);
        await DemoBulkInsert.InsertAsync(db, shop.Lines, ct);
        await DemoBulkInsert.InsertAsync(db, shop.Vouchers, ct);
    }

    /// <summary>A clock stopped at one instant: the moment a notice of the past was published.</summary>
    private sealed class FixedTime(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }

    private sealed record VillageRows(List<VillagerGroup> Groups, List<Household> Households, List<Person> People)
    {
        public int Count => Households.Count + People.Count;
    }

    private static List<IReadOnlyList<DemoMember>> Members(VillageRows rows)
    {
        var byHousehold = rows.People.ToLookup(p => p.HouseholdId);
        return rows.Households.Select(h => (IReadOnlyList<DemoMember>)byHousehold[h.Id].Select(p => new DemoMember(p.Id, p.Name)).ToList()).ToList();
    }

    private static VillageRows Rows(PlannedVillage village, Guid villageId, DateTimeOffset created, DemoIds ids)
    {
        var groups = village.Groups
            .Select(g => new VillagerGroup { VillageId = villageId, Id = ids.New(created), Number = g.Number, Name = g.Name })
            .ToList();
        var households = new List<Household>(village.Households.Count);
        var people = new List<Person>();
        foreach (var h in village.Households)
        {
            var household = new Household
            {
                VillageId = villageId,
                Id = ids.New(created),
                Number = h.Number,
                GroupId = groups[h.GroupNumber - 1].Id,
                HeadName = h.Head.Name,
                Address = h.Address,
                Phone = h.Phone,
                CreatedAt = created,
            };
            households.Add(household);
            people.AddRange(h.Members.Select(m => new Person
            {
                VillageId = villageId,
                Id = ids.New(created),
                HouseholdId = household.Id,
                Name = m.Name,
                Relation = m.Relation,
                Phone = m.Phone,
                BirthYear = m.BirthYear,
            }));
        }
        return new VillageRows(groups, households, people);
    }

    /// <summary>
    /// A villager login for every household with a phone that has none among the published accounts: the
    /// household's head declares its deeds and recommends its neighbours. Returned per household, in number order.
    /// </summary>
    private static List<Guid?> VillagerAccounts(VillageRows rows, Guid villageId, List<UserAccount> users, DateTimeOffset created, DemoIds ids)
    {
        var byHousehold = users.SelectMany(u => u.Roles).Where(r => r.VillageId == villageId && r.HouseholdId is not null)
            .ToDictionary(r => r.HouseholdId!.Value, r => r.UserId);
        var heads = rows.People.Where(p => p.Relation == "户主").ToDictionary(p => p.HouseholdId);
        var result = new List<Guid?>(rows.Households.Count);
        foreach (var household in rows.Households)
        {
            if (byHousehold.TryGetValue(household.Id, out var existing))
            {
                result.Add(existing);
                continue;
            }
            if (household.Phone is null)
            {
                result.Add(null);
                continue;
            }
            var head = heads[household.Id];
            var user = new UserAccount { Id = ids.New(created), Phone = household.Phone, DisplayName = head.Name, PasswordHash = "", CreatedAt = created };
            user.Roles.Add(new RoleAssignment
            {
                Id = ids.New(created), UserId = user.Id, Role = Role.Villager, VillageId = villageId, HouseholdId = household.Id, PersonId = head.Id,
            });
            users.Add(user);
            result.Add(user.Id);
        }
        return result;
    }

    private static IReadOnlyList<AccountSpec> CreateSpecs()
    {
        var population = DemoPopulation.Instance;
        AccountSpec Villager(PlannedVillage village, int number, Scope scope, string prefix)
        {
            var household = village.Households[number - 1];
            return new AccountSpec(
                new DemoAccount(household.Phone!, household.Head.Name, Role.Villager,
                    string.Create(CultureInfo.InvariantCulture, $"{prefix}（户号 {number:D4} 户主）")),
                scope, number);
        }
        AccountSpec Staff(string suffix, string name, Role role, Scope scope, string description) =>
            new(new DemoAccount(StaffPhonePrefix + suffix, name, role, description), scope);

        return
        [
            Staff("0001", "郑浩然", Role.Administrator, Scope.Everywhere, "系统管理员（全部村庄）"),
            Staff("0002", "冯志坚", Role.DistrictViewer, Scope.District, "电白区管理员（全区只读）"),
            Staff("0003", "邓丽华", Role.TownViewer, Scope.Town, "沙琅镇管理员（全镇只读）"),
            Staff("0010", "黄建国", Role.CommitteeChair, Scope.Shuixin, "水心村党支部书记、积分制评分管理委员会主任"),
            Staff("0011", "陈秀梅", Role.CommitteeMember, Scope.Shuixin, "水心村两委干部、评分管理委员会委员"),
            Staff("0012", "梁志明", Role.ReviewGroup, Scope.Shuixin, "水心村第一村民小组组长、积分评议小组成员"),
            Staff("0013", "林晓燕", Role.GridWorker, Scope.Shuixin, "水心村网格员"),
            Staff("0014", "李美玲", Role.ShopClerk, Scope.Shuixin, "水心村积分超市管理员"),
            Staff("0015", "吴永强", Role.PartnerMerchant, Scope.Shuixin, "合作商户：永强理发店（理发券）"),
            Staff("0016", "何少芬", Role.ReviewGroup, Scope.Shuixin, "水心村第六村民小组组长、积分评议小组成员"),
            Staff("0017", "陈志华", Role.PartnerMerchant, Scope.Shuixin, "合作商户：志华洗车行（洗车券）"),
            Villager(population.Shuixin, 1, Scope.Shuixin, "水心村村民"),
            Villager(population.Shuixin, 2, Scope.Shuixin, "水心村村民"),
            Staff("0020", "罗国栋", Role.CommitteeChair, Scope.Gaocun, "高村党支部书记、积分制评分管理委员会主任"),
            Staff("0021", "罗志伟", Role.GridWorker, Scope.Gaocun, "高村网格员"),
            Villager(population.Gaocun, 1, Scope.Gaocun, "高村村民"),
        ];
    }

    private static DateOnly Earlier(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateTimeOffset LocalMorning(DateOnly day) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(8, 0)), BusinessCalendar.Zone), TimeSpan.Zero);
}
