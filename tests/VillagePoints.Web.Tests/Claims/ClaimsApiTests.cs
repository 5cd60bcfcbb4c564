using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Claims;

/// <summary>
/// Claims through the API, as the contract names them. Each test arranges a one-step village with two households, a villager of
/// household 1, two committee members and the rule "清理卫生死角" (+5, self-declaration and patrol only).
/// </summary>
public sealed class ClaimsApiTests
{
    private static string Yesterday => BusinessCalendar.Today(TimeProvider.System).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Arranged(TestApp App, ArrangedVillage V, HttpClient Villager, HttpClient Member, HttpClient Chair)
    {
        public string Url(string path = "") => $"/api/v1/villages/{V.VillageCode}/claims{path}";
    }

    private static async Task<Arranged> ArrangeAsync(TestApp app)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, 2);
        await using (var db = app.NewContext())
        {
            var village = await db.Villages.SingleAsync(x => x.Id == v.VillageId);
            village.Settings.TwoStepReview = false;
            await db.SaveChangesAsync();
        }
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(member, $"/api/v1/villages/{v.VillageCode}/rule-categories",
            new { code = "env", nameZh = "环境卫生", nameEn = "Environment", sortOrder = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(member, $"/api/v1/villages/{v.VillageCode}/rules", new
        {
            category = "env", code = "env-clean-corner", nameZh = "清理卫生死角", nameEn = "Clearing a neglected corner", description = "",
            direction = "Award", terms = new { basePoints = 5, channels = new[] { "SelfDeclaration", "Patrol" } },
        })).StatusCode);
        return new Arranged(app, v, await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1)), member,
            await app.ClientAsync(TestApp.In(v, Role.CommitteeChair)));
    }

    private static object Declaration(int householdNo = 1, string channel = "SelfDeclaration", decimal? hours = null, string? occurredOn = null) => new
    {
        channel, householdNo, ruleCode = "env-clean-corner", occurredOn = occurredOn ?? Yesterday, hours, note = "清理了村口的垃圾",
    };

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

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_declares_for_their_household_and_gets_the_number_state_points_and_explanation(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);

        var response = await PostAsync(x.Villager, x.Url(), Declaration(), "declare-1");

        var claim = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(x.Url("/1"), response.Headers.Location?.OriginalString);
        Assert.Equal((1, "Submitted", 5), (claim.GetProperty("number").GetInt64(), claim.GetProperty("state").GetString(), claim.GetProperty("points").GetInt32()));
        Assert.Contains("清理卫生死角", claim.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        var english = await JsonAsync(await x.Villager.GetAsync(x.Url("/1?culture=en-US&ui-culture=en-US")), HttpStatusCode.OK);
        Assert.Contains("Clearing a neglected corner", english.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        var again = await JsonAsync(await PostAsync(x.Villager, x.Url(), Declaration(), "declare-1"), HttpStatusCode.Created);
        Assert.Equal(1, again.GetProperty("number").GetInt64());
        await using var db = app.NewContext();
        Assert.Equal(1, await db.Claims.CountAsync(c => c.VillageId == x.V.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bad_claims_are_clear_problems_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        var other = await VillageBuilder.ArrangeAsync(app.Database, 5);
        var patrol = await app.ClientAsync(TestApp.In(x.V, Role.GridWorker));

        Assert.Equal("household.not-found", await Problems.AssertProblemAsync(await PostAsync(patrol, x.Url(), Declaration(5, "Patrol")), HttpStatusCode.NotFound));
        Assert.Equal("claim.channel-not-allowed", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager, x.Url(), Declaration(2, "NeighbourRecommendation")), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("claim.hours-invalid", await Problems.AssertProblemAsync(await PostAsync(x.Villager, x.Url(), Declaration(hours: -1)), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("claim.hours-invalid", await Problems.AssertProblemAsync(await PostAsync(x.Villager, x.Url(), Declaration(hours: 25)), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("entry.occurred-on-future", await Problems.AssertProblemAsync(await PostAsync(x.Villager, x.Url(),
            Declaration(occurredOn: BusinessCalendar.Today(TimeProvider.System).AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
            HttpStatusCode.UnprocessableEntity));
        Assert.Equal("claim.not-own-household", await Problems.AssertProblemAsync(await PostAsync(x.Villager, x.Url(), Declaration(2)), HttpStatusCode.Forbidden));
        Assert.Equal("claim.channel-role", await Problems.AssertProblemAsync(await PostAsync(x.Villager, x.Url(), Declaration(2, "Patrol")), HttpStatusCode.Forbidden));
        await using var db = app.NewContext();
        Assert.Equal(0, await db.Claims.CountAsync(c => c.VillageId == x.V.VillageId || c.VillageId == other.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_committee_approves_once_and_the_villager_cannot_decide(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        await JsonAsync(await PostAsync(x.Villager, x.Url(), Declaration()), HttpStatusCode.Created);
        var approve = new { decision = "Approve", reason = (string?)null };

        await Problems.AssertProblemAsync(await PostAsync(x.Villager, x.Url("/1/decision"), approve), HttpStatusCode.Forbidden);
        var approved = await JsonAsync(await PostAsync(x.Member, x.Url("/1/decision"), approve, "approve-1"), HttpStatusCode.OK);
        Assert.Equal("Approved", approved.GetProperty("state").GetString());
        var retried = await JsonAsync(await PostAsync(x.Member, x.Url("/1/decision"), approve, "approve-1"), HttpStatusCode.OK);
        Assert.Equal("Approved", retried.GetProperty("state").GetString());
        Assert.Equal("claim.already-resolved", await Problems.AssertProblemAsync(
            await PostAsync(x.Chair, x.Url("/1/decision"), new { decision = "Reject", reason = "重复申报" }), HttpStatusCode.Conflict));

        var seen = await JsonAsync(await x.Villager.GetAsync(x.Url("/1")), HttpStatusCode.OK);
        Assert.Equal(("Approved", 5), (seen.GetProperty("state").GetString(), seen.GetProperty("points").GetInt32()));
        await using var db = app.NewContext();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.VillageId == x.V.VillageId && e.SourceRef == "claim:1"));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_committee_member_does_not_review_their_own_submission(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        await JsonAsync(await PostAsync(x.Member, x.Url(), Declaration(2, "Patrol")), HttpStatusCode.Created);

        Assert.Equal("claim.own-submission", await Problems.AssertProblemAsync(
            await PostAsync(x.Member, x.Url("/1/decision"), new { decision = "Approve" }), HttpStatusCode.Forbidden));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_lists_only_claims_they_submitted_or_about_their_household_and_a_reviewer_sees_the_queue(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        await JsonAsync(await PostAsync(x.Villager, x.Url(), Declaration()), HttpStatusCode.Created);
        await JsonAsync(await PostAsync(x.Member, x.Url(), Declaration(2, "Patrol")), HttpStatusCode.Created);

        var mine = await JsonAsync(await x.Villager.GetAsync(x.Url()), HttpStatusCode.OK);
        var queue = await JsonAsync(await x.Chair.GetAsync(x.Url("?state=Submitted")), HttpStatusCode.OK);

        Assert.Equal([1L], mine.EnumerateArray().Select(c => c.GetProperty("number").GetInt64()));
        Assert.Equal([2L, 1L], queue.EnumerateArray().Select(c => c.GetProperty("number").GetInt64()));
        var patrols = await JsonAsync(await x.Chair.GetAsync(x.Url("?channel=Patrol")), HttpStatusCode.OK);
        Assert.Equal([2L], patrols.EnumerateArray().Select(c => c.GetProperty("number").GetInt64()));
        var household1 = await JsonAsync(await x.Chair.GetAsync(x.Url("?householdNo=1")), HttpStatusCode.OK);
        Assert.Equal([1L], household1.EnumerateArray().Select(c => c.GetProperty("number").GetInt64()));
        Assert.Equal(HttpStatusCode.NotFound, (await x.Villager.GetAsync(x.Url("/2"))).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_submitter_attaches_a_photo_while_the_claim_waits_and_not_after_it_is_approved(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        await JsonAsync(await PostAsync(x.Villager, x.Url(), Declaration()), HttpStatusCode.Created);

        var photo = await JsonAsync(await x.Villager.PostAsync(x.Url("/1/photos"), Photo()), HttpStatusCode.Created);
        Assert.Equal(400, photo.GetProperty("height").GetInt32());
        var claim = await JsonAsync(await x.Villager.GetAsync(x.Url("/1")), HttpStatusCode.OK);
        Assert.Equal(1, claim.GetProperty("photos").GetInt32());
        await JsonAsync(await PostAsync(x.Member, x.Url("/1/decision"), new { decision = "Approve" }), HttpStatusCode.OK);

        Assert.Equal("claim.photos-closed", await Problems.AssertProblemAsync(await x.Villager.PostAsync(x.Url("/1/photos"), Photo()), HttpStatusCode.Conflict));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_returned_claim_gets_a_photo_and_is_submitted_again_and_a_waiting_one_is_withdrawn(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        await JsonAsync(await PostAsync(x.Villager, x.Url(), Declaration()), HttpStatusCode.Created);
        await JsonAsync(await PostAsync(x.Villager, x.Url(), Declaration()), HttpStatusCode.Created);

        var returned = await JsonAsync(await PostAsync(x.Member, x.Url("/1/decision"), new { decision = "Return", reason = "请补充照片" }), HttpStatusCode.OK);
        Assert.Equal(("Returned", "请补充照片"), (returned.GetProperty("state").GetString(), returned.GetProperty("resolutionReason").GetString()));
        await JsonAsync(await x.Villager.PostAsync(x.Url("/1/photos"), Photo()), HttpStatusCode.Created);
        var again = await JsonAsync(await PostAsync(x.Villager, x.Url("/1/resubmission"), new { note = "补充了照片" }), HttpStatusCode.OK);
        Assert.Equal("Submitted", again.GetProperty("state").GetString());
        var withdrawn = await JsonAsync(await PostAsync(x.Villager, x.Url("/2/withdrawal"), new { }), HttpStatusCode.OK);
        Assert.Equal("Withdrawn", withdrawn.GetProperty("state").GetString());

        Assert.Equal("claim.already-resolved", await Problems.AssertProblemAsync(
            await PostAsync(x.Member, x.Url("/2/decision"), new { decision = "Approve" }), HttpStatusCode.Conflict));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_rule_that_needs_evidence_is_approved_only_once_the_claim_has_a_photo_and_a_renamed_pdf_is_refused(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(x.Member, $"/api/v1/villages/{x.V.VillageCode}/rules", new
        {
            category = "env", code = "env-litter", nameZh = "乱倒垃圾", nameEn = "Dumping rubbish", description = "",
            direction = "Deduction", terms = new { basePoints = 5, channels = new[] { "Patrol" }, evidenceRequired = true },
        })).StatusCode);
        var patrol = await app.ClientAsync(TestApp.In(x.V, Role.GridWorker));
        var claim = await JsonAsync(await PostAsync(patrol, x.Url(), new { channel = "Patrol", householdNo = 2, ruleCode = "env-litter", occurredOn = Yesterday }),
            HttpStatusCode.Created);
        Assert.Equal(-5, claim.GetProperty("points").GetInt32());

        Assert.Equal("claim.evidence-required", await Problems.AssertProblemAsync(
            await PostAsync(x.Member, x.Url("/1/decision"), new { decision = "Approve" }), HttpStatusCode.Conflict));
        var pdf = new ByteArrayContent("%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n"u8.ToArray());
        pdf.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        Assert.Equal("evidence.not-an-image", await Problems.AssertProblemAsync(
            await patrol.PostAsync(x.Url("/1/photos"), new MultipartFormDataContent { { pdf, "file", "photo.jpg" } }), HttpStatusCode.UnprocessableEntity));
        await JsonAsync(await patrol.PostAsync(x.Url("/1/photos"), Photo()), HttpStatusCode.Created);
        var approved = await JsonAsync(await PostAsync(x.Member, x.Url("/1/decision"), new { decision = "Approve" }), HttpStatusCode.OK);

        Assert.Equal("Approved", approved.GetProperty("state").GetString());
        await using var db = app.NewContext();
        var entry = await db.LedgerEntries.SingleAsync(e => e.VillageId == x.V.VillageId && e.SourceRef == "claim:1");
        Assert.Equal((-5, VillagePoints.Core.Ledger.EntryKind.Deduction), (entry.Amount, entry.Kind));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_claim_takes_six_photos_and_refuses_a_seventh_and_a_stranger_adds_none(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        await JsonAsync(await PostAsync(x.Villager, x.Url(), Declaration()), HttpStatusCode.Created);
        var neighbour = await app.ClientAsync(TestApp.In(x.V, Role.Villager, householdNumber: 2));
        var gridWorker = await app.ClientAsync(TestApp.In(x.V, Role.GridWorker));

        Assert.Equal(HttpStatusCode.NotFound, (await neighbour.PostAsync(x.Url("/1/photos"), Photo())).StatusCode);
        Assert.Equal("claim.not-found", await Problems.AssertProblemAsync(await gridWorker.PostAsync(x.Url("/1/photos"), Photo()), HttpStatusCode.NotFound));
        for (var i = 0; i < 6; i++)
            await JsonAsync(await x.Villager.PostAsync(x.Url("/1/photos"), Photo()), HttpStatusCode.Created);

        Assert.Equal("evidence.too-many-photos", await Problems.AssertProblemAsync(await x.Villager.PostAsync(x.Url("/1/photos"), Photo()), HttpStatusCode.Conflict));
        var claim = await JsonAsync(await x.Villager.GetAsync(x.Url("/1")), HttpStatusCode.OK);
        Assert.Equal(6, claim.GetProperty("photos").GetInt32());
    }

    private static MultipartFormDataContent Photo()
    {
        using var bitmap = new SKBitmap(600, 400);
        using (var canvas = new SKCanvas(bitmap))
            canvas.Clear(SKColors.Green);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 85);
        var file = new ByteArrayContent(data.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { file, "file", "corner.jpg" } };
    }
}
