using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Notifications;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Notices;

/// <summary>
/// Objections to a published notice's entries. Each test arranges a village of three households with last month's
/// entries 1 (+10 for household 2) and 2 (−5 for household 3), last month's notice on the board, villagers of households
/// 1 and 2 (two phones for household 2) and two committee members.
/// </summary>
public sealed class ObjectionDeskTests
{
    internal sealed record Village(ArrangedVillage V, Guid Villager1, Guid Villager2, Guid Villager2b, Guid Member, Guid Chair);

    private static ObjectionDesk Desk(VillagePointsDb db) => new(db, Posting(db), TimeProvider.System);

    private static async Task<Village> ArrangeAsync(TestDatabase database, DateTimeOffset? windowClosesAt = null,
        NoticeState state = NoticeState.Published)
    {
        var v = await VillageBuilder.ArrangeAsync(database, 3);
        var x = new Village(v,
            await Claims.ClaimDeskTests.UserAsync(database, v, "王建国", Role.Villager, household: 1),
            await Claims.ClaimDeskTests.UserAsync(database, v, "李秀英", Role.Villager, household: 2),
            await Claims.ClaimDeskTests.UserAsync(database, v, "李小明", Role.Villager, household: 2),
            await Claims.ClaimDeskTests.UserAsync(database, v, "陈秀梅", Role.CommitteeMember),
            await Claims.ClaimDeskTests.UserAsync(database, v, "刘书记", Role.CommitteeChair));
        await using var db = database.NewContext();
        var posting = Posting(db);
        await posting.PostAsync(Award(v, 2, 10) with { OccurredOn = PublishedNotices.DayOfLastMonth });
        await posting.PostAsync(Deduction(v, 3, 5) with { OccurredOn = PublishedNotices.DayOfLastMonth });
        await PublishedNotices.PublishAsync(db, v.VillageId, PublishedNotices.LastMonth, windowClosesAt ?? DateTimeOffset.UtcNow.AddDays(7), state);
        return x;
    }

    private static RaiseObjection Raise(Village x, Guid actor, long entry = 1, string reason = "那天打扫村道的是别家，不是他家", string? key = null) =>
        new(x.V.VillageId, entry, actor, reason, null, key);

    private static DecideObjection Decide(Village x, int number, bool upheld, int? corrected = null, string? key = null, Guid? actor = null) =>
        new(x.V.VillageId, number, actor ?? x.Member, upheld, upheld ? "经核实，打扫村道的是第一户" : "经核实，情况属实，维持原分", corrected, key);

    private static async Task<string> RaiseAsync(TestDatabase database, RaiseObjection c)
    {
        await using var db = database.NewContext();
        return await OutcomeAsync(() => Desk(db).RaiseAsync(c));
    }

    private static async Task<string> DecideAsync(TestDatabase database, DecideObjection c)
    {
        await using var db = database.NewContext();
        return await OutcomeAsync(() => Desk(db).DecideAsync(c));
    }

    private static async Task<List<Objection>> ObjectionsAsync(TestDatabase database, Village x)
    {
        await using var db = database.NewContext();
        return await db.Objections.AsNoTracking().Where(o => o.VillageId == x.V.VillageId).OrderBy(o => o.Number).ToListAsync();
    }

