using System.Net;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Shared;
using VillagePoints.Web.Tests.Infrastructure;
using static VillagePoints.Web.Tests.Activities.ActivityTestKit;

namespace VillagePoints.Web.Tests.Activities;

/// <summary>The activity pages: the list and creation form, the activity with its roster, the poster and the villager's check-in.</summary>
public sealed class ActivityPagesTests
{
    private static string Path(ArrangedVillage v, string rest = "") => $"/villages/{v.VillageCode}/activities{rest}";

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, string target, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await PageClients.FormTokenAsync(client, formPage);
        return await client.PostAsync(target, new FormUrlEncodedContent(fields));
    }

    private static Dictionary<string, string> CreateForm(string title = "村庄大扫除", string capacity = "30", string hours = "2.5", string? heldOn = null,
        string rule = "volunteer-service") => new()
    {
        ["Title"] = title, ["HeldOn"] = heldOn ?? Today, ["Place"] = "村委会门前", ["RuleCode"] = rule, ["Hours"] = hours, ["Capacity"] = capacity,
        ["FormKey"] = Guid.NewGuid().ToString("N"),
    };

    private static async Task<long> CreateAsync(TestApp app, ArrangedVillage v, Guid organiser, int capacity = 30)
    {
        var committee = await app.CreateUserAsync("刘书记", TestApp.In(v, Role.CommitteeChair));
        await using var db = app.NewContext();
        var posting = new Core.Ledger.LedgerPosting(db, TimeProvider.System);
        var desk = new ActivityDesk(db, posting, new Core.Claims.ClaimDesk(db, posting, new Core.Rules.RuleBook(db, TimeProvider.System), TimeProvider.System),
            TimeProvider.System);
        var a = await desk.CreateAsync(new CreateActivity(v.VillageId, "村庄大扫除", BusinessCalendar.Today(TimeProvider.System), "村委会门前",
            "volunteer-service", 2, capacity, organiser, committee.Id));
        return a.Number;
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_committee_finds_activities_from_the_village_page_and_creates_one_whose_markup_is_shown_as_text(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await ArrangeAsync(app, v);
        var member = await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember));

        var village = await member.GetStringAsync($"/villages/{v.VillageCode}");
        var response = await PostFormAsync(member, Path(v), $"{Path(v)}?handler=Create", CreateForm(title: "<script>alert(1)</script>"));

        Assert.Contains($"href=\"/villages/{v.VillageCode}/activities\"", village, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Path(v, "/1?created=1"), response.Headers.Location?.OriginalString);
        var page = await member.GetStringAsync(Path(v, "/1?created=1"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", page, StringComparison.Ordinal);
        Assert.Contains("活动已创建", page, StringComparison.Ordinal);
        Assert.Contains(Path(v, "/1/poster"), page, StringComparison.Ordinal);
        var list = await member.GetStringAsync(Path(v));
        Assert.Contains("&lt;script&gt;", list, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_creation_form_says_what_is_wrong_beside_each_field_and_writes_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await ArrangeAsync(app, v);
        var member = await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember));

        async Task<string> Refused(Dictionary<string, string> form)
        {
            var response = await PostFormAsync(member, Path(v), $"{Path(v)}?handler=Create", form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        Assert.Contains("id=\"activity-capacity-error\" class=\"field-error\">人数上限须在 1 到 1000 之间", await Refused(CreateForm(capacity: "0")), StringComparison.Ordinal);
        Assert.Contains("id=\"activity-capacity-error\" class=\"field-error\">人数上限须在 1 到 1000 之间", await Refused(CreateForm(capacity: "abc")), StringComparison.Ordinal);
        Assert.Contains("id=\"activity-hours-error\" class=\"field-error\">服务时长须大于 0", await Refused(CreateForm(hours: "30")), StringComparison.Ordinal);
        Assert.Contains("id=\"activity-hours-error\" class=\"field-error\">服务时长须大于 0", await Refused(CreateForm(hours: "-1")), StringComparison.Ordinal);
        Assert.Contains("id=\"activity-date-error\" class=\"field-error\">活动日期须在", await Refused(CreateForm(heldOn: "9999-12-31")), StringComparison.Ordinal);
        Assert.Contains("id=\"activity-rule-error\" class=\"field-error\">这条细则不能用于志愿活动", await Refused(CreateForm(rule: "blood")), StringComparison.Ordinal);
        Assert.Contains("id=\"activity-title-error\" class=\"field-error\">", await Refused(CreateForm(title: "大扫除\u0007")), StringComparison.Ordinal);
        Assert.Contains("id=\"activity-title-error\" class=\"field-error\">请填写活动名称", await Refused(CreateForm(title: "")), StringComparison.Ordinal);
        Assert.Equal(0, await ActivityCountAsync(app, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_poster_holds_the_absolute_check_in_link_in_its_QR_code_and_only_those_who_run_the_activity_open_it(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await ArrangeAsync(app, v);
        var organiser = await app.CreateUserAsync("赵评议", TestApp.In(v, Role.ReviewGroup));
        var number = await CreateAsync(app, v, organiser.Id);
        var member = await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember));
        var otherReviewer = await app.PageClientAsync(TestApp.In(v, Role.ReviewGroup));
        var villager = await app.PageClientAsync(Villager(v, 1));

        var poster = await member.GetAsync(Path(v, $"/{number}/poster"));
        var html = await poster.Content.ReadAsStringAsync();
        var link = $"http://localhost/villages/{v.VillageCode}/activities/{number}/check-in?t={await TokenAsync(app, v, number)}";
        var svg = QrCodes.Svg(link, "x").ToString()!;

        Assert.Equal(HttpStatusCode.OK, poster.StatusCode);
        Assert.Contains(svg[(svg.IndexOf('>', StringComparison.Ordinal) + 1)..], html, StringComparison.Ordinal);
        Assert.Contains("村庄大扫除", html, StringComparison.Ordinal);
        Assert.Contains("村委会门前", html, StringComparison.Ordinal);
        Assert.Contains("10 分", html, StringComparison.Ordinal);
        Assert.Contains("2 小时", html, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, (await villager.GetAsync(Path(v, $"/{number}/poster"))).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await otherReviewer.GetAsync(Path(v, $"/{number}/poster"))).StatusCode);
        Assert.DoesNotContain(await TokenAsync(app, v, number), await villager.GetStringAsync(Path(v, $"/{number}")), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_checks_in_a_member_of_their_household_in_one_tap_from_the_posters_link(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        var people = await ArrangeAsync(app, v);
        var organiser = await app.CreateUserAsync("陈秀梅", TestApp.In(v, Role.CommitteeMember));
        var number = await CreateAsync(app, v, organiser.Id);
        var villager = await app.PageClientAsync(Villager(v, 1));
        var token = await TokenAsync(app, v, number);
        var page = Path(v, $"/{number}/check-in?t={token}");

        var form = await villager.GetStringAsync(page);
        var english = await villager.GetStringAsync($"{page}&culture=en-US&ui-culture=en-US");
        var wrong = await villager.GetStringAsync(Path(v, $"/{number}/check-in?t=guessed"));
        var wrongPost = await PostFormAsync(villager, page, Path(v, $"/{number}/check-in"), new()
        {
            ["t"] = "guessed", ["PersonId"] = people[1].ToString(), ["FormKey"] = "k1",
        });
        var tap = await PostFormAsync(villager, page, Path(v, $"/{number}/check-in"), new()
        {
            ["t"] = token, ["PersonId"] = people[1].ToString(), ["FormKey"] = "k2",
        });
        var after = await villager.GetStringAsync(tap.Headers.Location!.OriginalString);

        Assert.Contains("为 王建国 签到", form, StringComparison.Ordinal);
        Assert.Contains("Check in 王建国", english, StringComparison.Ordinal);
        Assert.Contains("Who is checking in? Tap a name", english, StringComparison.Ordinal);
        Assert.DoesNotContain("李桂兰", form, StringComparison.Ordinal);
        Assert.Contains("签到链接无效", wrong, StringComparison.Ordinal);
        Assert.DoesNotContain("为 王建国 签到", wrong, StringComparison.Ordinal);
        Assert.Contains("签到链接无效", await wrongPost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, tap.StatusCode);
        Assert.Contains("王建国 签到成功", after, StringComparison.Ordinal);
        Assert.DoesNotContain("为 王建国 签到", after, StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(1, await db.ActivityAttendances.CountAsync(a => a.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_organiser_ticks_names_on_the_roster_and_confirms_attendance_on_the_activity_page(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        var people = await ArrangeAsync(app, v);
        var organiser = await app.CreateUserAsync("赵评议", TestApp.In(v, Role.ReviewGroup));
        var number = await CreateAsync(app, v, organiser.Id, capacity: 1);
        var client = app.Anonymous();
        var login = await PostFormAsync(client, "/login", "/login", new() { ["Phone"] = organiser.Phone, ["Password"] = TestApp.Password });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var page = Path(v, $"/{number}");

        var found = await client.GetStringAsync($"{page}?q=2");
        var tick = await PostFormAsync(client, page, $"{page}?handler=Tick", new()
        {
            ["PersonId"] = people[2].ToString(), ["HouseholdNo"] = "2", ["Q"] = "2", ["FormKey"] = "t1",
        });
        var full = await PostFormAsync(client, page, $"{page}?handler=Tick", new()
        {
            ["PersonId"] = people[3].ToString(), ["HouseholdNo"] = "3", ["Q"] = "3", ["FormKey"] = "t2",
        });
        var confirm = await PostFormAsync(client, page, $"{page}?handler=Confirm", new() { ["FormKey"] = "c1" });
        var confirmed = await client.GetStringAsync(confirm.Headers.Location!.OriginalString);

        Assert.Contains("为 李桂兰 签到", found, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, tick.StatusCode);
        Assert.Contains("活动人数已满", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        Assert.Contains("已确认出勤", confirmed, StringComparison.Ordinal);
        Assert.Contains("申报 1 号", confirmed, StringComparison.Ordinal);
        Assert.Contains($"第 {number} 号活动：", await client.GetStringAsync($"/villages/{v.VillageCode}/claims/1"), StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(1, await db.Claims.CountAsync(c => c.VillageId == v.VillageId && c.ActivityId != null));
    }
}
