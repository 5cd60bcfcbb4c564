using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Claims;

/// <summary>
/// The claim state machine. Each test arranges a village with three households, a villager of household 1, a grid
/// worker, a review group member and two committee members, and the seed's rules "清理卫生死角" (+5) and "志愿服务"
/// (+10 per time, here 10 points an hour to cross the two-reviewer threshold of 20).
/// </summary>
public sealed class ClaimDeskTests
{
    private static readonly DateOnly Yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);

    internal sealed record Village(ArrangedVillage V, Guid Villager, Guid GridWorker, Guid Reviewer, Guid Member, Guid Chair);

    internal static ClaimDesk Desk(VillagePointsDb db) => new(db, Posting(db), new RuleBook(db, TimeProvider.System), TimeProvider.System);

    internal static async Task<Village> ArrangeAsync(TestDatabase database, bool twoSteps = false)
    {
        var v = await VillageBuilder.ArrangeAsync(database, 3);
        await ChangeVillageAsync(database, v, village => village.Settings.TwoStepReview = twoSteps);
        var village = new Village(v,
            await UserAsync(database, v, "王建国", Role.Villager, household: 1),
            await UserAsync(database, v, "李网格", Role.GridWorker),
            await UserAsync(database, v, "赵评议", Role.ReviewGroup),
            await UserAsync(database, v, "陈秀梅", Role.CommitteeMember),
            await UserAsync(database, v, "刘书记", Role.CommitteeChair));
        await using var db = database.NewContext();
        var book = new RuleBook(db, TimeProvider.System);
        await book.CreateCategoryAsync(new CreateRuleCategory(v.VillageId, "env", "环境卫生", "Environment", 1, village.Member));
        await book.CreateAsync(new CreateRule(v.VillageId, "env", "clean-corner", "清理卫生死角", "Clean a neglected corner", null,
            RuleDirection.Award, new RuleTerms(5, [ClaimChannel.SelfDeclaration, ClaimChannel.NeighbourRecommendation, ClaimChannel.Patrol]),
            village.Member));
        await book.CreateAsync(new CreateRule(v.VillageId, "env", "volunteer", "志愿服务", "Volunteer service", null,
            RuleDirection.Award, new RuleTerms(0, [ClaimChannel.SelfDeclaration], PointsPerHour: 10m), village.Member));
        return village;
    }

    internal static SubmitClaim Declare(Village x, string rule = "clean-corner", decimal? hours = null) =>
        new(x.V.VillageId, ClaimChannel.SelfDeclaration, x.V.HouseholdIds[0], rule, Yesterday, x.Villager, hours, Note: "清理了村口的垃圾");

    internal static DecideClaim Decide(Village x, long number, Guid actor, ClaimDecision decision = ClaimDecision.Approve, string? reason = null) =>
        new(x.V.VillageId, number, actor, decision, reason ?? (decision == ClaimDecision.Approve ? null : "照片看不清"));

    internal static async Task<Claim> SubmitAsync(TestDatabase database, SubmitClaim c)
    {
        await using var db = database.NewContext();
        return await Desk(db).SubmitAsync(c);
    }

    internal static async Task<string> DecideAsync(TestDatabase database, DecideClaim c)
    {
        await using var db = database.NewContext();
        return await OutcomeAsync(() => Desk(db).DecideAsync(c));
    }

    private static async Task<Claim> ClaimAsync(TestDatabase database, Village x, long number)
    {
        await using var db = database.NewContext();
        return await db.Claims.AsNoTracking().SingleAsync(c => c.VillageId == x.V.VillageId && c.Number == number);
    }

    internal static async Task<List<LedgerEntry>> ClaimEntriesAsync(TestDatabase database, Village x)
    {
        await using var db = database.NewContext();
        return await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == x.V.VillageId && e.SourceKind == SourceKinds.Claim).ToListAsync();
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SubmitAsync_ScoresTheClaimByItsRule_AndLeavesTheLedgerUntouched(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);

        var claim = await SubmitAsync(database, Declare(x, "volunteer", hours: 2.5m));

        Assert.Equal((1L, ClaimState.Submitted, 25, 1), (claim.Number, claim.State, claim.Points, claim.RuleVersion));
        Assert.Contains("志愿服务", claim.ExplanationZh, StringComparison.Ordinal);
        Assert.Contains("25", claim.ExplanationZh, StringComparison.Ordinal);
        Assert.Contains("Volunteer service", claim.ExplanationEn, StringComparison.Ordinal);
        Assert.Empty(await ClaimEntriesAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SubmitAsync_RefusesChannelsUsedByTheWrongPerson_AndRulesNotAllowedOnTheChannel(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        await using var db = database.NewContext();
        var desk = Desk(db);

        Assert.Equal("claim.not-own-household", await OutcomeAsync(() => desk.SubmitAsync(Declare(x) with { HouseholdId = x.V.HouseholdIds[1] })));
        Assert.Equal("claim.recommend-own-household", await OutcomeAsync(() => desk.SubmitAsync(Declare(x) with { Channel = ClaimChannel.NeighbourRecommendation })));
        Assert.Equal("claim.channel-role", await OutcomeAsync(() => desk.SubmitAsync(Declare(x) with { Channel = ClaimChannel.Patrol, HouseholdId = x.V.HouseholdIds[1] })));
        Assert.Equal("claim.channel-not-allowed", await OutcomeAsync(() => desk.SubmitAsync(Declare(x, "volunteer", 2) with
        {
            Channel = ClaimChannel.Patrol, HouseholdId = x.V.HouseholdIds[1], SubmittedBy = x.GridWorker,
        })));
        Assert.Equal("claim.hours-invalid", await OutcomeAsync(() => desk.SubmitAsync(Declare(x, "volunteer", 25))));
        Assert.Equal("entry.occurred-on-future", await OutcomeAsync(() => desk.SubmitAsync(Declare(x) with { OccurredOn = Yesterday.AddDays(3) })));
        Assert.Equal("ok", await OutcomeAsync(() => desk.SubmitAsync(Declare(x) with
        {
            Channel = ClaimChannel.NeighbourRecommendation, HouseholdId = x.V.HouseholdIds[1],
        })));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ApproveAsync_PostsOneEntry_CarryingTheRuleVersionClaimSubmitterAndApprover(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var claim = await SubmitAsync(database, Declare(x));

        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Member)));

        var entry = Assert.Single(await ClaimEntriesAsync(database, x));
        Assert.Equal((5, EntryKind.Award, EntryState.Publicised, claim.RuleId, 1, "claim:1", x.Villager, x.Member, Yesterday),
            (entry.Amount, entry.Kind, entry.State, entry.RuleId!.Value, entry.RuleVersion!.Value, entry.SourceRef!, entry.SubmittedBy!.Value,
                entry.ApprovedBy!.Value, entry.OccurredOn));
        var after = await ClaimAsync(database, x, claim.Number);
        Assert.Equal((ClaimState.Approved, entry.Number), (after.State, after.EntryNumber!.Value));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_claim_resolves_once_approve_after_reject_double_approve_and_withdraw_after_approve_are_refused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var rejected = await SubmitAsync(database, Declare(x));
        var approved = await SubmitAsync(database, Declare(x) with { Note = "第二次" });

        Assert.Equal("ok", await DecideAsync(database, Decide(x, rejected.Number, x.Member, ClaimDecision.Reject)));
        Assert.Equal("claim.already-resolved", await DecideAsync(database, Decide(x, rejected.Number, x.Chair)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, approved.Number, x.Member)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, approved.Number, x.Member)));
        Assert.Equal("claim.already-resolved", await DecideAsync(database, Decide(x, approved.Number, x.Chair)));
        await using (var db = database.NewContext())
            Assert.Equal("claim.already-resolved", await OutcomeAsync(() => Desk(db).WithdrawAsync(new WithdrawClaim(x.V.VillageId, approved.Number, x.Villager))));

        Assert.Single(await ClaimEntriesAsync(database, x));
        Assert.Equal(ClaimState.Rejected, (await ClaimAsync(database, x, rejected.Number)).State);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Two_approvals_at_the_same_moment_post_one_entry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var claim = await SubmitAsync(database, Declare(x));

        var outcomes = await RunTogetherAsync(2, i => DecideAsync(database, Decide(x, claim.Number, i == 0 ? x.Member : x.Chair)));

        Assert.Equal(["claim.already-resolved", "ok"], outcomes.Order(StringComparer.Ordinal));
        Assert.Single(await ClaimEntriesAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Nobody_reviews_a_claim_they_submitted_or_one_about_their_own_household(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var byMember = await SubmitAsync(database, Declare(x) with
        {
            Channel = ClaimChannel.Patrol, HouseholdId = x.V.HouseholdIds[2], SubmittedBy = x.Member,
        });
        var neighbour = await UserAsync(database, x.V, "孙邻居", Role.CommitteeMember, household: 1);
        var aboutHousehold1 = await SubmitAsync(database, Declare(x));

        Assert.Equal("claim.own-submission", await DecideAsync(database, Decide(x, byMember.Number, x.Member)));
        Assert.Equal("claim.own-household", await DecideAsync(database, Decide(x, aboutHousehold1.Number, neighbour)));
        Assert.Equal("claim.not-your-step", await DecideAsync(database, Decide(x, aboutHousehold1.Number, x.GridWorker)));
        Assert.Empty(await ClaimEntriesAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task In_a_two_step_village_the_review_group_goes_first_and_the_committee_decides(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database, twoSteps: true);
        var claim = await SubmitAsync(database, Declare(x));

        Assert.Equal("claim.not-your-step", await DecideAsync(database, Decide(x, claim.Number, x.Member)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Reviewer)));
        var reviewed = await ClaimAsync(database, x, claim.Number);
        Assert.Equal((ClaimState.FirstReviewed, x.Reviewer), (reviewed.State, reviewed.FirstReviewedBy!.Value));
        Assert.Empty(await ClaimEntriesAsync(database, x));
        Assert.Equal("claim.not-your-step", await DecideAsync(database, Decide(x, claim.Number, x.Reviewer)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Member)));

        Assert.Equal(ClaimState.Approved, (await ClaimAsync(database, x, claim.Number)).State);
        Assert.Single(await ClaimEntriesAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Above_the_threshold_a_claim_needs_two_distinct_final_approvers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var claim = await SubmitAsync(database, Declare(x, "volunteer", hours: 3));

        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Member)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Member)));
        var waiting = await ClaimAsync(database, x, claim.Number);
        Assert.Equal((ClaimState.Submitted, x.Member), (waiting.State, waiting.FirstApproverId!.Value));
        Assert.Empty(await ClaimEntriesAsync(database, x));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Chair)));

        var entry = Assert.Single(await ClaimEntriesAsync(database, x));
        Assert.Equal((30, x.Chair), (entry.Amount, entry.ApprovedBy!.Value));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_submitter_withdraws_a_waiting_claim_and_nobody_can_approve_it_afterwards(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var claim = await SubmitAsync(database, Declare(x));
        await using (var db = database.NewContext())
        {
            Assert.Equal("claim.not-submitter", await OutcomeAsync(() => Desk(db).WithdrawAsync(new WithdrawClaim(x.V.VillageId, claim.Number, x.Member))));
            Assert.Equal("ok", await OutcomeAsync(() => Desk(db).WithdrawAsync(new WithdrawClaim(x.V.VillageId, claim.Number, x.Villager))));
        }

        Assert.Equal("claim.already-resolved", await DecideAsync(database, Decide(x, claim.Number, x.Member)));
        Assert.Empty(await ClaimEntriesAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_returned_claim_is_submitted_again_by_its_submitter_and_then_reviewed_from_the_start(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database, twoSteps: true);
        var claim = await SubmitAsync(database, Declare(x));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Reviewer)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Member, ClaimDecision.Return)));
        Assert.Equal("claim.already-resolved", await DecideAsync(database, Decide(x, claim.Number, x.Chair)));

        await using (var db = database.NewContext())
        {
            var desk = Desk(db);
            Assert.Equal("claim.not-submitter", await OutcomeAsync(() => desk.ResubmitAsync(new ResubmitClaim(x.V.VillageId, claim.Number, x.Member))));
            Assert.Equal("ok", await OutcomeAsync(() => desk.ResubmitAsync(new ResubmitClaim(x.V.VillageId, claim.Number, x.Villager, "补充了照片"))));
            Assert.Equal("claim.not-returned", await OutcomeAsync(() => desk.ResubmitAsync(new ResubmitClaim(x.V.VillageId, claim.Number, x.Villager))));
        }
        var again = await ClaimAsync(database, x, claim.Number);
        Assert.Equal((ClaimState.Submitted, (Guid?)null, "补充了照片"), (again.State, again.FirstReviewedBy, again.Note));
        Assert.Equal("claim.not-your-step", await DecideAsync(database, Decide(x, claim.Number, x.Member)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Reviewer)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Member)));

        Assert.Single(await ClaimEntriesAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Who_reviewed_first_does_not_also_give_the_final_approval(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database, twoSteps: true);
        await using (var db = database.NewContext())
        {
            db.RoleAssignments.Add(new RoleAssignment { Id = Ids.New(), UserId = x.Reviewer, Role = Role.CommitteeMember, VillageId = x.V.VillageId });
            await db.SaveChangesAsync();
        }
        var claim = await SubmitAsync(database, Declare(x));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Reviewer)));

        Assert.Equal("claim.same-reviewer", await DecideAsync(database, Decide(x, claim.Number, x.Reviewer)));
        Assert.Empty(await ClaimEntriesAsync(database, x));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, claim.Number, x.Member)));
    }

    internal static async Task<Guid> UserAsync(TestDatabase database, ArrangedVillage v, string name, Role role, int? household = null)
    {
        await using var db = database.NewContext();
        var user = new UserAccount
        {
            Id = Ids.New(), Phone = "176" + Random.Shared.Next(0, 99_999_999).ToString("D8", CultureInfo.InvariantCulture),
            DisplayName = name, PasswordHash = "-", CreatedAt = DateTimeOffset.UtcNow,
        };
        user.Roles.Add(new RoleAssignment
        {
            Id = Ids.New(), UserId = user.Id, Role = role, VillageId = v.VillageId,
            HouseholdId = household is { } n ? v.HouseholdIds[n - 1] : null,
        });
        db.UserAccounts.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }
}
