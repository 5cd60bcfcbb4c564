using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Reports;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;
using static VillagePoints.Web.Tests.Activities.ActivityTestKit;

namespace VillagePoints.Web.Tests.Activities;

/// <summary>Volunteer activities through the API: every endpoint, its refusals as problems with stable codes, and the stats it feeds.</summary>
public sealed class ActivitiesApiTests
{
    private static string Url(ArrangedVillage v, string path = "") => $"/api/v1/villages/{v.VillageCode}/activities{path}";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_committee_creates_an_activity_and_only_those_who_run_it_see_the_check_in_link(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await ArrangeAsync(app, v);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var villager = await app.ClientAsync(Villager(v, 1));

        var response = await PostAsync(member, Url(v), NewActivity(title: "<script>alert(1)</script>"), "create-1");
        var created = await JsonAsync(response, HttpStatusCode.Created);
        var listed = await JsonAsync(await villager.GetAsync(Url(v)), HttpStatusCode.OK);
        var seen = await JsonAsync(await villager.GetAsync(Url(v, "/1")), HttpStatusCode.OK);

        Assert.Equal(Url(v, "/1"), response.Headers.Location?.OriginalString);
        Assert.Equal((1L, "Open", 10, "<script>alert(1)</script>"), (created.GetProperty("number").GetInt64(), created.GetProperty("state").GetString(),
            created.GetProperty("pointsPerAttendee").GetInt32(), created.GetProperty("title").GetString()));
        var link = created.GetProperty("checkInUrl").GetString()!;
        Assert.StartsWith("http", link, StringComparison.Ordinal);
        Assert.Contains($"/villages/{v.VillageCode}/activities/1/check-in?t=", link, StringComparison.Ordinal);
        Assert.Contains(await TokenAsync(app, v, 1), link, StringComparison.Ordinal);
        Assert.Equal(1, listed.GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("checkInUrl").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("roster").ValueKind);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bad_input_is_a_problem_with_its_own_code_and_writes_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await ArrangeAsync(app, v);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var villager = await app.ClientAsync(Villager(v, 1));

        async Task<string?> Refused(HttpClient client, object body, HttpStatusCode status) =>
            await Problems.AssertProblemAsync(await PostAsync(client, Url(v), body), status);

        Assert.Equal("text.forbidden-characters", await Refused(member, NewActivity(title: "大扫除\u0001"), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("activity.capacity-invalid", await Refused(member, NewActivity(capacity: 0), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("activity.capacity-invalid", await Refused(member, NewActivity(capacity: 2_000_000), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("activity.hours-invalid", await Refused(member, NewActivity(hours: 25), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("activity.hours-invalid", await Refused(member, NewActivity(hours: -1), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("activity.date-out-of-range", await Refused(member, NewActivity(heldOn: "9999-12-31"), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("activity.date-out-of-range", await Refused(member, NewActivity(heldOn: "2001-01-01"), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("activity.rule-not-allowed", await Refused(member, NewActivity(rule: "blood"), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("activity.fields-required", await Refused(member, new { title = "大扫除" }, HttpStatusCode.UnprocessableEntity));
        Assert.Equal("access.forbidden", await Refused(villager, NewActivity(), HttpStatusCode.Forbidden));
        Assert.Equal(0, await ActivityCountAsync(app, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retried_create_with_the_same_key_answers_the_first_activity(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await ArrangeAsync(app, v);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));

        var first = await JsonAsync(await PostAsync(member, Url(v), NewActivity(), "same"), HttpStatusCode.Created);
        var again = await JsonAsync(await PostAsync(member, Url(v), NewActivity(), "same"), HttpStatusCode.Created);
        var other = await PostAsync(member, Url(v), NewActivity(capacity: 5), "same");

        Assert.Equal(first.GetProperty("number").GetInt64(), again.GetProperty("number").GetInt64());
        Assert.Equal("idempotency.conflict", await Problems.AssertProblemAsync(other, HttpStatusCode.Conflict));
        Assert.Equal(1, await ActivityCountAsync(app, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Check_ins_by_token_and_by_the_organiser_are_refused_clearly_when_wrong_twice_foreign_or_full(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        var people = await ArrangeAsync(app, v);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var villager = await app.ClientAsync(Villager(v, 1));
        await JsonAsync(await PostAsync(member, Url(v), NewActivity(capacity: 2)), HttpStatusCode.Created);
        var token = await TokenAsync(app, v, 1);
        var checkIns = Url(v, "/1/check-ins");

        var self = await JsonAsync(await PostAsync(villager, checkIns, new { token, personId = people[1] }, "scan-1"), HttpStatusCode.Created);
        var twice = await PostAsync(villager, checkIns, new { token, personId = people[1] });
        var wrongToken = await PostAsync(villager, checkIns, new { token = "guess", personId = people[1] });
        var otherHousehold = await PostAsync(villager, checkIns, new { token, householdNo = 2 });
        var foreign = await PostAsync(member, checkIns, new { householdNo = 99 });
        var ticked = await JsonAsync(await PostAsync(member, checkIns, new { householdNo = 2 }), HttpStatusCode.Created);
        var full = await PostAsync(member, checkIns, new { householdNo = 3 });

        Assert.Equal(("SelfScan", 1, 1), (self.GetProperty("method").GetString(), self.GetProperty("householdNo").GetInt32(), self.GetProperty("attendeeCount").GetInt32()));
        Assert.Equal("activity.already-checked-in", await Problems.AssertProblemAsync(twice, HttpStatusCode.Conflict));
        Assert.Equal("activity.token-invalid", await Problems.AssertProblemAsync(wrongToken, HttpStatusCode.Forbidden));
        Assert.Equal("activity.not-own-household", await Problems.AssertProblemAsync(otherHousehold, HttpStatusCode.Forbidden));
        Assert.Equal("household.not-found", await Problems.AssertProblemAsync(foreign, HttpStatusCode.NotFound));
        Assert.Equal("Roster", ticked.GetProperty("method").GetString());
        Assert.Equal("activity.full", await Problems.AssertProblemAsync(full, HttpStatusCode.Conflict));
        var fullInEnglish = await PostAsync(member, $"{checkIns}?culture=en-US&ui-culture=en-US", new { householdNo = 3 });
        Assert.Contains("The activity is full", await fullInEnglish.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("活动人数已满", await (await PostAsync(member, checkIns, new { householdNo = 3 })).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(2, await db.ActivityAttendances.CountAsync(a => a.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Confirmation_makes_one_claim_per_attendee_once_and_feeds_the_stats(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await ArrangeAsync(app, v);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        await JsonAsync(await PostAsync(member, Url(v), NewActivity()), HttpStatusCode.Created);
        foreach (var h in new[] { 1, 2, 3 })
            await JsonAsync(await PostAsync(member, Url(v, "/1/check-ins"), new { householdNo = h }), HttpStatusCode.Created);

        var confirmed = await JsonAsync(await PostAsync(member, Url(v, "/1/confirmation"), null, "confirm-1"), HttpStatusCode.OK);
        var again = await JsonAsync(await PostAsync(chair, Url(v, "/1/confirmation"), null), HttpStatusCode.OK);
        var cancel = await PostAsync(chair, Url(v, "/1/cancellation"), new { reason = "下雨" });
        var queue = await JsonAsync(await chair.GetAsync($"/api/v1/villages/{v.VillageCode}/claims?state=Submitted"), HttpStatusCode.OK);
        var stats = await chair.GetFromJsonAsync<StatsFigures>($"/api/v1/villages/{v.VillageCode}/stats");

        Assert.Equal("Confirmed", confirmed.GetProperty("state").GetString());
        Assert.Equal(3, confirmed.GetProperty("roster").EnumerateArray().Count(l => l.GetProperty("claimNumber").ValueKind == System.Text.Json.JsonValueKind.Number));
        Assert.Equal("Confirmed", again.GetProperty("state").GetString());
        Assert.Equal("activity.already-confirmed", await Problems.AssertProblemAsync(cancel, HttpStatusCode.Conflict));
        Assert.Equal(3, queue.GetArrayLength());
        Assert.All(queue.EnumerateArray(), c => Assert.Equal("GroupInspection", c.GetProperty("channel").GetString()));
        Assert.All(queue.EnumerateArray(), c => Assert.Equal(1, c.GetProperty("activityNumber").GetInt64()));
        Assert.All(queue.EnumerateArray(), c => Assert.False(string.IsNullOrEmpty(c.GetProperty("activityTitle").GetString())));
        Assert.Equal(3, stats!.VolunteerPersonTimes);
        await using var db = app.NewContext();
        var activityId = await db.Activities.Where(a => a.VillageId == v.VillageId).Select(a => a.Id).SingleAsync();
        Assert.Equal(3, await db.Claims.CountAsync(c => c.VillageId == v.VillageId && c.ActivityId == activityId && c.State == ClaimState.Submitted));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Cancellation_before_confirmation_closes_the_activity_and_only_those_who_run_it_may_cancel(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await ArrangeAsync(app, v);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var reviewer = await app.ClientAsync(TestApp.In(v, Role.ReviewGroup));
        var villager = await app.ClientAsync(Villager(v, 1));
        await JsonAsync(await PostAsync(member, Url(v), NewActivity()), HttpStatusCode.Created);

        var byVillager = await PostAsync(villager, Url(v, "/1/cancellation"), new { reason = "x" });
        var byOtherReviewer = await PostAsync(reviewer, Url(v, "/1/cancellation"), new { reason = "x" });
        var cancelled = await JsonAsync(await PostAsync(member, Url(v, "/1/cancellation"), new { reason = "下雨" }, "cancel-1"), HttpStatusCode.OK);
        var checkIn = await PostAsync(member, Url(v, "/1/check-ins"), new { householdNo = 1 });
        var confirm = await PostAsync(member, Url(v, "/1/confirmation"), null);
        var missing = await PostAsync(member, Url(v, "/9/confirmation"), null);

        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(byVillager, HttpStatusCode.Forbidden));
        Assert.Equal("activity.organiser-only", await Problems.AssertProblemAsync(byOtherReviewer, HttpStatusCode.Forbidden));
        Assert.Equal(("Cancelled", "下雨"), (cancelled.GetProperty("state").GetString(), cancelled.GetProperty("cancelReason").GetString()));
        Assert.Equal("activity.cancelled", await Problems.AssertProblemAsync(checkIn, HttpStatusCode.Conflict));
        Assert.Equal("activity.cancelled", await Problems.AssertProblemAsync(confirm, HttpStatusCode.Conflict));
        Assert.Equal("activity.not-found", await Problems.AssertProblemAsync(missing, HttpStatusCode.NotFound));
        await using var db = app.NewContext();
        Assert.Equal(ActivityState.Cancelled, await db.Activities.Where(a => a.VillageId == v.VillageId).Select(a => a.State).SingleAsync());
        Assert.Equal(0, await db.Claims.CountAsync(c => c.VillageId == v.VillageId));
    }
}