    private static async Task<List<Notification>> NotificationsAsync(TestDatabase database, Guid user)
    {
        await using var db = database.NewContext();
        return await db.Notifications.AsNoTracking().Where(n => n.UserId == user).OrderBy(n => n.Id).ToListAsync();
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_objects_within_the_window_and_the_household_concerned_is_notified(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);

        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1)));

        var objection = Assert.Single(await ObjectionsAsync(database, x));
        Assert.Equal((1, 1L, x.V.HouseholdIds[1], x.V.HouseholdIds[0], ObjectionState.Open, PublishedNotices.LastMonth),
            (objection.Number, objection.EntryNumber, objection.HouseholdId, objection.RaisedByHouseholdId, objection.State, objection.NoticeMonth));
        // Both phones of household 2 hear of it; the objector is not told of their own objection.
        foreach (var user in new[] { x.Villager2, x.Villager2b })
        {
            var note = Assert.Single(await NotificationsAsync(database, user));
            Assert.Equal((NotificationKind.ObjectionRaised, (int?)1, 0L, 10), (note.Kind, note.ObjectionNumber, note.ClaimNumber, note.Points));
        }
        Assert.Empty(await NotificationsAsync(database, x.Villager1));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_household_may_object_to_its_own_entry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);

        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager2, reason: "这笔加分记错了户")));

        Assert.Equal(x.V.HouseholdIds[1], Assert.Single(await ObjectionsAsync(database, x)).RaisedByHouseholdId);
        Assert.Single(await NotificationsAsync(database, x.Villager2b));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task After_the_window_has_closed_an_objection_is_refused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database, windowClosesAt: DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Equal(ObjectionDesk.WindowClosed, await RaiseAsync(database, Raise(x, x.Villager1)));
        Assert.Empty(await ObjectionsAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_entry_on_a_closed_notice_or_on_no_published_notice_cannot_be_objected_to(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database, state: NoticeState.Closed);
        await using (var db = database.NewContext())
            await Posting(db).PostAsync(Award(x.V, 1, 3));

        Assert.Equal(ObjectionDesk.WindowClosed, await RaiseAsync(database, Raise(x, x.Villager2, entry: 2)));
        // Entry 3 is this month's: no notice lists it yet.
        Assert.Equal(ObjectionDesk.WindowClosed, await RaiseAsync(database, Raise(x, x.Villager2, entry: 3)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_entry_number_of_another_village_is_not_found_in_this_one(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var other = await VillageBuilder.ArrangeAsync(database, 1);
        await using (var db = database.NewContext())
        {
            for (var i = 0; i < 5; i++)
                await Posting(db).PostAsync(Award(other, 1, 2) with { OccurredOn = PublishedNotices.DayOfLastMonth });
            await PublishedNotices.PublishAsync(db, other.VillageId, PublishedNotices.LastMonth, DateTimeOffset.UtcNow.AddDays(7));
        }

        Assert.Equal("entry.not-found", await RaiseAsync(database, Raise(x, x.Villager1, entry: 5)));
        // A villager of this village holds no household in the other one.
        Assert.Equal("objection.not-villager", await RaiseAsync(database, Raise(x, x.Villager1) with { VillageId = other.VillageId }));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_household_objects_to_an_entry_once_even_from_two_phones_at_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);

        var outcomes = await RunTogetherAsync(2, i => RaiseAsync(database, Raise(x, i == 0 ? x.Villager2 : x.Villager2b, entry: 2)));

        Assert.Equal(["objection.duplicate", "ok"], outcomes.Order(StringComparer.Ordinal));
        Assert.Equal(ObjectionDesk.Duplicate, await RaiseAsync(database, Raise(x, x.Villager2, entry: 2, reason: "再说一次")));
        Assert.Single(await ObjectionsAsync(database, x));
        // Another household may still object to the same entry, and numbers stay gapless.
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1, entry: 2)));
        Assert.Equal([1, 2], (await ObjectionsAsync(database, x)).Select(o => o.Number));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Only_a_villager_linked_to_a_household_objects_and_the_reason_and_photo_are_checked(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);

        Assert.Equal("objection.not-villager", await RaiseAsync(database, Raise(x, x.Member)));
        Assert.Equal("objection.reason-required", await RaiseAsync(database, Raise(x, x.Villager1, reason: "  ")));
        Assert.Equal("objection.reason-too-long", await RaiseAsync(database, Raise(x, x.Villager1, reason: new string('错', ObjectionDesk.MaxReasonLength + 1))));
        Assert.Equal(StoredText.ForbiddenCode, await RaiseAsync(database, Raise(x, x.Villager1, reason: "记错\0了")));
        Assert.Equal("objection.photo-not-found", await RaiseAsync(database, Raise(x, x.Villager1) with { PhotoId = Ids.New() }));
        Assert.Empty(await ObjectionsAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_objection_names_only_an_objection_photo_its_objector_uploaded(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var own = await PhotoAsync(database, x, x.Villager1, ObjectionDesk.EvidenceOwnerKind);
        var someoneElses = await PhotoAsync(database, x, x.Villager2, ObjectionDesk.EvidenceOwnerKind);
        var claimPhoto = await PhotoAsync(database, x, x.Villager1, "claim");

        Assert.Equal("objection.photo-not-found", await RaiseAsync(database, Raise(x, x.Villager1) with { PhotoId = someoneElses }));
        Assert.Equal("objection.photo-not-found", await RaiseAsync(database, Raise(x, x.Villager1) with { PhotoId = claimPhoto }));
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1) with { PhotoId = own }));
        Assert.Equal(own, Assert.Single(await ObjectionsAsync(database, x)).PhotoId);
    }

    private static async Task<Guid> PhotoAsync(TestDatabase database, Village x, Guid uploadedBy, string ownerKind)
    {
        await using var db = database.NewContext();
        var id = Ids.New();
        db.EvidencePhotos.Add(new VillagePoints.Core.Evidence.EvidencePhoto
        {
            VillageId = x.V.VillageId, Id = id, OwnerKind = ownerKind, OwnerRef = id.ToString("N"), ContentKey = "c" + id.ToString("N"),
            ThumbnailKey = "t" + id.ToString("N"), Width = 10, Height = 10, ByteSize = 1, Sha256 = new string('0', 64), UploadedBy = uploadedBy,
            UploadedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retried_objection_with_its_key_answers_the_first_and_writes_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);

        var outcomes = await RunTogetherAsync(2, _ => RaiseAsync(database, Raise(x, x.Villager1, key: "raise-1")));

        Assert.Equal(["ok", "ok"], outcomes);
        Assert.Single(await ObjectionsAsync(database, x));
        Assert.Equal("idempotency.conflict", await RaiseAsync(database, Raise(x, x.Villager1, reason: "另一个理由", key: "raise-1")));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_upheld_objection_is_listed_by_the_next_notice_with_its_reversal_and_correction_in_that_month(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, 1, upheld: true, corrected: 4)));

        await using var db = database.NewContext();
        var next = await new NoticeBuilder(db, TimeProvider.System).BuildDraftAsync(x.V.VillageId, NoticeMonth.Next(PublishedNotices.LastMonth));

        var listed = Assert.Single(next.Objections);
        Assert.Equal((1, 1L, 2, "upheld", (long?)3, (long?)4), (listed.Number, listed.EntryNumber, listed.HouseholdNumber, listed.State,
            listed.ReversalEntry, listed.CorrectionEntry));
        var household = next.Households.Single(h => h.Number == 2);
        Assert.Equal([(3L, -10, "Reversal", (long?)1), (4L, 4, "Award", (long?)null)],
            household.Entries.Select(e => (e.Number, e.Amount, e.Kind, e.Reverses)));
        Assert.Equal(-6, household.MonthTotal);
        Assert.Equal(4, household.Cumulative);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Upheld_with_a_corrected_amount_reverses_the_entry_and_records_the_correction_linked_to_the_objection(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1)));

        Assert.Equal("ok", await DecideAsync(database, Decide(x, 1, upheld: true, corrected: 4)));

        var objection = Assert.Single(await ObjectionsAsync(database, x));
        Assert.Equal((ObjectionState.Upheld, (long?)3, (long?)4, x.Member), (objection.State, objection.ReversalEntryNumber,
            objection.CorrectionEntryNumber, objection.DecidedBy!.Value));
        var entries = await EntriesAsync(database, x.V);
        var reversal = entries[2];
        var correction = entries[3];
        Assert.Equal((EntryKind.Reversal, -10, entries[0].Id, SourceKinds.Objection, "objection:1"),
            (reversal.Kind, reversal.Amount, reversal.ReversesEntryId!.Value, reversal.SourceKind, reversal.SourceRef));
        Assert.StartsWith("异议 #1 成立", reversal.Reason, StringComparison.Ordinal);
        Assert.Equal((EntryKind.Award, 4, x.V.HouseholdIds[1], BusinessCalendar.Today(TimeProvider.System), SourceKinds.Objection, "objection:1"),
            (correction.Kind, correction.Amount, correction.HouseholdId, correction.OccurredOn, correction.SourceKind, correction.SourceRef));
        Assert.Equal(4, (await BalanceAsync(database, x.V, 2))!.Total);
        var report = await VerifyAsync(database, x.V);
        Assert.True(report.Sound, report.FirstProblem?.What);
        // The household and the objector both hear the decision.
        Assert.Equal(NotificationKind.ObjectionUpheld, (await NotificationsAsync(database, x.Villager2)).Last().Kind);
        Assert.Equal(NotificationKind.ObjectionUpheld, Assert.Single(await NotificationsAsync(database, x.Villager1)).Kind);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Upheld_without_an_amount_only_reverses_and_a_negative_correction_is_a_deduction(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1)));
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1, entry: 2, reason: "扣分扣多了")));

        Assert.Equal("ok", await DecideAsync(database, Decide(x, 1, upheld: true)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, 2, upheld: true, corrected: -3)));

        Assert.Equal(0, (await BalanceAsync(database, x.V, 2))!.Total);
        Assert.Equal(-3, (await BalanceAsync(database, x.V, 3))!.Total);
        var entries = await EntriesAsync(database, x.V);
        Assert.Equal([EntryKind.Award, EntryKind.Deduction, EntryKind.Reversal, EntryKind.Reversal, EntryKind.Deduction], entries.Select(e => e.Kind));
        Assert.True((await VerifyAsync(database, x.V)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Dismissed_leaves_the_entry_unchanged_and_records_the_reason(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1)));

        Assert.Equal("ok", await DecideAsync(database, Decide(x, 1, upheld: false)));

        var objection = Assert.Single(await ObjectionsAsync(database, x));
        Assert.Equal((ObjectionState.Dismissed, "经核实，情况属实，维持原分", (long?)null), (objection.State, objection.Decision, objection.ReversalEntryNumber));
        Assert.Equal(2, (await EntriesAsync(database, x.V)).Count);
        Assert.Equal(10, (await BalanceAsync(database, x.V, 2))!.Total);
        Assert.Equal(NotificationKind.ObjectionDismissed, Assert.Single(await NotificationsAsync(database, x.Villager1)).Kind);
        Assert.Equal("objection.correction-needs-uphold", await DecideAsync(database, Decide(x, 1, upheld: false, corrected: 3)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_objection_is_decided_once_and_a_double_tap_with_its_key_gets_the_first_answer(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1)));

        var taps = await RunTogetherAsync(2, _ => DecideAsync(database, Decide(x, 1, upheld: true, key: "decide-1")));

        Assert.Equal(["ok", "ok"], taps);
        Assert.Equal(3, (await EntriesAsync(database, x.V)).Count);
        Assert.Equal(ObjectionDesk.AlreadyDecided, await DecideAsync(database, Decide(x, 1, upheld: false)));
        Assert.Equal(ObjectionDesk.AlreadyDecided, await DecideAsync(database, Decide(x, 1, upheld: true, actor: x.Chair)));
        Assert.Equal("objection.not-found", await DecideAsync(database, Decide(x, 9, upheld: false)));
        Assert.Equal(3, (await EntriesAsync(database, x.V)).Count);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Nobody_decides_an_objection_about_or_from_their_own_household(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1)));
        await using (var db = database.NewContext())
        {
            db.RoleAssignments.Add(new RoleAssignment { Id = Ids.New(), UserId = x.Member, Role = Role.Villager, VillageId = x.V.VillageId,
                HouseholdId = x.V.HouseholdIds[1] });
            await db.SaveChangesAsync();
        }

        Assert.Equal("objection.own-household", await DecideAsync(database, Decide(x, 1, upheld: true)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, 1, upheld: true, actor: x.Chair)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Decided_after_the_notice_closed_the_entry_takes_effect_with_its_reversal(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1)));
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1, entry: 2, reason: "扣分扣多了")));
        // The closing: the notice closes, and nothing with an open objection takes effect.
        await PublishedNotices.CloseAsync(database, x.V.VillageId, PublishedNotices.LastMonth);

        Assert.Equal("ok", await DecideAsync(database, Decide(x, 1, upheld: false)));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, 2, upheld: true, corrected: -2)));

        var entries = await EntriesAsync(database, x.V);
        Assert.Equal([EntryState.Effective, EntryState.Effective, EntryState.Effective, EntryState.Publicised], entries.Select(e => e.State));
        Assert.Equal((10L, 0L), ((await BalanceAsync(database, x.V, 2))!.Effective, (await BalanceAsync(database, x.V, 2))!.Publicised));
        Assert.Equal((0L, -2L), ((await BalanceAsync(database, x.V, 3))!.Effective, (await BalanceAsync(database, x.V, 3))!.Publicised));
        var report = await VerifyAsync(database, x.V);
        Assert.True(report.Sound, report.FirstProblem?.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Queries_list_open_objections_first_and_a_household_sees_its_own(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1)));
        Assert.Equal("ok", await RaiseAsync(database, Raise(x, x.Villager1, entry: 2, reason: "扣分扣多了")));
        Assert.Equal("ok", await DecideAsync(database, Decide(x, 2, upheld: false)));

        await using var db = database.NewContext();
        var queries = new ObjectionQueries(db, TimeProvider.System);
        Assert.Equal([1, 2], (await queries.ListAsync(x.V.VillageId, null)).Select(o => o.Number));
        Assert.Equal([1], (await queries.ListAsync(x.V.VillageId, true)).Select(o => o.Number));
        Assert.Equal([2], (await queries.ListAsync(x.V.VillageId, false)).Select(o => o.Number));
        Assert.Equal(1, await queries.OpenCountAsync(x.V.VillageId));
        Assert.Equal([1], (await queries.MineAsync(x.V.VillageId, x.Villager2b, [x.V.HouseholdIds[1]])).Select(o => o.Number));
        var one = await queries.FindAsync(x.V.VillageId, 1);
        Assert.Equal((1L, 2, 10, NoticeMonth.Format(PublishedNotices.LastMonth)), (one!.EntryNumber, one.HouseholdNumber, one.Entry.Amount, one.NoticeMonth));
        Assert.True((await queries.EntryAsync(x.V.VillageId, 1))!.WindowOpen);
        Assert.Null(await queries.EntryAsync(x.V.VillageId, 99));
    }
}
