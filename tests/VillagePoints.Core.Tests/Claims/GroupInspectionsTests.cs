using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using Household = VillagePoints.Core.Places.Household;
using VillagerGroup = VillagePoints.Core.Places.VillagerGroup;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Claims.ClaimDeskTests;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Claims;

/// <summary>
/// Group inspection (小组检查): one batch of claims, all or nothing. The village of <see cref="ClaimDeskTests"/> gets two checklist
/// rules allowed on the GroupInspection channel, "庭院整洁" (+5) and "家禽散养" (−10), and a second villager group with household 4.
/// </summary>
public sealed class GroupInspectionsTests
{
    private static readonly DateOnly Yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);

    private static async Task<Village> ArrangeInspectionAsync(TestDatabase database)
    {
        var x = await ArrangeAsync(database);
        await using var db = database.NewContext();
        var book = new RuleBook(db, TimeProvider.System);
        await book.CreateAsync(new CreateRule(x.V.VillageId, "env", "tidy-yard", "庭院整洁", "Tidy yard", null,
            RuleDirection.Award, new RuleTerms(5, [ClaimChannel.GroupInspection]), x.Member));
        await book.CreateAsync(new CreateRule(x.V.VillageId, "env", "loose-poultry", "家禽散养", "Poultry roaming loose", null,
            RuleDirection.Deduction, new RuleTerms(10, [ClaimChannel.GroupInspection, ClaimChannel.Patrol]), x.Member));
        var group = new VillagerGroup { VillageId = x.V.VillageId, Id = Ids.New(), Number = 2, Name = "第二村民小组" };
        db.VillagerGroups.Add(group);
        db.Households.Add(new Household { VillageId = x.V.VillageId, Id = Ids.New(), Number = 4, GroupId = group.Id, HeadName = "周四", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return x;
    }

    private static GroupInspections Inspections(VillagePointsDb db) =>
        new(db, Desk(db), Posting(db), TimeProvider.System);

    private static InspectionMark M(int householdNo, string ruleCode, string? note = null) => new(householdNo, ruleCode, note);

    private static RecordInspection Inspect(Village x, params InspectionMark[] marks) =>
        new(x.V.VillageId, 1, Yesterday, marks, x.Reviewer);

    private static async Task<List<Claim>> ClaimsAsync(TestDatabase database, Village x)
    {
        await using var db = database.NewContext();
        return await db.Claims.AsNoTracking().Where(c => c.VillageId == x.V.VillageId).OrderBy(c => c.Number).ToListAsync();
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_inspection_writes_one_claim_per_mark_under_one_inspection_number(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeInspectionAsync(database);
        await SubmitAsync(database, Declare(x));
        await using var db = database.NewContext();

        var first = await Inspections(db).RecordAsync(Inspect(x, M(1, "tidy-yard"), M(2, "tidy-yard"), M(3, "loose-poultry", "鸡在路上")) with { IdempotencyKey = "inspect-1" });
        var retried = await Inspections(db).RecordAsync(Inspect(x, M(1, "tidy-yard"), M(2, "tidy-yard"), M(3, "loose-poultry", "鸡在路上")) with { IdempotencyKey = "inspect-1" });
        var second = await Inspections(db).RecordAsync(Inspect(x, M(2, "loose-poultry")));

        Assert.Equal((1L, 1L, 2L), (first.InspectionNumber, retried.InspectionNumber, second.InspectionNumber));
        var claims = await ClaimsAsync(database, x);
        Assert.Equal([(null, 0), (1L, 5), (1L, 5), (1L, -10), (2L, -10)],
            claims.Select(c => (c.InspectionNumber, c.Channel == ClaimChannel.GroupInspection ? c.Points : 0)));
        Assert.Equal([2L, 3L, 4L], first.Claims.Select(c => c.Number));
        Assert.All(claims.Skip(1), c => Assert.Equal((ClaimState.Submitted, x.Reviewer), (c.State, c.SubmittedBy)));
        Assert.Equal("鸡在路上", claims[3].Note);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task One_bad_mark_refuses_the_whole_inspection_names_the_mark_and_writes_nothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeInspectionAsync(database);
        await using var db = database.NewContext();
        var inspections = Inspections(db);

        async Task<(string, int)> RefusedAsync(RecordInspection c)
        {
            var ex = await Assert.ThrowsAsync<InspectionMarkException>(() => inspections.RecordAsync(c));
            return (ex.Code, ex.Mark);
        }

        Assert.Equal(("claim.channel-not-allowed", 1), await RefusedAsync(Inspect(x, M(1, "tidy-yard"), M(2, "clean-corner"))));
        Assert.Equal(("household.not-found", 1), await RefusedAsync(Inspect(x, M(1, "tidy-yard"), M(9, "tidy-yard"))));
        Assert.Equal(("inspection.household-not-in-group", 0), await RefusedAsync(Inspect(x, M(4, "tidy-yard"))));
        Assert.Equal(("inspection.duplicate-mark", 2), await RefusedAsync(Inspect(x, M(1, "tidy-yard"), M(2, "tidy-yard"), M(1, "tidy-yard"))));
        Assert.Equal(("rule.not-found", 0), await RefusedAsync(Inspect(x, M(1, "no-such-rule"))));
        Assert.Equal(("claim.channel-role", 0), await RefusedAsync(Inspect(x, M(1, "tidy-yard")) with { SubmittedBy = x.Villager }));
        Assert.Equal("inspection.group-not-found", await OutcomeAsync(() => inspections.RecordAsync(Inspect(x, M(1, "tidy-yard")) with { GroupNo = 7 })));
        Assert.Equal("inspection.no-marks", await OutcomeAsync(() => inspections.RecordAsync(Inspect(x))));
        Assert.Equal("entry.occurred-on-future", await OutcomeAsync(() => inspections.RecordAsync(Inspect(x, M(1, "tidy-yard")) with { OccurredOn = Yesterday.AddDays(3) })));

        Assert.Empty(await ClaimsAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Claims_of_an_inspection_are_reviewed_one_by_one_like_any_other(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeInspectionAsync(database);
        await using (var db = database.NewContext())
            await Inspections(db).RecordAsync(Inspect(x, M(2, "tidy-yard"), M(3, "loose-poultry")) with { SubmittedBy = x.Member });

        Assert.Equal("claim.own-submission", await DecideAsync(database, Decide(x, 1, x.Member)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, 1, x.Chair)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, 2, x.Chair, ClaimDecision.Reject, "检查时认错了户")));

        var entry = Assert.Single(await ClaimEntriesAsync(database, x));
        Assert.Equal((5, "claim:1"), (entry.Amount, entry.SourceRef));
    }
}
