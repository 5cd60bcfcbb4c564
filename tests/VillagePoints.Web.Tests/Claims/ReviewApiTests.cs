using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Places;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Claims;

/// <summary>
/// The review side of claims through the API: each reviewer's own queue and its filters, group inspections, notifications,
/// photo uploads under an Idempotency-Key and who may see a claim's evidence. Each test arranges a two-step village with three
/// households in group 1 and a fourth in group 2, a villager of household 1, a review group member, two committee members, a grid
/// worker and the rules "清理卫生死角" (+5; self-declaration and patrol) and "家禽散养" (−10; group inspection and patrol).
/// </summary>
public sealed class ReviewApiTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vp-review-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    private static string Yesterday => BusinessCalendar.Today(TimeProvider.System).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Arranged(TestApp App, ArrangedVillage V, HttpClient Villager, HttpClient Reviewer, HttpClient Member, HttpClient Chair,
        HttpClient GridWorker)
    {
        public string Url(string path = "") => $"/api/v1/villages/{V.VillageCode}/claims{path}";
    }

    private async Task<Arranged> ArrangeAsync(DatabaseProvider provider, bool twoSteps = true)
    {
        var app = await TestApp.StartAsync(provider, new Dictionary<string, string?> { [LocalFolderEvidenceStore.ConfigKey] = folder });
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await using (var db = app.NewContext())
        {
            var village = await db.Villages.SingleAsync(x => x.Id == v.VillageId);
            village.Settings.TwoStepReview = twoSteps;
            var group = new VillagerGroup { VillageId = v.VillageId, Id = Ids.New(), Number = 2, Name = "第二村民小组" };
            db.VillagerGroups.Add(group);
            db.Households.Add(new Household { VillageId = v.VillageId, Id = Ids.New(), Number = 4, GroupId = group.Id, HeadName = "周四", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        await CreatedAsync(member, $"/api/v1/villages/{v.VillageCode}/rule-categories", new { code = "env", nameZh = "环境卫生", nameEn = "Environment", sortOrder = 1 });
        await CreatedAsync(member, $"/api/v1/villages/{v.VillageCode}/rules", new
        {
            category = "env", code = "clean-corner", nameZh = "清理卫生死角", nameEn = "Clearing a neglected corner", description = "",
            direction = "Award", terms = new { basePoints = 5, channels = new[] { "SelfDeclaration", "Patrol" } },
        });
        await CreatedAsync(member, $"/api/v1/villages/{v.VillageCode}/rules", new
        {
            category = "env", code = "loose-poultry", nameZh = "家禽散养", nameEn = "Poultry roaming loose", description = "",
            direction = "Deduction", terms = new { basePoints = 10, channels = new[] { "GroupInspection", "Patrol" } },
        });
        return new Arranged(app, v, await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1)),
            await app.ClientAsync(TestApp.In(v, Role.ReviewGroup)), member, await app.ClientAsync(TestApp.In(v, Role.CommitteeChair)),
            await app.ClientAsync(TestApp.In(v, Role.GridWorker)));
    }

    private static async Task CreatedAsync(HttpClient client, string url, object body) =>
        await JsonAsync(await PostAsync(client, url, body), HttpStatusCode.Created);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The numbers of the claims listed, in order, e.g. "1,2,4".</summary>
    private static async Task<string> NumbersAsync(HttpClient client, string url) =>
        string.Join(',', (await JsonAsync(await client.GetAsync(url), HttpStatusCode.OK)).EnumerateArray().Select(c => c.GetProperty("number").GetInt64()));

    private static object Patrol(int householdNo, string rule = "clean-corner") =>
        new { channel = "Patrol", householdNo, ruleCode = rule, occurredOn = Yesterday, note = "巡查所见" };

    private static async Task AgeAsync(Arranged x, long number, int days)
    {
        await using var db = x.App.NewContext();
        var claim = await db.Claims.SingleAsync(c => c.VillageId == x.V.VillageId && c.Number == number);
        claim.SubmittedAt = claim.SubmittedAt.AddDays(-days);
        await db.SaveChangesAsync();
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Each_reviewer_queue_holds_only_the_claims_waiting_for_their_step_that_they_may_decide_oldest_first(DatabaseProvider provider)
    {
        var x = await ArrangeAsync(provider);
        await using var app = x.App;
        await CreatedAsync(x.GridWorker, x.Url(), Patrol(2));                        // 1
        await CreatedAsync(x.Villager, x.Url(), new { channel = "SelfDeclaration", householdNo = 1, ruleCode = "clean-corner", occurredOn = Yesterday }); // 2
        await CreatedAsync(x.Reviewer, x.Url("/inspections"), new { groupNo = 1, occurredOn = Yesterday, marks = new[] { new { householdNo = 3, ruleCode = "loose-poultry" } } }); // 3: the reviewer's own
        await CreatedAsync(x.GridWorker, x.Url(), Patrol(4));                        // 4
        var linked = await app.ClientAsync(TestApp.In(x.V, Role.CommitteeMember, householdNumber: 2));

        Assert.Equal("1,2,4", await NumbersAsync(x.Reviewer, x.Url("?toReview=true")));
        Assert.Equal("", await NumbersAsync(x.Member, x.Url("?toReview=true")));
        await JsonAsync(await PostAsync(x.Reviewer, x.Url("/1/decision"), new { decision = "Approve" }), HttpStatusCode.OK);
        await JsonAsync(await PostAsync(x.Reviewer, x.Url("/2/decision"), new { decision = "Approve" }), HttpStatusCode.OK);

        Assert.Equal("4", await NumbersAsync(x.Reviewer, x.Url("?toReview=true")));
        Assert.Equal("1,2", await NumbersAsync(x.Member, x.Url("?toReview=true")));
        Assert.Equal("2", await NumbersAsync(linked, x.Url("?toReview=true")));
        Assert.Equal("", await NumbersAsync(x.Villager, x.Url("?toReview=true")));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_queue_is_narrowed_by_group_rule_channel_and_age_and_a_bad_age_is_a_problem(DatabaseProvider provider)
    {
        var x = await ArrangeAsync(provider, twoSteps: false);
        await using var app = x.App;
        await CreatedAsync(x.GridWorker, x.Url(), Patrol(2));
        await CreatedAsync(x.GridWorker, x.Url(), Patrol(4));
        await CreatedAsync(x.GridWorker, x.Url(), Patrol(3, "loose-poultry"));
        await CreatedAsync(x.Villager, x.Url(), new { channel = "SelfDeclaration", householdNo = 1, ruleCode = "clean-corner", occurredOn = Yesterday });
        await AgeAsync(x, 1, 8);
        await AgeAsync(x, 3, 4);

        Assert.Equal("1,2,3,4", await NumbersAsync(x.Member, x.Url("?toReview=true")));
        Assert.Equal("2", await NumbersAsync(x.Member, x.Url("?toReview=true&group=2")));
        Assert.Equal("1,3,4", await NumbersAsync(x.Member, x.Url("?toReview=true&group=1")));
        Assert.Equal("3", await NumbersAsync(x.Member, x.Url("?toReview=true&ruleCode=loose-poultry")));
        Assert.Equal("4", await NumbersAsync(x.Member, x.Url("?toReview=true&channel=SelfDeclaration")));
        Assert.Equal("1,3", await NumbersAsync(x.Member, x.Url("?toReview=true&olderThanDays=3")));
        Assert.Equal("1", await NumbersAsync(x.Member, x.Url("?toReview=true&olderThanDays=7")));
        Assert.Equal("3,1", await NumbersAsync(x.Member, x.Url("?olderThanDays=3")));
        Assert.Equal("4,3,2,1", await NumbersAsync(x.Member, x.Url("?state=Submitted")));
        Assert.Equal("claim.filter-invalid", await Problems.AssertProblemAsync(await x.Member.GetAsync(x.Url("?olderThanDays=-1")),
            HttpStatusCode.UnprocessableEntity));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_group_inspection_saves_all_its_claims_under_one_number_once_and_a_bad_mark_writes_nothing(DatabaseProvider provider)
    {
        var x = await ArrangeAsync(provider);
        await using var app = x.App;
        var url = x.Url("/inspections");
        object Inspection(params object[] marks) => new { groupNo = 1, occurredOn = Yesterday, marks };

        var bad = await PostAsync(x.Reviewer, url, Inspection(new { householdNo = 2, ruleCode = "loose-poultry" }, new { householdNo = 3, ruleCode = "clean-corner" }));
        Assert.Equal("claim.channel-not-allowed", await Problems.AssertProblemAsync(bad, HttpStatusCode.UnprocessableEntity));
        var problem = await JsonAsync(await PostAsync(x.Reviewer, url, Inspection(new { householdNo = 4, ruleCode = "loose-poultry" })), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(("inspection.household-not-in-group", 1, 4), (problem.GetProperty("code").GetString(), problem.GetProperty("mark").GetInt32(),
            problem.GetProperty("householdNo").GetInt32()));
        Assert.Contains("4", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager, url, Inspection(new { householdNo = 2, ruleCode = "loose-poultry" })), HttpStatusCode.Forbidden));
        await using (var db = app.NewContext())
            Assert.Equal(0, await db.Claims.CountAsync(c => c.VillageId == x.V.VillageId));

        var good = Inspection(new { householdNo = 2, ruleCode = "loose-poultry" }, new { householdNo = 3, ruleCode = "loose-poultry", note = "鸡在路上" });
        var done = await JsonAsync(await PostAsync(x.Reviewer, url, good, "inspection-1"), HttpStatusCode.Created);
        var again = await JsonAsync(await PostAsync(x.Reviewer, url, good, "inspection-1"), HttpStatusCode.Created);

        Assert.Equal((1, 1), (done.GetProperty("inspectionNumber").GetInt32(), again.GetProperty("inspectionNumber").GetInt32()));
        Assert.Equal([(1L, -10, "GroupInspection"), (2L, -10, "GroupInspection")], done.GetProperty("claims").EnumerateArray()
            .Select(c => (c.GetProperty("number").GetInt64(), c.GetProperty("points").GetInt32(), c.GetProperty("channel").GetString()!)));
        await using (var db = app.NewContext())
            Assert.Equal(2, await db.Claims.CountAsync(c => c.VillageId == x.V.VillageId && c.InspectionNumber == 1));
        Assert.Equal("2,1", await NumbersAsync(x.Member, x.Url("?inspection=1")));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_household_and_the_submitter_are_notified_of_the_outcome_and_each_reads_only_their_own(DatabaseProvider provider)
    {
        var x = await ArrangeAsync(provider, twoSteps: false);
        await using var app = x.App;
        var other = await app.ClientAsync(TestApp.In(x.V, Role.Villager, householdNumber: 2));
        await CreatedAsync(x.GridWorker, x.Url(), Patrol(1, "loose-poultry"));
        await CreatedAsync(x.GridWorker, x.Url(), Patrol(1));
        await JsonAsync(await PostAsync(x.Member, x.Url("/1/decision"), new { decision = "Approve" }), HttpStatusCode.OK);
        await JsonAsync(await PostAsync(x.Member, x.Url("/2/decision"), new { decision = "Return", reason = "请补一张照片" }), HttpStatusCode.OK);

        var mine = await JsonAsync(await x.Villager.GetAsync("/api/v1/notifications"), HttpStatusCode.OK);
        Assert.Equal(2, mine.GetProperty("unread").GetInt32());
        var items = mine.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([("ClaimReturned", 2L), ("ClaimApproved", 1L)], items.Select(i => (i.GetProperty("kind").GetString()!, i.GetProperty("claimNumber").GetInt64())));
        Assert.Contains("请补一张照片", items[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("-10", items[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal($"/villages/{x.V.VillageCode}/claims/1", items[1].GetProperty("link").GetString());
        Assert.Equal(2, (await JsonAsync(await x.GridWorker.GetAsync("/api/v1/notifications"), HttpStatusCode.OK)).GetProperty("unread").GetInt32());
        Assert.Equal(0, (await JsonAsync(await other.GetAsync("/api/v1/notifications"), HttpStatusCode.OK)).GetProperty("unread").GetInt32());

        var foreign = (await JsonAsync(await x.GridWorker.GetAsync("/api/v1/notifications"), HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("id").GetGuid();
        var afterForeign = await JsonAsync(await PostAsync(x.Villager, "/api/v1/notifications/read", new { ids = new[] { foreign } }, "read-1"), HttpStatusCode.OK);
        Assert.Equal(2, afterForeign.GetProperty("unread").GetInt32());
        var one = await JsonAsync(await PostAsync(x.Villager, "/api/v1/notifications/read", new { ids = new[] { items[0].GetProperty("id").GetGuid() } }, "read-2"), HttpStatusCode.OK);
        Assert.Equal(1, one.GetProperty("unread").GetInt32());
        var all = await JsonAsync(await PostAsync(x.Villager, "/api/v1/notifications/read", new { }, "read-3"), HttpStatusCode.OK);
        Assert.Equal(0, all.GetProperty("unread").GetInt32());
        Assert.Equal(2, (await JsonAsync(await x.GridWorker.GetAsync("/api/v1/notifications"), HttpStatusCode.OK)).GetProperty("unread").GetInt32());
        Assert.Equal("idempotency.key-invalid", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager, "/api/v1/notifications/read", new { }, "bad key"), HttpStatusCode.UnprocessableEntity));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retried_photo_upload_under_one_key_stores_the_photo_once_and_another_photo_under_that_key_is_a_conflict(DatabaseProvider provider)
    {
        var x = await ArrangeAsync(provider);
        await using var app = x.App;
        await CreatedAsync(x.GridWorker, x.Url(), Patrol(2));

        var first = await JsonAsync(await UploadAsync(x.GridWorker, x.Url("/1/photos"), Photo(SKColors.Green), "photo-1"), HttpStatusCode.Created);
        var retried = await JsonAsync(await UploadAsync(x.GridWorker, x.Url("/1/photos"), Photo(SKColors.Green), "photo-1"), HttpStatusCode.Created);

        Assert.Equal(first.GetProperty("id").GetGuid(), retried.GetProperty("id").GetGuid());
        Assert.Equal("idempotency.conflict", await Problems.AssertProblemAsync(
            await UploadAsync(x.GridWorker, x.Url("/1/photos"), Photo(SKColors.Red), "photo-1"), HttpStatusCode.Conflict));
        await JsonAsync(await UploadAsync(x.GridWorker, x.Url("/1/photos"), Photo(SKColors.Green), "photo-2"), HttpStatusCode.Created);
        await using var db = app.NewContext();
        Assert.Equal(2, await db.EvidencePhotos.CountAsync(p => p.VillageId == x.V.VillageId && p.OwnerRef == "1"));
        Assert.Equal(2, Directory.EnumerateFiles(folder, "*-thumb.jpg", SearchOption.AllDirectories).Count());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_claims_photos_are_seen_by_its_household_and_its_submitter_and_by_no_other_villager(DatabaseProvider provider)
    {
        var x = await ArrangeAsync(provider);
        await using var app = x.App;
        await CreatedAsync(x.GridWorker, x.Url(), Patrol(1, "loose-poultry"));
        var photo = (await JsonAsync(await UploadAsync(x.GridWorker, x.Url("/1/photos"), Photo(SKColors.Green)), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var neighbour = await app.ClientAsync(TestApp.In(x.V, Role.Villager, householdNumber: 2));
        var otherGridWorker = await app.ClientAsync(TestApp.In(x.V, Role.GridWorker));
        var url = $"/api/v1/villages/{x.V.VillageCode}/evidence/{photo}";

        Assert.Equal(HttpStatusCode.OK, (await x.Villager.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await x.Villager.GetAsync(url + "?size=thumb")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await x.GridWorker.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await x.Member.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await otherGridWorker.GetAsync(url)).StatusCode);
        Assert.Equal("evidence.not-found", await Problems.AssertProblemAsync(await neighbour.GetAsync(url), HttpStatusCode.NotFound));
        Assert.Equal("evidence.not-found", await Problems.AssertProblemAsync(await neighbour.GetAsync(url + "?size=thumb"), HttpStatusCode.NotFound));
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string url, MultipartFormDataContent content, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static MultipartFormDataContent Photo(SKColor color)
    {
        using var bitmap = new SKBitmap(600, 400);
        using (var canvas = new SKCanvas(bitmap))
            canvas.Clear(color);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 85);
        var file = new ByteArrayContent(data.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { file, "photo", "corner.jpg" } };
    }
}
