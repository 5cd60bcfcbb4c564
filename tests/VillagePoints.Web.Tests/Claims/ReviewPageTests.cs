using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Claims;

/// <summary>
/// The review pages through the browser's forms: the queue, a claim's page, the group inspection grid and the notifications.
/// Each test arranges a one-step village with three households, the rules "清理卫生死角" (+5; patrol) and "家禽散养"
/// (−10; group inspection and patrol), and a patrol claim about household 1 by a grid worker.
/// </summary>
public sealed class ReviewPageTests
{
    private static string Yesterday => BusinessCalendar.Today(TimeProvider.System).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Arranged(TestApp App, ArrangedVillage V, HttpClient GridWorker)
    {
        public string Page(string path) => $"/villages/{V.VillageCode}{path}";
    }

    private static async Task<Arranged> ArrangeAsync(TestApp app, string rule = "loose-poultry")
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await using (var db = app.NewContext())
        {
            (await db.Villages.SingleAsync(x => x.Id == v.VillageId)).Settings.TwoStepReview = false;
            await db.SaveChangesAsync();
        }
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var api = $"/api/v1/villages/{v.VillageCode}";
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync($"{api}/rule-categories", new { code = "env", nameZh = "环境卫生", nameEn = "Environment", sortOrder = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync($"{api}/rules", new
        {
            category = "env", code = "clean-corner", nameZh = "清理卫生死角", nameEn = "Clearing a neglected corner", description = "",
            direction = "Award", terms = new { basePoints = 5, channels = new[] { "Patrol" } },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync($"{api}/rules", new
        {
            category = "env", code = "loose-poultry", nameZh = "家禽散养", nameEn = "Poultry roaming loose", description = "",
            direction = "Deduction", terms = new { basePoints = 10, channels = new[] { "GroupInspection", "Patrol" } },
        })).StatusCode);
        var gridWorker = await app.ClientAsync(TestApp.In(v, Role.GridWorker));
        var claim = await gridWorker.PostAsJsonAsync($"{api}/claims", new { channel = "Patrol", householdNo = 1, ruleCode = rule, occurredOn = Yesterday, note = "鸡在路上" });
        Assert.Equal(HttpStatusCode.Created, claim.StatusCode);
        return new Arranged(app, v, gridWorker);
    }

    private static async Task<HttpResponseMessage> DecideAsync(HttpClient reviewer, Arranged x, string decision, string reason = "")
    {
        var path = x.Page("/review");
        return await reviewer.PostAsync(path + "?handler=Decide", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Number"] = "1", ["Decision"] = decision, ["Reason"] = reason, ["FormKey"] = Guid.NewGuid().ToString("N"),
            ["__RequestVerificationToken"] = await PageClients.FormTokenAsync(reviewer, path),
        }));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_committee_member_sees_the_claim_in_the_queue_is_told_at_the_claim_why_a_decision_is_refused_and_approves_it(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        var member = await app.PageClientAsync("陈秀梅", TestApp.In(x.V, Role.CommitteeMember));

        var queue = await member.GetStringAsync(x.Page("/review"));
        Assert.Contains("id=\"claim-1\"", queue, StringComparison.Ordinal);
        Assert.Contains("家禽散养", queue, StringComparison.Ordinal);
        Assert.Contains("鸡在路上", queue, StringComparison.Ordinal);

        var refused = await DecideAsync(member, x, "Reject");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("驳回或退回时请写明理由。", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var approved = await DecideAsync(member, x, "Approve");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Contains("Done=1&Outcome=Approved", approved.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"claim-1\"", await member.GetStringAsync(x.Page("/review")), StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.VillageId == x.V.VillageId && e.SourceRef == "claim:1"));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_has_no_review_queue_nor_inspection_page(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        var villager = await app.PageClientAsync(TestApp.In(x.V, Role.Villager, householdNumber: 1));

        Assert.NotEqual(HttpStatusCode.OK, (await villager.GetAsync(x.Page("/review"))).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await villager.GetAsync(x.Page("/inspections/new"))).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_household_reads_a_deduction_with_its_reason_timeline_and_photos_and_a_neighbour_cannot_open_it(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        var member = await app.PageClientAsync("陈秀梅", TestApp.In(x.V, Role.CommitteeMember));
        Assert.Equal(HttpStatusCode.Redirect, (await DecideAsync(member, x, "Approve")).StatusCode);
        var villager = await app.PageClientAsync(TestApp.In(x.V, Role.Villager, householdNumber: 1));
        var neighbour = await app.PageClientAsync(TestApp.In(x.V, Role.Villager, householdNumber: 2));

        var page = await villager.GetStringAsync(x.Page("/claims/1"));

        Assert.Contains("家禽散养", page, StringComparison.Ordinal);
        Assert.Contains("\u221210", page, StringComparison.Ordinal);
        Assert.Contains("村委会审核通过，积分入账", page, StringComparison.Ordinal);
        Assert.Contains("陈秀梅", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await neighbour.GetAsync(x.Page("/claims/1"))).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_review_group_saves_an_inspection_grid_at_once_and_a_refused_tick_saves_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        var reviewer = await app.PageClientAsync(TestApp.In(x.V, Role.ReviewGroup));
        var path = x.Page("/inspections/new");
        var grid = await reviewer.GetStringAsync(path);
        Assert.Contains("value=\"2:loose-poultry\"", grid, StringComparison.Ordinal);
        Assert.DoesNotContain("clean-corner", grid, StringComparison.Ordinal);

        async Task<HttpResponseMessage> SaveAsync(params string[] marks)
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("Group", "1"), new("OccurredOn", Yesterday), new("FormKey", Guid.NewGuid().ToString("N")),
                new("__RequestVerificationToken", await PageClients.FormTokenAsync(reviewer, path)),
            };
            form.AddRange(marks.Select(m => new KeyValuePair<string, string>("Marks", m)));
            return await reviewer.PostAsync(path, new FormUrlEncodedContent(form));
        }

        var refused = await SaveAsync("2:loose-poultry", "3:clean-corner");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("第 2 项（3 号户 · clean-corner）", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var db = app.NewContext())
            Assert.Equal(0, await db.Claims.CountAsync(c => c.VillageId == x.V.VillageId && c.InspectionNumber != null));

        var saved = await SaveAsync("2:loose-poultry", "3:loose-poultry");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("Done=1&Count=2", saved.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await using (var db = app.NewContext())
            Assert.Equal(2, await db.Claims.CountAsync(c => c.VillageId == x.V.VillageId && c.InspectionNumber == 1 && c.Channel == ClaimChannel.GroupInspection));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_bell_counts_unread_notifications_and_opening_one_marks_it_read_and_shows_its_claim(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        var member = await app.PageClientAsync("陈秀梅", TestApp.In(x.V, Role.CommitteeMember));
        var villager = await app.PageClientAsync(TestApp.In(x.V, Role.Villager, householdNumber: 1));
        Assert.DoesNotContain("bell-count", await villager.GetStringAsync("/notifications"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await DecideAsync(member, x, "Approve")).StatusCode);

        var page = await villager.GetStringAsync("/notifications");
        Assert.Contains("class=\"bell-count\">1", page, StringComparison.Ordinal);
        Assert.Contains("第 1 号申报已通过，-10 分已记入积分。", page, StringComparison.Ordinal);
        Guid id;
        await using (var db = app.NewContext())
            id = (await db.Notifications.SingleAsync(n => n.VillageId == x.V.VillageId && n.ClaimNumber == 1 && n.UserId != Guid.Empty
                && db.RoleAssignments.Any(r => r.UserId == n.UserId && r.Role == Role.Villager))).Id;

        var open = await villager.PostAsync($"/notifications?handler=Open&id={id}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await PageClients.FormTokenAsync(villager, "/notifications"),
        }));

        Assert.Equal(HttpStatusCode.Redirect, open.StatusCode);
        Assert.Equal(x.Page("/claims/1"), open.Headers.Location!.OriginalString);
        Assert.DoesNotContain("bell-count", await villager.GetStringAsync("/notifications"), StringComparison.Ordinal);
    }
}
