using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Core.Reports;
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
        // Upheld objections reverse an entry or two and the shop's checkouts redeem (a few cancelled by reversal); nothing is adjusted.
        Assert.All(await entries.Where(e => e.Kind != EntryKind.BaseGrant && e.Kind != EntryKind.Award && e.Kind != EntryKind.Deduction).ToListAsync(),
            e => Assert.Contains((e.Kind, e.SourceKind), new[]
            {
                (EntryKind.Reversal, SourceKinds.Objection), (EntryKind.Redemption, SourceKinds.Checkout), (EntryKind.Reversal, SourceKinds.Checkout),
            }));
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
    public async Task Seed_PostsEveryAwardAndDeductionFromAnApprovedClaim_AsTheClaimDeskWould()
    {
        await using var db = fixture.Open();
        foreach (var code in new[] { DemoVillage.VillageCode, DemoVillage.GaocunCode })
        {
            var village = await VillageAsync(db, code);
            // What upheld objections add is checked in DemoNoticeTests, what the shop's checkouts write in DemoShopTests.
            var entries = await db.LedgerEntries.AsNoTracking()
                .Where(e => e.VillageId == village.Id && e.Kind != EntryKind.BaseGrant && e.SourceKind != SourceKinds.Objection
                            && e.SourceKind != SourceKinds.Checkout).ToListAsync();
            var claims = await db.Claims.AsNoTracking().Where(c => c.VillageId == village.Id).ToDictionaryAsync(c => c.Number);
            var rules = await db.Rules.AsNoTracking().Where(r => r.VillageId == village.Id).ToDictionaryAsync(r => r.Id);
            Assert.NotEmpty(entries);
            Assert.All(entries, e =>
            {
                Assert.Equal(SourceKinds.Claim, e.SourceKind);
                var claim = claims[long.Parse(e.SourceRef!["claim:".Length..], CultureInfo.InvariantCulture)];
                Assert.Equal($"claim:{claim.Number}", e.SourceRef);
                Assert.Equal((ClaimState.Approved, e.Number), (claim.State, claim.EntryNumber!.Value));
                Assert.Equal((claim.HouseholdId, claim.Points, claim.RuleId, claim.RuleVersion, claim.OccurredOn),
                    (e.HouseholdId, e.Amount, e.RuleId!.Value, e.RuleVersion!.Value, e.OccurredOn));
                Assert.Equal((claim.SubmittedBy, claim.ResolvedBy), (e.SubmittedBy!.Value, e.ApprovedBy));
                Assert.Equal(claim.ResolvedAt, e.RecordedAt);
                var rule = rules[claim.RuleId];
                Assert.Equal((rule.NameZh, rule.Direction == RuleDirection.Deduction ? EntryKind.Deduction : EntryKind.Award), (e.Reason, e.Kind));
            });
            Assert.Equal(claims.Values.Count(c => c.State == ClaimState.Approved), entries.Count);
        }
    }

    [Fact]
    public async Task Seed_FilesClaimsThroughAllFourChannels_FromTheRightKindOfAccount()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.VillageId == village.Id).ToDictionaryAsync(r => r.UserId);
        var claims = await db.Claims.AsNoTracking().Where(c => c.VillageId == village.Id).ToListAsync();
        Assert.Equal(Enum.GetValues<ClaimChannel>().Order(), claims.Select(c => c.Channel).Distinct().Order());
        Assert.All(claims, c =>
        {
            var submitter = roles[c.SubmittedBy];
            switch (c.Channel)
            {
                case ClaimChannel.SelfDeclaration:
                    Assert.Equal((Role.Villager, c.HouseholdId), (submitter.Role, submitter.HouseholdId!.Value));
                    break;
                case ClaimChannel.NeighbourRecommendation:
                    Assert.Equal(Role.Villager, submitter.Role);
                    Assert.NotEqual(c.HouseholdId, submitter.HouseholdId);
                    break;
                case ClaimChannel.Patrol:
                    Assert.Equal(Role.GridWorker, submitter.Role);
                    break;
                default:
                    // An activity's organiser, a committee member perhaps, files its attendees' claims.
                    Assert.Contains(submitter.Role, c.ActivityId is null ? [Role.ReviewGroup] : new[] { Role.ReviewGroup, Role.CommitteeMember });
                    break;
            }
        });
        output.WriteLine(string.Join(", ", claims.GroupBy(c => c.Channel).Select(g => $"{g.Key} {g.Count()}")));
    }

    [Fact]
    public async Task Seed_ReviewsInTwoStepsInShuixin_NeverByTheSubmitterOrTheHousehold()
    {
        await using var db = fixture.Open();
        var shuixin = await VillageAsync(db, DemoVillage.VillageCode);
        var gaocun = await VillageAsync(db, DemoVillage.GaocunCode);
        Assert.True(shuixin.Settings.TwoStepReview);
        Assert.False(gaocun.Settings.TwoStepReview);
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.VillageId != null).ToListAsync();
        Role RoleOf(Guid user, Guid village) => roles.Single(r => r.UserId == user && r.VillageId == village).Role;
        var committee = new[] { Role.CommitteeChair, Role.CommitteeMember };

        var approved = await db.Claims.AsNoTracking().Where(c => c.State == ClaimState.Approved).ToListAsync();
        Assert.All(approved, c =>
        {
            Assert.NotEqual(c.SubmittedBy, c.ResolvedBy);
            Assert.DoesNotContain(roles, r => r.UserId == c.ResolvedBy && r.HouseholdId == c.HouseholdId);
            Assert.Contains(RoleOf(c.ResolvedBy!.Value, c.VillageId), committee);
            Assert.True(c.SubmittedAt < c.ResolvedAt);
            if (c.VillageId == shuixin.Id)
            {
                Assert.Equal(Role.ReviewGroup, RoleOf(c.FirstReviewedBy!.Value, c.VillageId));
                Assert.NotEqual(c.SubmittedBy, c.FirstReviewedBy);
                Assert.True(c.SubmittedAt < c.FirstReviewedAt && c.FirstReviewedAt < c.ResolvedAt);
            }
            else
            {
                Assert.Null(c.FirstReviewedBy);
            }
        });
        Assert.Equal(2, approved.Where(c => c.VillageId == shuixin.Id).Select(c => c.FirstReviewedBy).Distinct().Count());
    }

    [Fact]
    public async Task Seed_LeavesSomeClaimsRejectedOrReturned_AndAQueueForToday()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        var claims = await db.Claims.AsNoTracking().Where(c => c.VillageId == village.Id).ToListAsync();
        var rejected = claims.Where(c => c.State == ClaimState.Rejected).ToList();
        var returned = claims.Where(c => c.State == ClaimState.Returned).ToList();
        Assert.InRange(rejected.Count, claims.Count / 100, claims.Count / 20);
        Assert.InRange(returned.Count, claims.Count / 200, claims.Count / 40);
        Assert.All(rejected.Concat(returned), c => Assert.False(string.IsNullOrEmpty(c.ResolutionReason)));
        Assert.All(rejected.Concat(returned), c => Assert.Null(c.EntryNumber));

        var waiting = claims.Where(c => c.Waiting).ToList();
        Assert.InRange(waiting.Count, 20, 40);
        Assert.Contains(waiting, c => c.State == ClaimState.Submitted);
        Assert.Contains(waiting, c => c.State == ClaimState.FirstReviewed);
        Assert.All(waiting, c => Assert.Null(c.EntryNumber));
        Assert.All(waiting, c => Assert.True(c.SubmittedAt <= DemoVillageFixture.Now));
        output.WriteLine($"Shuixin claims: {claims.Count}, rejected {rejected.Count}, returned {returned.Count}, waiting {waiting.Count}");
    }

    [Fact]
    public async Task Seed_GivesEveryWaitingClaimUnderAnEvidenceRuleAPhoto_StoredAsAnUploadIs()
    {
        await using var db = fixture.Open();
        var waiting = await db.Claims.AsNoTracking().Where(c => c.State == ClaimState.Submitted || c.State == ClaimState.FirstReviewed).ToListAsync();
        var versions = await db.RuleVersions.AsNoTracking().ToListAsync();
        var needing = waiting.Where(c => versions.Single(v => v.RuleId == c.RuleId && v.Number == c.RuleVersion).EvidenceRequired).ToList();
        Assert.NotEmpty(needing);
        var photos = await db.EvidencePhotos.AsNoTracking().ToListAsync();
        Assert.All(needing, c => Assert.InRange(
            photos.Count(p => p.VillageId == c.VillageId && p.OwnerKind == "claim" && p.OwnerRef == c.Number.ToString(CultureInfo.InvariantCulture)),
            1, EvidencePhoto.MaxPhotosPerClaim));
        foreach (var photo in photos)
        {
            await using var stored = await fixture.Evidence.OpenReadAsync(photo.ContentKey);
            Assert.NotNull(stored);
            var bytes = new MemoryStream();
            await stored.CopyToAsync(bytes);
            Assert.Equal(photo.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.ToArray())));
            Assert.Equal(PhotoType.Jpeg, PhotoProcessing.Sniff(bytes.ToArray()));
        }
    }

    [Fact]
    public async Task Seed_ScoresEachClaimByTheRuleVersionInForceOnItsDay()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        var frontDoor = await db.Rules.AsNoTracking().SingleAsync(r => r.VillageId == village.Id && r.Code == "env-front-door");
        var versions = await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == village.Id).ToListAsync();
        var changedOn = versions.Single(v => v.RuleId == frontDoor.Id && v.Number == 2).EffectiveFrom;
        Assert.Equal(new DateOnly(2024, 7, 1), changedOn);

        var claims = await db.Claims.AsNoTracking().Where(c => c.VillageId == village.Id).ToListAsync();
        Assert.All(claims, c => Assert.Equal(RuleBook.InForce(versions.Where(v => v.RuleId == c.RuleId), c.OccurredOn)!.Number, c.RuleVersion));
        // A reversal carries the rule of the entry it undoes, with the opposite amount.
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == village.Id && e.RuleId == frontDoor.Id && e.Kind != EntryKind.Reversal)
            .ToListAsync();
        Assert.Contains(entries, e => e.RuleVersion == 1 && e.OccurredOn < changedOn && e.Amount == 3);
        Assert.Contains(entries, e => e.RuleVersion == 2 && e.OccurredOn >= changedOn && e.Amount == 4);
        Assert.All(entries, e => Assert.Equal(e.OccurredOn < changedOn ? 1 : 2, e.RuleVersion));
        Assert.Contains(claims, c => c.ExplanationZh == "门前三包 3 分 = 3 分");

        // One of the seed's six changed too: dumping rubbish cost 3 points until April 2024, the seed's 5 since.
        var litter = await db.Rules.AsNoTracking().SingleAsync(r => r.VillageId == village.Id && r.Code == "env-litter");
        var dumped = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == village.Id && e.RuleId == litter.Id && e.Kind != EntryKind.Reversal)
            .ToListAsync();
        Assert.All(dumped, e => Assert.Equal(e.OccurredOn < new DateOnly(2024, 4, 1) ? (1, -3) : (2, -5), (e.RuleVersion!.Value, e.Amount)));
        Assert.Contains(dumped, e => e.RuleVersion == 1);
        Assert.Contains(dumped, e => e.RuleVersion == 2);
        Assert.Contains(claims, c => c.ExplanationEn == "Keeping one's frontage clean: 4 pts = 4 pts");
    }

    [Fact]
    public async Task Seed_HoldsVolunteerActivities_WhoseConfirmedAttendancesGiveTheArticlesPersonTimes()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        var stats = await new VillageStats(db).ComputeAsync(village.Id);
        // The article: "带动参与村庄清洁等志愿服务近10,000人次".
        Assert.InRange(stats.VolunteerPersonTimes, 9_000, 10_000);

        var activities = await db.Activities.AsNoTracking().Where(a => a.VillageId == village.Id).ToListAsync();
        var attendances = await db.ActivityAttendances.AsNoTracking().Where(a => a.VillageId == village.Id).ToListAsync();
        var claims = await db.Claims.AsNoTracking().Where(c => c.VillageId == village.Id && c.ActivityId != null).ToDictionaryAsync(c => c.Number);
        var volunteer = await db.Rules.AsNoTracking().SingleAsync(r => r.VillageId == village.Id && r.Code == "volunteer-service");
        Assert.Equal(Enumerable.Range(1, activities.Count).Select(n => (long)n), activities.OrderBy(a => a.HeldOn).Select(a => a.Number));
        Assert.Contains(activities, a => a.Title == "村庄清洁日" && a.HeldOn.Year == 2023);
        Assert.All(activities, a => Assert.Equal(attendances.Count(x => x.ActivityId == a.Id), a.AttendeeCount));
        Assert.All(activities, a => Assert.InRange(a.AttendeeCount, 1, a.Capacity));

        var confirmed = activities.Where(a => a.State == ActivityState.Confirmed).ToDictionary(a => a.Id);
        Assert.Equal(activities.Count, confirmed.Count + activities.Count(a => a.State == ActivityState.Open && a.HeldOn >= new DateOnly(2026, 11, 28)));
        Assert.All(attendances.Where(x => confirmed.ContainsKey(x.ActivityId)), x =>
        {
            var claim = claims[x.ClaimNumber!.Value];
            var activity = confirmed[x.ActivityId];
            Assert.Equal((x.ActivityId, x.HouseholdId, volunteer.Id, ClaimChannel.GroupInspection, activity.OrganiserId, activity.HeldOn),
                (claim.ActivityId!.Value, claim.HouseholdId, claim.RuleId, claim.Channel, claim.SubmittedBy, claim.OccurredOn));
            Assert.Equal(activity.ConfirmedAt, claim.SubmittedAt);
            // Confirmed attendance is not in doubt: approved with its entry, or still in review if it was confirmed just now.
            Assert.True(claim.State == ClaimState.Approved ? claim.EntryNumber is not null : claim.Waiting, $"claim {claim.Number} is {claim.State}");
        });
        Assert.Equal(claims.Count, attendances.Count(x => x.ClaimNumber is not null));
        output.WriteLine($"{activities.Count} activities, {stats.VolunteerPersonTimes} person-times, {claims.Values.Count(c => c.Waiting)} of their claims waiting");
    }

    [Fact]
    public async Task Seed_NeverGoesPastARulesCap()
    {
        await using var db = fixture.Open();
        var versions = await db.RuleVersions.AsNoTracking().ToListAsync();
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.RuleId != null)
            .Select(e => new { e.VillageId, e.HouseholdId, e.RuleId, e.RuleVersion, e.OccurredOn, e.Amount }).ToListAsync();
        foreach (var g in entries.GroupBy(e => (e.VillageId, e.HouseholdId, e.RuleId, e.OccurredOn.Year, e.OccurredOn.Month)))
        {
            var cap = versions.Where(v => v.RuleId == g.Key.RuleId).Select(v => v.CapPerMonth).Max();
            if (cap is { } c)
                Assert.True(Math.Abs(g.Sum(e => e.Amount)) <= c, $"{g.Key} has {g.Sum(e => e.Amount)} over its cap of {c}");
        }
        foreach (var g in entries.GroupBy(e => (e.VillageId, e.HouseholdId, e.RuleId, e.OccurredOn.Year)))
        {
            var cap = versions.Where(v => v.RuleId == g.Key.RuleId).Select(v => v.CapPerYear).Max();
            if (cap is { } c)
                Assert.True(Math.Abs(g.Sum(e => e.Amount)) <= c, $"{g.Key} has {g.Sum(e => e.Amount)} over its cap of {c}");
        }
    }

    [Fact]
    public async Task Seed_KeepsMonthTotalsThatAgreeWithItsEntries()
    {
        await using var db = fixture.Open();
        var village = await VillageAsync(db, DemoVillage.VillageCode);
        // A reversal (an upheld objection) counts under the kind of the entry it undoes.
        var all = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == village.Id)
            .Select(e => new { e.Id, e.HouseholdId, e.OccurredOn, e.Kind, e.Amount, e.ReversesEntryId }).ToListAsync();
        var kinds = all.ToDictionary(e => e.Id, e => e.Kind);
        Assert.Contains(all, e => e.Kind == EntryKind.Reversal);
        var entries = all.Select(e => new { e.HouseholdId, e.OccurredOn, Kind = e.ReversesEntryId is { } r ? kinds[r] : e.Kind, e.Amount }).ToList();
        var fromEntries = entries
            .GroupBy(e => (e.HouseholdId, HouseholdMonthTotal.MonthOf(e.OccurredOn)))
            .ToDictionary(g => g.Key, g => (
                Awarded: g.Where(e => e.Kind == EntryKind.Award).Sum(e => (long)e.Amount),
                Deducted: -g.Where(e => e.Kind == EntryKind.Deduction).Sum(e => (long)e.Amount),
                Redeemed: -g.Where(e => e.Kind == EntryKind.Redemption).Sum(e => (long)e.Amount),
                Net: g.Sum(e => (long)e.Amount),
                EntryCount: (long)g.Count()));
        var stored = await db.HouseholdMonthTotals.AsNoTracking().Where(t => t.VillageId == village.Id)
            .ToDictionaryAsync(t => (t.HouseholdId, t.Month), t => (t.Awarded, t.Deducted, t.Redeemed, t.Net, t.EntryCount));

        Assert.True(stored.Count > 630 * 12, $"only {stored.Count} month rows");
        Assert.Equal(fromEntries.Count, stored.Count);
        Assert.All(fromEntries, kv => Assert.Equal(kv.Value, stored[kv.Key]));
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
        // An entry is recorded when its claim is approved: the day of the deed or a few days after.
        Assert.All(entries, e => Assert.InRange(BusinessCalendar.DateOf(e.RecordedAt).DayNumber - e.OccurredOn.DayNumber, 0, 7));
        Assert.True(entries[^1].RecordedAt <= DemoVillageFixture.Now);
        Assert.InRange(BusinessCalendar.DateOf(entries[^1].RecordedAt), new DateOnly(2026, 11, 28), new DateOnly(2026, 11, 29));
    }

    [Fact]
    public async Task Seed_PublicisesOnlyLastMonthOnTheBoardAndThisMonth()
    {
        await using var db = fixture.Open();
        // On 29 November October's notice is still on the board: entries dated from October on are publicised. Points spent
        // at the shop are gone at once, so redemptions are effective whenever they happened.
        var october = new DateOnly(2026, 10, 1);
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.Kind != EntryKind.Reversal && e.Kind != EntryKind.Redemption)
            .Select(e => new { e.OccurredOn, e.State }).ToListAsync();
        Assert.All(await db.LedgerEntries.AsNoTracking().Where(e => e.Kind == EntryKind.Redemption).Select(e => e.State).Distinct().ToListAsync(),
            state => Assert.Equal(EntryState.Effective, state));
        var states = entries.Select(e => new { Current = e.OccurredOn >= october, e.State }).Distinct().ToList();
        Assert.Equal(
            new[] { (false, EntryState.Effective), (true, EntryState.Publicised) },
            states.Select(s => (s.Current, s.State)).Order());
    }

    [Fact]
    public void Plan_KeepsLastMonthPublicisedWhileItsNoticeIsOnTheBoard()
    {
        var now = new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.Zero);
        var villageId = Guid.CreateVersion7(now);
        var households = Enumerable.Range(0, 20).Select(_ => Guid.CreateVersion7(now)).ToList();
        var chair = Guid.CreateVersion7(now);
        var (_, rules, versions) = DemoRules.For(villageId, new DateOnly(2026, 6, 1), now, chair, 1);
        var people = new DemoReviewers(Guid.CreateVersion7(now), [Guid.CreateVersion7(now)], chair, null,
            households.Select(_ => (Guid?)Guid.CreateVersion7(now)).ToList());
        var members = households.Select(_ => (IReadOnlyList<DemoMember>)[new DemoMember(Guid.CreateVersion7(now), "陈伟")]).ToList();
        var plan = DemoLedgerPlan.Create(new Random(1), villageId, households, members, new VillageSettings(),
            new LedgerProfile(new DateOnly(2026, 6, 1), 3_000, 100), people, rules, versions, now);

        // November's notice went up yesterday and its window is open; October's has closed.
        var november = new DateOnly(2026, 11, 1);
        Assert.Contains(plan.Entries, c => BusinessCalendar.DateOf(c.RecordedAt!.Value) >= new DateOnly(2026, 12, 1));
        Assert.All(plan.Entries.Where(c => c.Kind != EntryKind.Reversal),
            c => Assert.Equal(c.OccurredOn >= november ? EntryState.Publicised : EntryState.Effective, c.State));
        var last = plan.Notices[^1];
        Assert.Equal((202611, false), (last.Month, last.Closed));
        Assert.True(last.PublishedAt <= now && last.WindowClosesAt > now, $"published {last.PublishedAt}, closes {last.WindowClosesAt}");
        Assert.All(plan.Notices.SkipLast(1), n => Assert.True(n.Closed && n.WindowClosesAt <= now));
        // A few claims are rejected, returned or still waiting, caps trim some, and a one-person household comes to an
        // activity only once: most of the planned points reach the ledger.
        Assert.InRange(plan.Entries.Where(c => c.Amount > 0).Sum(c => c.Amount), 20 * 100 + 1_500, 20 * 100 + 3_010);
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
        var published = DemoVillage.Accounts.Select(a => a.Phone).ToList();
        var users = await db.UserAccounts.AsNoTracking().Include(u => u.Roles).Where(u => published.Contains(u.Phone)).ToListAsync();
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
        // Every other household with a phone has its head's villager login too, unpublished, to declare and recommend with.
        var householdLogins = await db.RoleAssignments.AsNoTracking().Where(r => r.VillageId == shuixin.Id && r.Role == Role.Villager).CountAsync();
        Assert.Equal(await db.Households.CountAsync(h => h.VillageId == shuixin.Id && h.Phone != null), householdLogins);
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
            + await db.LedgerEntries.CountAsync() + await db.Claims.CountAsync() + await db.ActivityAttendances.CountAsync()
            + await db.Notices.CountAsync() + await db.Objections.CountAsync();
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
        Assert.Equal(await ClaimsAsync(first), await ClaimsAsync(second));
        Assert.Equal(await PhotosAsync(first), await PhotosAsync(second));
        Assert.Equal(await RostersAsync(first), await RostersAsync(second));

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

        static async Task<List<string>> ClaimsAsync(VillagePointsDb db) =>
            (await db.Claims.AsNoTracking().OrderBy(c => c.VillageId).ThenBy(c => c.Number).ToListAsync())
            .Select(c => string.Join('|', c.Id, c.Number, c.Channel, c.HouseholdId, c.RuleId, c.RuleVersion, c.Points, c.ExplanationZh, c.State,
                c.SubmittedBy, c.SubmittedAt.UtcTicks, c.FirstReviewedBy, c.ResolvedBy, c.ResolvedAt?.UtcTicks, c.ResolutionReason, c.EntryNumber))
            .ToList();

        static Task<List<string>> RostersAsync(VillagePointsDb db) =>
            db.ActivityAttendances.OrderBy(a => a.Id).Select(a => a.Id + " " + a.ActivityId + " " + a.PersonId + " " + a.ClaimNumber).ToListAsync();

        static Task<List<string>> PhotosAsync(VillagePointsDb db) =>
            db.EvidencePhotos.OrderBy(p => p.Id).Select(p => p.Id + " " + p.OwnerRef + " " + p.Sha256).ToListAsync();
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
