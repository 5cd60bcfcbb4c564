using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Reports;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Activities;

/// <summary>
/// Volunteer activities. Each test arranges a village of three households (household 1 has two members, the others
/// one), a villager of household 1, a review-group organiser, two committee members, an award rule "志愿服务" (+10,
/// open to group inspection) and a rule only villagers may declare.
/// </summary>
public sealed class ActivityDeskTests
{
    private sealed record Village(ArrangedVillage V, Guid Villager, Guid Organiser, Guid Member, Guid Chair, Guid[][] People)
    {
        public Guid VillageId => V.VillageId;
    }

    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);

    private static DateOnly Today => BusinessCalendar.Today(Clock);

    private static ActivityDesk Desk(VillagePointsDb db, TimeProvider? time = null)
    {
        time ??= Clock;
        var posting = Posting(db, time);
        return new ActivityDesk(db, posting, new ClaimDesk(db, posting, new RuleBook(db, time), time), time);
    }

    private static async Task<Village> ArrangeAsync(TestDatabase database)
    {
        var v = await VillageBuilder.ArrangeAsync(database, 3);
        var people = new Guid[3][];
        await using (var db = database.NewContext())
        {
            string[][] names = [["王建国", "王小明"], ["李桂兰"], ["张德福"]];
            for (var h = 0; h < 3; h++)
            {
                people[h] = names[h].Select(_ => Ids.New()).ToArray();
                for (var p = 0; p < names[h].Length; p++)
                    db.People.Add(new Person
                    {
                        VillageId = v.VillageId, Id = people[h][p], HouseholdId = v.HouseholdIds[h], Name = names[h][p],
                        Relation = p == 0 ? "户主" : "子女",
                    });
            }
            await db.SaveChangesAsync();
        }
        var x = new Village(v,
            await UserAsync(database, v, "王建国", Role.Villager, household: 1),
            await UserAsync(database, v, "赵评议", Role.ReviewGroup),
            await UserAsync(database, v, "陈秀梅", Role.CommitteeMember),
            await UserAsync(database, v, "刘书记", Role.CommitteeChair),
            people);
        await using var context = database.NewContext();
        var book = new RuleBook(context, Clock);
        await book.CreateCategoryAsync(new CreateRuleCategory(v.VillageId, "volunteer", "志愿服务", "Volunteering", 1, x.Member));
        await book.CreateAsync(new CreateRule(v.VillageId, "volunteer", "volunteer-service", "志愿服务", "Volunteer service", null,
            RuleDirection.Award, new RuleTerms(10, [ClaimChannel.SelfDeclaration, ClaimChannel.GroupInspection]), x.Member));
        await book.CreateAsync(new CreateRule(v.VillageId, "volunteer", "blood", "无偿献血", "Donating blood", null,
            RuleDirection.Award, new RuleTerms(10, [ClaimChannel.SelfDeclaration]), x.Member));
        return x;
    }

    private static CreateActivity Create(Village x, DateOnly? heldOn = null, int capacity = 30, string? key = null) =>
        new(x.VillageId, "村庄大扫除", heldOn ?? Today, "村委会门前", "volunteer-service", 2.5m, capacity, x.Organiser, x.Member, key);

    private static async Task<Activity> CreateAsync(TestDatabase database, CreateActivity c)
    {
        await using var db = database.NewContext();
        return await Desk(db).CreateAsync(c);
    }

    private static async Task<string> TryAsync(TestDatabase database, Func<ActivityDesk, Task> call, TimeProvider? time = null)
    {
        await using var db = database.NewContext();
        return await OutcomeAsync(() => call(Desk(db, time)));
    }

    /// <summary>Ticks household <paramref name="household"/>'s member <paramref name="member"/> as the organiser.</summary>
    private static CheckIn Tick(Village x, Activity a, int household, int member = 0, Guid? actor = null) =>
        new(x.VillageId, a.Number, actor ?? x.Organiser, household, x.People[household - 1][member]);

    private static CheckIn Scan(Village x, Activity a, int member = 0, string? token = null) =>
        new(x.VillageId, a.Number, x.Villager, PersonId: x.People[0][member], Token: token ?? a.CheckInToken);

    private static async Task<List<Claim>> ClaimsAsync(TestDatabase database, Village x)
    {
        await using var db = database.NewContext();
        return await db.Claims.AsNoTracking().Where(c => c.VillageId == x.VillageId).OrderBy(c => c.Number).ToListAsync();
    }

    private static async Task<Activity> ReloadAsync(TestDatabase database, Activity a)
    {
        await using var db = database.NewContext();
        return await db.Activities.AsNoTracking().SingleAsync(y => y.VillageId == a.VillageId && y.Id == a.Id);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateAsync_numbers_the_activity_and_gives_it_an_unguessable_check_in_token(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);

        var first = await CreateAsync(database, Create(x));
        var second = await CreateAsync(database, Create(x) with { Title = "<script>alert(1)</script>" });

        Assert.Equal([1L, 2L], [first.Number, second.Number]);
        Assert.Equal(ActivityState.Open, first.State);
        Assert.Equal(ActivityLimits.TokenLength, first.CheckInToken.Length);
        Assert.NotEqual(first.CheckInToken, second.CheckInToken);
        // Markup is only text: it is stored as typed and escaped wherever it is shown.
        Assert.Equal("<script>alert(1)</script>", (await ReloadAsync(database, second)).Title);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateAsync_refuses_bad_input_with_its_own_code_and_writes_nothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var good = Create(x);

        var outcomes = new Dictionary<string, string>
        {
            ["control character"] = await TryAsync(database, d => d.CreateAsync(good with { Title = "大扫除\u0007" })),
            ["empty title"] = await TryAsync(database, d => d.CreateAsync(good with { Title = "  " })),
            ["capacity 0"] = await TryAsync(database, d => d.CreateAsync(good with { Capacity = 0 })),
            ["capacity absurd"] = await TryAsync(database, d => d.CreateAsync(good with { Capacity = 1_000_000 })),
            ["hours > 24"] = await TryAsync(database, d => d.CreateAsync(good with { Hours = 25 })),
            ["hours negative"] = await TryAsync(database, d => d.CreateAsync(good with { Hours = -2 })),
            ["year 9999"] = await TryAsync(database, d => d.CreateAsync(good with { HeldOn = new DateOnly(9999, 12, 31) })),
            ["long past"] = await TryAsync(database, d => d.CreateAsync(good with { HeldOn = Today.AddYears(-3) })),
            ["rule not allowed"] = await TryAsync(database, d => d.CreateAsync(good with { RuleCode = "blood" })),
            ["no such rule"] = await TryAsync(database, d => d.CreateAsync(good with { RuleCode = "nope" })),
            ["villager creates"] = await TryAsync(database, d => d.CreateAsync(good with { ActorId = x.Villager })),
            ["villager organises"] = await TryAsync(database, d => d.CreateAsync(good with { OrganiserId = x.Villager })),
        };

        Assert.Equal(new Dictionary<string, string>
        {
            ["control character"] = StoredText.ForbiddenCode,
            ["empty title"] = "activity.title-invalid",
            ["capacity 0"] = "activity.capacity-invalid",
            ["capacity absurd"] = "activity.capacity-invalid",
            ["hours > 24"] = "activity.hours-invalid",
            ["hours negative"] = "activity.hours-invalid",
            ["year 9999"] = "activity.date-out-of-range",
            ["long past"] = "activity.date-out-of-range",
            ["rule not allowed"] = "activity.rule-not-allowed",
            ["no such rule"] = "rule.not-found",
            ["villager creates"] = "activity.committee-only",
            ["villager organises"] = "activity.organiser-invalid",
        }, outcomes);
        await using var db = database.NewContext();
        Assert.Equal(0, await db.Activities.CountAsync(a => a.VillageId == x.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateAsync_with_the_same_key_creates_one_activity_and_a_reused_key_for_another_is_refused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);

        var first = await CreateAsync(database, Create(x, key: "act-1"));
        var again = await CreateAsync(database, Create(x, key: "act-1"));

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("idempotency.conflict", await TryAsync(database, d => d.CreateAsync(Create(x, key: "act-1") with { Capacity = 5 })));
        await using var db = database.NewContext();
        Assert.Equal(1, await db.Activities.CountAsync(a => a.VillageId == x.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_checks_in_their_own_household_with_the_poster_token_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var a = await CreateAsync(database, Create(x));

        Assert.Equal("ok", await TryAsync(database, d => d.CheckInAsync(Scan(x, a))));
        Assert.Equal("ok", await TryAsync(database, d => d.CheckInAsync(Scan(x, a, member: 1))));
        Assert.Equal("activity.already-checked-in", await TryAsync(database, d => d.CheckInAsync(Scan(x, a))));
        Assert.Equal("activity.token-invalid", await TryAsync(database, d => d.CheckInAsync(Scan(x, a, token: "guessed"))));
        Assert.Equal("activity.not-own-household",
            await TryAsync(database, d => d.CheckInAsync(Scan(x, a) with { HouseholdNo = 2, PersonId = x.People[1][0] })));
        Assert.Equal("household.not-found", await TryAsync(database, d => d.CheckInAsync(Scan(x, a) with { HouseholdNo = 99, PersonId = null })));
        Assert.Equal("activity.person-not-found", await TryAsync(database, d => d.CheckInAsync(Scan(x, a) with { PersonId = x.People[2][0] })));
        // Household 1 has two members: the scan must say which.
        Assert.Equal("activity.person-required", await TryAsync(database, d => d.CheckInAsync(Scan(x, a) with { PersonId = null })));

        var reloaded = await ReloadAsync(database, a);
        Assert.Equal(2, reloaded.AttendeeCount);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Another_villages_household_cannot_be_checked_in(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var other = await ArrangeAsync(database);
        var a = await CreateAsync(database, Create(x));

        // Household 3 of the other village is named by its person: the person is not a member of this village's household 3.
        Assert.Equal("activity.person-not-found",
            await TryAsync(database, d => d.CheckInAsync(Tick(x, a, 3) with { PersonId = other.People[2][0] })));
        // The other village's organiser cannot tick names here either.
        Assert.Equal("activity.organiser-only", await TryAsync(database, d => d.CheckInAsync(Tick(x, a, 3, actor: other.Organiser))));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Scanning_is_taken_on_the_activitys_day_and_the_next_while_the_organiser_ticks_until_confirmation(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var tomorrow = await CreateAsync(database, Create(x, heldOn: Today.AddDays(1)));
        var threeDaysAgo = await CreateAsync(database, Create(x, heldOn: Today.AddDays(-3)));
        var yesterday = await CreateAsync(database, Create(x, heldOn: Today.AddDays(-1)));

        Assert.Equal("activity.check-in-not-yet", await TryAsync(database, d => d.CheckInAsync(Scan(x, tomorrow))));
        Assert.Equal("activity.check-in-not-yet", await TryAsync(database, d => d.CheckInAsync(Tick(x, tomorrow, 2))));
        Assert.Equal("activity.check-in-closed", await TryAsync(database, d => d.CheckInAsync(Scan(x, threeDaysAgo))));
        Assert.Equal("ok", await TryAsync(database, d => d.CheckInAsync(Tick(x, threeDaysAgo, 2))));
        Assert.Equal("ok", await TryAsync(database, d => d.CheckInAsync(Scan(x, yesterday))));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_full_activity_refuses_the_next_check_in_even_when_two_arrive_for_the_last_place(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var a = await CreateAsync(database, Create(x, capacity: 2));
        Assert.Equal("ok", await TryAsync(database, d => d.CheckInAsync(Tick(x, a, 1))));

        var outcomes = await RunTogetherAsync(2, i => TryAsync(database, d => d.CheckInAsync(Tick(x, a, i == 0 ? 2 : 3))));

        Assert.Equal(["activity.full", "ok"], outcomes.Order(StringComparer.Ordinal));
        Assert.Equal("activity.full", await TryAsync(database, d => d.CheckInAsync(Scan(x, a, member: 1))));
        await using var db = database.NewContext();
        Assert.Equal(2, await db.ActivityAttendances.CountAsync(y => y.VillageId == x.VillageId && y.ActivityId == a.Id));
        Assert.Equal(2, (await ReloadAsync(database, a)).AttendeeCount);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ConfirmAsync_makes_one_claim_per_attendee_with_the_activity_reference_and_they_go_through_normal_review(
        DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        await ChangeVillageAsync(database, x.V, village => village.Settings.TwoStepReview = false);
        var a = await CreateAsync(database, Create(x));
        await TryAsync(database, d => d.CheckInAsync(Scan(x, a)));
        await TryAsync(database, d => d.CheckInAsync(Scan(x, a, member: 1)));
        await TryAsync(database, d => d.CheckInAsync(Tick(x, a, 3)));

        Assert.Equal("ok", await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, a.Number, x.Organiser))));

        var claims = await ClaimsAsync(database, x);
        Assert.Equal(3, claims.Count);
        Assert.All(claims, c =>
        {
            Assert.Equal(a.Id, c.ActivityId);
            Assert.Equal(ClaimChannel.GroupInspection, c.Channel);
            Assert.Equal(ClaimState.Submitted, c.State);
            Assert.Equal(x.Organiser, c.SubmittedBy);
            Assert.Equal(10, c.Points);
            Assert.Equal(a.HeldOn, c.OccurredOn);
        });
        Assert.Equal(new[] { x.V.HouseholdIds[0], x.V.HouseholdIds[0], x.V.HouseholdIds[2] }.Order(), claims.Select(c => c.HouseholdId).Order());
        var confirmed = await ReloadAsync(database, a);
        Assert.Equal(ActivityState.Confirmed, confirmed.State);
        await using (var db = database.NewContext())
        {
            var numbers = await db.ActivityAttendances.Where(y => y.VillageId == x.VillageId).Select(y => y.ClaimNumber).ToListAsync();
            Assert.Equal(claims.Select(c => (long?)c.Number).Order(), numbers.Order());
        }

        // The organiser submitted them, so someone else reviews: the committee member's approval posts the entry.
        await using (var db = database.NewContext())
        {
            var desk = new ClaimDesk(db, Posting(db, Clock), new RuleBook(db, Clock), Clock);
            Assert.Equal("claim.own-submission",
                await OutcomeAsync(() => desk.DecideAsync(new DecideClaim(x.VillageId, claims[0].Number, x.Organiser, ClaimDecision.Approve))));
        }
        await using (var db = database.NewContext())
        {
            var desk = new ClaimDesk(db, Posting(db, Clock), new RuleBook(db, Clock), Clock);
            await desk.DecideAsync(new DecideClaim(x.VillageId, claims[0].Number, x.Member, ClaimDecision.Approve));
        }
        Assert.NotNull((await ClaimsAsync(database, x))[0].EntryNumber);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ConfirmAsync_twice_or_by_two_organisers_at_once_makes_one_set_of_claims(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var a = await CreateAsync(database, Create(x));
        await TryAsync(database, d => d.CheckInAsync(Tick(x, a, 2)));
        await TryAsync(database, d => d.CheckInAsync(Tick(x, a, 3)));

        var outcomes = await RunTogetherAsync(2, i =>
            TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, a.Number, i == 0 ? x.Organiser : x.Member))));
        var doubleTap = await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, a.Number, x.Organiser, "tap")));
        var retried = await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, a.Number, x.Organiser, "tap")));

        Assert.Equal(["ok", "ok"], outcomes);
        Assert.Equal(("ok", "ok"), (doubleTap, retried));
        Assert.Equal(2, (await ClaimsAsync(database, x)).Count);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_activity_is_cancelled_only_before_confirmation_and_a_cancelled_one_takes_nothing_more(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var called = await CreateAsync(database, Create(x));
        var held = await CreateAsync(database, Create(x));
        await TryAsync(database, d => d.CheckInAsync(Tick(x, called, 2)));
        await TryAsync(database, d => d.CheckInAsync(Tick(x, held, 2)));
        await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, held.Number, x.Organiser)));

        Assert.Equal("activity.organiser-only", await TryAsync(database, d => d.CancelAsync(new CancelActivity(x.VillageId, called.Number, x.Villager))));
        Assert.Equal("ok", await TryAsync(database, d => d.CancelAsync(new CancelActivity(x.VillageId, called.Number, x.Member, "下雨"))));
        Assert.Equal("ok", await TryAsync(database, d => d.CancelAsync(new CancelActivity(x.VillageId, called.Number, x.Member, "下雨"))));
        Assert.Equal("activity.cancelled", await TryAsync(database, d => d.CheckInAsync(Tick(x, called, 3))));
        Assert.Equal("activity.cancelled", await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, called.Number, x.Organiser))));
        Assert.Equal("activity.already-confirmed", await TryAsync(database, d => d.CancelAsync(new CancelActivity(x.VillageId, held.Number, x.Member))));
        Assert.Equal("activity.already-confirmed", await TryAsync(database, d => d.CheckInAsync(Tick(x, held, 3))));
        Assert.Single(await ClaimsAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ConfirmAsync_refuses_an_empty_roster_and_an_activity_not_yet_held(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var empty = await CreateAsync(database, Create(x));
        var later = await CreateAsync(database, Create(x, heldOn: Today.AddDays(2)));

        Assert.Equal("activity.no-attendees", await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, empty.Number, x.Organiser))));
        Assert.Equal("activity.not-yet-held", await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, later.Number, x.Organiser))));
        Assert.Equal("activity.organiser-only", await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, empty.Number, x.Villager))));
        Assert.Equal("activity.not-found", await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, 404, x.Organiser))));
        Assert.Empty(await ClaimsAsync(database, x));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_organiser_takes_a_ticked_name_off_the_roster_before_confirmation(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var a = await CreateAsync(database, Create(x, capacity: 1));
        await TryAsync(database, d => d.CheckInAsync(Tick(x, a, 2)));

        Assert.Equal("ok", await TryAsync(database, d => d.RemoveCheckInAsync(new RemoveCheckIn(x.VillageId, a.Number, x.Organiser, x.People[1][0]))));

        Assert.Equal(0, (await ReloadAsync(database, a)).AttendeeCount);
        Assert.Equal("ok", await TryAsync(database, d => d.CheckInAsync(Tick(x, a, 3))));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Stats_count_each_confirmed_attendance_as_one_volunteer_person_time(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var x = await ArrangeAsync(database);
        var confirmed = await CreateAsync(database, Create(x));
        var open = await CreateAsync(database, Create(x));
        var cancelled = await CreateAsync(database, Create(x));
        foreach (var h in new[] { 1, 2, 3 })
            await TryAsync(database, d => d.CheckInAsync(Tick(x, confirmed, h)));
        await TryAsync(database, d => d.CheckInAsync(Tick(x, open, 2)));
        await TryAsync(database, d => d.CheckInAsync(Tick(x, cancelled, 2)));
        await TryAsync(database, d => d.ConfirmAsync(new ConfirmAttendance(x.VillageId, confirmed.Number, x.Organiser)));
        await TryAsync(database, d => d.CancelAsync(new CancelActivity(x.VillageId, cancelled.Number, x.Member)));

        await using var db = database.NewContext();
        var stats = await new VillageStats(db).ComputeAsync(x.VillageId);

        Assert.Equal(3, stats.VolunteerPersonTimes);
    }

    private static async Task<Guid> UserAsync(TestDatabase database, ArrangedVillage v, string name, Role role, int? household = null)
    {
        await using var db = database.NewContext();
        var user = new UserAccount
        {
            Id = Ids.New(), Phone = "175" + Random.Shared.Next(0, 99_999_999).ToString("D8", CultureInfo.InvariantCulture),
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
