using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>
/// Four eyes on direct records. The arranged village keeps the defaults: a second member above 20 points,
/// at most 100 points in one direct record.
/// </summary>
public sealed class DirectRecordingTests
{
    private static DirectRecording Recording(VillagePointsDb db) => new(db, Posting(db), TimeProvider.System);

    private static RecordDirectly Award(ArrangedVillage v, Guid member, int amount, int household = 1, string? key = null) =>
        new(v.VillageId, v.HouseholdIds[household - 1], amount, EntryKind.Award, "组织村道清扫", member, IdempotencyKey: key);

    private static ResolveDirectRecord By(ArrangedVillage v, long number, Guid member, string? note = null) =>
        new(v.VillageId, number, member, note);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordAsync_WithinTheThreshold_PostsAtOnce_WithTheMemberAsSubmitterAndApprover(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var member = await MemberAsync(database, v, "陈秀梅");

        await using var db = database.NewContext();
        var outcome = await Recording(db).RecordAsync(Award(v, member, 20));

        Assert.Null(outcome.Waiting);
        Assert.Equal((member, member, 20), (outcome.Entry!.SubmittedBy!.Value, outcome.Entry.ApprovedBy!.Value, outcome.Entry.Amount));
        Assert.Equal(20, (await BalanceAsync(database, v, 1))!.Total);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordAsync_AboveTheThreshold_WaitsForASecondMember_AndLeavesTheLedgerUntouched(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var member = await MemberAsync(database, v, "陈秀梅");

        await using var db = database.NewContext();
        var outcome = await Recording(db).RecordAsync(Award(v, member, -21) with { Kind = EntryKind.Deduction, Reason = "违规搭建" });

        Assert.Null(outcome.Entry);
        Assert.Equal((1L, DirectRecordState.Pending, -21), (outcome.Waiting!.Number, outcome.Waiting.State, outcome.Waiting.Amount));
        Assert.Empty(await EntriesAsync(database, v));
        Assert.Null(await BalanceAsync(database, v, 1));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ApproveAsync_ByASecondMember_PostsOneEntry_NamingBothMembers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var first = await MemberAsync(database, v, "陈秀梅");
        var second = await MemberAsync(database, v, "黄建国");
        var waiting = await RecordWaitingAsync(database, v, first, 80);

        await using var db = database.NewContext();
        var approved = await Recording(db).ApproveAsync(By(v, waiting.Number, second));

        Assert.Equal((DirectRecordState.Approved, second), (approved.State, approved.ResolvedBy!.Value));
        var entry = Assert.Single(await EntriesAsync(database, v));
        Assert.Equal(approved.EntryNumber, entry.Number);
        Assert.Equal((first, second, 80, "组织村道清扫"), (entry.SubmittedBy!.Value, entry.ApprovedBy!.Value, entry.Amount, entry.Reason));
        Assert.Equal($"direct-record:{waiting.Number}", entry.SourceRef);
        Assert.Equal(80, (await BalanceAsync(database, v, 1))!.Total);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ApproveAsync_ByTheMemberWhoRecordedIt_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var member = await MemberAsync(database, v, "陈秀梅");
        var waiting = await RecordWaitingAsync(database, v, member, 100);

        await using var db = database.NewContext();
        var refused = await Assert.ThrowsAsync<DomainException>(() => Recording(db).ApproveAsync(By(v, waiting.Number, member)));

        Assert.Equal(("direct-record.own-submission", DomainErrorKind.Forbidden), (refused.Code, refused.Kind));
        Assert.Empty(await EntriesAsync(database, v));
        Assert.Equal(DirectRecordState.Pending, (await RecordAsync(database, v, waiting.Number)).State);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ApproveAndReject_ByAMemberWhoseRoleLinksThemToTheHousehold_AreRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var first = await MemberAsync(database, v, "陈秀梅");
        var neighbour = await MemberAsync(database, v, "测试户1", livesIn: 1);
        var waiting = await RecordWaitingAsync(database, v, first, 50);

        await using var db = database.NewContext();
        var approve = await Assert.ThrowsAsync<DomainException>(() => Recording(db).ApproveAsync(By(v, waiting.Number, neighbour)));
        var reject = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RejectAsync(By(v, waiting.Number, neighbour, "不同意")));

        Assert.Equal("direct-record.own-household", approve.Code);
        Assert.Equal("direct-record.own-household", reject.Code);
        Assert.Empty(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_record_resolves_once_a_repeated_approval_answers_the_same_and_a_later_rejection_is_a_conflict(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var first = await MemberAsync(database, v, "陈秀梅");
        var second = await MemberAsync(database, v, "黄建国");
        var third = await MemberAsync(database, v, "李委员");
        var waiting = await RecordWaitingAsync(database, v, first, 30);

        await using var db = database.NewContext();
        var approved = await Recording(db).ApproveAsync(By(v, waiting.Number, second));
        db.ChangeTracker.Clear();
        var again = await Recording(db).ApproveAsync(By(v, waiting.Number, second));
        var rejection = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RejectAsync(By(v, waiting.Number, third, "分值偏高")));
        var withdrawal = await Assert.ThrowsAsync<DomainException>(() => Recording(db).WithdrawAsync(By(v, waiting.Number, first)));

        Assert.Equal(approved.EntryNumber, again.EntryNumber);
        Assert.Equal(("direct-record.already-resolved", DomainErrorKind.Conflict), (rejection.Code, rejection.Kind));
        Assert.Equal("direct-record.already-resolved", withdrawal.Code);
        Assert.Single(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RejectAsync_NeedsAReason_AndARejectedRecordNeverTouchesTheLedger(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var first = await MemberAsync(database, v, "陈秀梅");
        var second = await MemberAsync(database, v, "黄建国");
        var waiting = await RecordWaitingAsync(database, v, first, 60);

        await using var db = database.NewContext();
        var noReason = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RejectAsync(By(v, waiting.Number, second, " ")));
        var rejected = await Recording(db).RejectAsync(By(v, waiting.Number, second, "没有照片佐证"));
        var approval = await Assert.ThrowsAsync<DomainException>(() => Recording(db).ApproveAsync(By(v, waiting.Number, second)));

        Assert.Equal("direct-record.reason-required", noReason.Code);
        Assert.Equal((DirectRecordState.Rejected, "没有照片佐证"), (rejected.State, rejected.ResolutionNote));
        Assert.Equal("direct-record.already-resolved", approval.Code);
        Assert.Empty(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task WithdrawAsync_IsOnlyForTheMemberWhoRecordedIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var first = await MemberAsync(database, v, "陈秀梅");
        var second = await MemberAsync(database, v, "黄建国");
        var waiting = await RecordWaitingAsync(database, v, first, 60);

        await using var db = database.NewContext();
        var byOther = await Assert.ThrowsAsync<DomainException>(() => Recording(db).WithdrawAsync(By(v, waiting.Number, second)));
        var withdrawn = await Recording(db).WithdrawAsync(By(v, waiting.Number, first));

        Assert.Equal(("direct-record.not-submitter", DomainErrorKind.Forbidden), (byOther.Code, byOther.Kind));
        Assert.Equal(DirectRecordState.Withdrawn, withdrawn.State);
        Assert.Empty(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordAsync_AboveTheVillagesDirectMaximum_IsRefused_AndNothingIsStored(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var member = await MemberAsync(database, v, "陈秀梅");

        await using var db = database.NewContext();
        var refused = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RecordAsync(Award(v, member, 100_000)));
        var withinMaximum = await Recording(db).RecordAsync(Award(v, member, 100));

        Assert.Equal(("entry.above-direct-maximum", DomainErrorKind.Invalid), (refused.Code, refused.Kind));
        Assert.Equal(1, withinMaximum.Waiting!.Number);
        Assert.Equal(1, await db.DirectRecords.CountAsync(r => r.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordAsync_RetriedWithTheSameKey_StoresOneRecord_AndAChangedRequestIsAConflict(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var member = await MemberAsync(database, v, "陈秀梅");

        await using var db = database.NewContext();
        var first = await Recording(db).RecordAsync(Award(v, member, 40, key: "form-1"));
        var retry = await Recording(db).RecordAsync(Award(v, member, 40, key: "form-1"));
        var changed = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RecordAsync(Award(v, member, 45, key: "form-1")));
        var smaller = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RecordAsync(Award(v, member, 5, key: "form-1")));

        Assert.Equal(first.Waiting!.Id, retry.Waiting!.Id);
        Assert.Equal("idempotency.conflict", changed.Code);
        Assert.Equal("idempotency.conflict", smaller.Code);
        Assert.Equal(1, await db.DirectRecords.CountAsync(r => r.VillageId == v.VillageId));
        Assert.Empty(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ApproveAsync_FiveMembersApprovingAtOnce_PostOneEntry_AndTheOthersHearItIsResolved(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var first = await MemberAsync(database, v, "陈秀梅");
        var approvers = new List<Guid>();
        for (var i = 0; i < 5; i++)
            approvers.Add(await MemberAsync(database, v, $"委员{i}"));
        var waiting = await RecordWaitingAsync(database, v, first, 90);

        var outcomes = await RunTogetherAsync(5, async i =>
        {
            await using var db = database.NewContext();
            try
            {
                await Recording(db).ApproveAsync(By(v, waiting.Number, approvers[i]));
                return "approved";
            }
            catch (DomainException ex)
            {
                return ex.Code;
            }
        });

        Assert.Equal(1, outcomes.Count(o => o == "approved"));
        Assert.All(outcomes.Where(o => o != "approved"), o => Assert.Equal("direct-record.already-resolved", o));
        Assert.Single(await EntriesAsync(database, v));
        Assert.Equal(90, (await BalanceAsync(database, v, 1))!.Total);
        Assert.True((await VerifyAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordAsync_TenWaitingRecordsAtOnce_GetGaplessNumbers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 2);
        var member = await MemberAsync(database, v, "陈秀梅");

        var numbers = await RunTogetherAsync(10, async i =>
        {
            await using var db = database.NewContext();
            return (await Recording(db).RecordAsync(Award(v, member, 30 + i, household: i % 2 + 1))).Waiting!.Number;
        });

        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), numbers.Order());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecentTwinAsync_FindsTheSameMembersIdenticalRecord_ButNotTheOneUnderItsOwnKey_NorAnotherMembers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var member = await MemberAsync(database, v, "陈秀梅");
        var other = await MemberAsync(database, v, "黄建国");
        await using var db = database.NewContext();
        var posted = await Recording(db).RecordAsync(Award(v, member, 5, key: "ui-record-a"));
        var waiting = await Recording(db).RecordAsync(Award(v, member, 50, key: "ui-record-b"));

        var twinOfPosted = await Recording(db).RecentTwinAsync(Award(v, member, 5, key: "ui-record-c"), TimeSpan.FromMinutes(30));
        var twinOfWaiting = await Recording(db).RecentTwinAsync(Award(v, member, 50, key: "ui-record-c"), TimeSpan.FromMinutes(30));
        var underItsOwnKey = await Recording(db).RecentTwinAsync(Award(v, member, 5, key: "ui-record-a"), TimeSpan.FromMinutes(30));
        var waitingUnderItsOwnKey = await Recording(db).RecentTwinAsync(Award(v, member, 50, key: "ui-record-b"), TimeSpan.FromMinutes(30));
        var byAnotherMember = await Recording(db).RecentTwinAsync(Award(v, other, 5, key: "ui-record-c"), TimeSpan.FromMinutes(30));
        var otherAmount = await Recording(db).RecentTwinAsync(Award(v, member, 6, key: "ui-record-c"), TimeSpan.FromMinutes(30));

        Assert.Equal($"entry-{posted.Entry!.Number}", twinOfPosted?.Marker);
        Assert.Equal($"record-{waiting.Waiting!.Number}", twinOfWaiting?.Marker);
        Assert.Null(underItsOwnKey);
        Assert.Null(waitingUnderItsOwnKey);
        Assert.Null(byAnotherMember);
        Assert.Null(otherAmount);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordAsync_OnAHouseholdTheMembersRoleLinksThemTo_WaitsForASecondMember_EvenWithinTheThreshold(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 2);
        var resident = await MemberAsync(database, v, "测试户1", livesIn: 1);
        var second = await MemberAsync(database, v, "黄建国");

        DirectRecordCheck check;
        DirectRecordOutcome own, neighbours;
        await using (var db = database.NewContext())
        {
            check = await Recording(db).CheckAsync(Award(v, resident, 5));
            own = await Recording(db).RecordAsync(Award(v, resident, 5));
            neighbours = await Recording(db).RecordAsync(Award(v, resident, 5, household: 2));
        }
        Assert.Equal((false, true, true), (check.AboveThreshold, check.OwnHousehold, check.WaitsForSecondMember));
        Assert.Null(own.Entry);
        Assert.Equal((DirectRecordState.Pending, 5), (own.Waiting!.State, own.Waiting.Amount));
        Assert.Equal(v.HouseholdIds[1], Assert.Single(await EntriesAsync(database, v)).HouseholdId);
        Assert.Equal(5, neighbours.Entry!.Amount);
        Assert.Null(await BalanceAsync(database, v, 1));

        await using (var db = database.NewContext())
            await Recording(db).ApproveAsync(By(v, own.Waiting.Number, second));
        var approved = (await EntriesAsync(database, v)).Single(e => e.HouseholdId == v.HouseholdIds[0]);
        Assert.Equal((resident, second, 5), (approved.SubmittedBy!.Value, approved.ApprovedBy!.Value, approved.Amount));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordAsync_AKeyFirstUsedForAnEntryPostedAtOnce_AnswersWithThatEntry_AndAChangedBodyThatWouldWaitIsAConflict(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var member = await MemberAsync(database, v, "陈秀梅");

        await using var db = database.NewContext();
        var first = await Recording(db).RecordAsync(Award(v, member, 5, key: "patrol-1"));
        db.ChangeTracker.Clear();
        var retry = await Recording(db).RecordAsync(Award(v, member, 5, key: "patrol-1"));
        var changed = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RecordAsync(Award(v, member, 50, key: "patrol-1")));

        Assert.Equal(first.Entry!.Number, retry.Entry!.Number);
        Assert.Null(retry.Waiting);
        Assert.Equal(("idempotency.conflict", DomainErrorKind.Conflict), (changed.Code, changed.Kind));
        Assert.Single(await EntriesAsync(database, v));
        Assert.Equal(0, await db.DirectRecords.CountAsync(r => r.VillageId == v.VillageId));
        // The key is kept once, in the one store, for the direct record as a whole.
        var kept = await db.IdempotentRequests.AsNoTracking().SingleAsync(r => r.VillageId == v.VillageId);
        Assert.Equal(("patrol-1", DirectRecording.RecordOperation), (kept.Key, kept.Operation));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordAsync_ResentAfterTheThresholdWasRaised_AnswersWithTheRecordItMadeWait(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var member = await MemberAsync(database, v, "陈秀梅");
        DirectRecordOutcome first;
        await using (var db = database.NewContext())
            first = await Recording(db).RecordAsync(Award(v, member, 50, key: "door-9"));
        await ChangeVillageAsync(database, v, village => village.Settings.TwoReviewerThreshold = 60);

        await using var again = database.NewContext();
        var retry = await Recording(again).RecordAsync(Award(v, member, 50, key: "door-9"));

        Assert.Null(retry.Entry);
        Assert.Equal(first.Waiting!.Id, retry.Waiting!.Id);
        Assert.Empty(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task One_key_is_one_request_a_submissions_key_cannot_approve_and_an_approvals_key_answers_the_same_approval(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var first = await MemberAsync(database, v, "陈秀梅");
        var second = await MemberAsync(database, v, "黄建国");
        await using var db = database.NewContext();
        var waiting = (await Recording(db).RecordAsync(Award(v, first, 40, key: "k-submit"))).Waiting!;

        var withTheSubmissionsKey = await Assert.ThrowsAsync<DomainException>(() =>
            Recording(db).ApproveAsync(By(v, waiting.Number, second) with { IdempotencyKey = "k-submit" }));
        var approved = await Recording(db).ApproveAsync(By(v, waiting.Number, second) with { IdempotencyKey = "k-approve" });
        db.ChangeTracker.Clear();
        var retried = await Recording(db).ApproveAsync(By(v, waiting.Number, second) with { IdempotencyKey = "k-approve" });
        var withdrawal = await Assert.ThrowsAsync<DomainException>(() =>
            Recording(db).WithdrawAsync(By(v, waiting.Number, first) with { IdempotencyKey = "k-approve" }));

        Assert.Equal("idempotency.conflict", withTheSubmissionsKey.Code);
        Assert.Equal((DirectRecordState.Approved, approved.EntryNumber), (retried.State, retried.EntryNumber));
        Assert.Equal("idempotency.conflict", withdrawal.Code);
        Assert.Single(await EntriesAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordAsync_WithADateTheLedgerWouldRefuse_IsRefusedAtSubmission_EvenWhenItWouldWait(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var member = await MemberAsync(database, v, "陈秀梅");
        var tomorrow = BusinessCalendar.Today(TimeProvider.System).AddDays(1);
        var beforeTheStart = VillageBuilder.VillageStartedOn.AddDays(-1);

        await using var db = database.NewContext();
        var future = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RecordAsync(Award(v, member, 50) with { OccurredOn = tomorrow }));
        var early = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RecordAsync(Award(v, member, 50) with { OccurredOn = beforeTheStart }));
        var postedAtOnce = await Assert.ThrowsAsync<DomainException>(() => Recording(db).RecordAsync(Award(v, member, 5) with { OccurredOn = beforeTheStart }));
        var onTheFirstDay = await Recording(db).RecordAsync(Award(v, member, 50) with { OccurredOn = VillageBuilder.VillageStartedOn });

        Assert.Equal(("entry.occurred-on-future", DomainErrorKind.Invalid), (future.Code, future.Kind));
        Assert.Equal("entry.occurred-on-too-early", early.Code);
        Assert.Equal("entry.occurred-on-too-early", postedAtOnce.Code);
        Assert.Equal(VillageBuilder.VillageStartedOn, onTheFirstDay.Waiting!.OccurredOn);
        Assert.Equal(1, await db.DirectRecords.CountAsync(r => r.VillageId == v.VillageId));
        Assert.Empty(await EntriesAsync(database, v));
    }

    private static async Task<Guid> MemberAsync(TestDatabase database, ArrangedVillage v, string name, int? livesIn = null)
    {
        await using var db = database.NewContext();
        var user = new UserAccount { Id = Ids.New(), Phone = "176" + Random.Shared.Next(0, 99_999_999).ToString("D8", System.Globalization.CultureInfo.InvariantCulture),
            DisplayName = name, PasswordHash = "-", CreatedAt = DateTimeOffset.UtcNow };
        user.Roles.Add(new RoleAssignment { Id = Ids.New(), UserId = user.Id, Role = Role.CommitteeMember, VillageId = v.VillageId });
        if (livesIn is { } n)
            user.Roles.Add(new RoleAssignment { Id = Ids.New(), UserId = user.Id, Role = Role.Villager, VillageId = v.VillageId, HouseholdId = v.HouseholdIds[n - 1] });
        db.UserAccounts.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    private static async Task<DirectRecord> RecordWaitingAsync(TestDatabase database, ArrangedVillage v, Guid member, int amount)
    {
        await using var db = database.NewContext();
        return (await Recording(db).RecordAsync(Award(v, member, amount))).Waiting ?? throw new InvalidOperationException("Expected the record to wait.");
    }

    private static async Task<DirectRecord> RecordAsync(TestDatabase database, ArrangedVillage v, long number)
    {
        await using var db = database.NewContext();
        return await db.DirectRecords.AsNoTracking().SingleAsync(r => r.VillageId == v.VillageId && r.Number == number);
    }

    private static async Task<T[]> RunTogetherAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
