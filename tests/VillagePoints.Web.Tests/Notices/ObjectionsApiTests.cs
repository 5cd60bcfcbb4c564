using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Notifications;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Notices;

/// <summary>
/// Objections through the API. Each test arranges a village of two households with last month's entry 1 (+10 for
/// household 2) on a published notice whose window is open, a villager of each household and the committee chair.
/// </summary>
public sealed class ObjectionsApiTests
{
    private sealed record Arranged(TestApp App, ArrangedVillage V, HttpClient Villager1, HttpClient Villager2, HttpClient Chair)
    {
        public string Url(string path) => $"/api/v1/villages/{V.VillageCode}{path}";
    }

    private static async Task<Arranged> ArrangeAsync(TestApp app, DateTimeOffset? windowClosesAt = null)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, 2);
        await using (var db = app.NewContext())
        {
            await new LedgerPosting(db, TimeProvider.System).PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[1], 10, EntryKind.Award, "打扫村道",
                SourceKinds.Committee, OccurredOn: PublishedNotices.DayOfLastMonth));
            await PublishedNotices.PublishAsync(db, v.VillageId, PublishedNotices.LastMonth, windowClosesAt ?? DateTimeOffset.UtcNow.AddDays(7));
        }
        return new Arranged(app, v, await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1)),
            await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 2)), await app.ClientAsync(TestApp.In(v, Role.CommitteeChair)));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object body, string? key = null) =>
        PostRawAsync(client, url, JsonSerializer.Serialize(body), key);

    private static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, string url, string json, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
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

    private static readonly object Objection = new { reason = "那天打扫村道的是别家" };

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_objects_the_chair_upholds_with_a_correction_and_everyone_of_the_village_reads_it(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);

        var raised = await PostAsync(x.Villager1, x.Url("/entries/1/objections"), Objection, "raise-1");

        var view = await JsonAsync(raised, HttpStatusCode.Created);
        Assert.Equal(x.Url("/objections/1"), raised.Headers.Location?.OriginalString);
        Assert.Equal((1, 1L, 2, "Open", "那天打扫村道的是别家", NoticeMonth.Format(PublishedNotices.LastMonth)),
            (view.GetProperty("number").GetInt32(), view.GetProperty("entryNumber").GetInt64(), view.GetProperty("householdNumber").GetInt32(),
             view.GetProperty("state").GetString(), view.GetProperty("reason").GetString(), view.GetProperty("noticeMonth").GetString()));
        Assert.Equal(JsonValueKind.Null, view.GetProperty("decidedAt").ValueKind);

        var open = await JsonAsync(await x.Villager2.GetAsync(x.Url("/objections?state=open")), HttpStatusCode.OK);
        Assert.Equal(1, open.GetArrayLength());

        var decided = await JsonAsync(await PostAsync(x.Chair, x.Url("/objections/1/decision"),
            new { upheld = true, reason = "经核实属实", correctedAmount = 4 }, "decide-1"), HttpStatusCode.OK);
        Assert.Equal(("Upheld", 2L, 3L, "经核实属实"), (decided.GetProperty("state").GetString(), decided.GetProperty("reversalEntry").GetInt64(),
            decided.GetProperty("correctionEntry").GetInt64(), decided.GetProperty("decision").GetString()));
        var one = await JsonAsync(await x.Villager1.GetAsync(x.Url("/objections/1")), HttpStatusCode.OK);
        Assert.Equal("Upheld", one.GetProperty("state").GetString());
        Assert.Equal(0, (await JsonAsync(await x.Chair.GetAsync(x.Url("/objections?state=open")), HttpStatusCode.OK)).GetArrayLength());
        Assert.Equal(1, (await JsonAsync(await x.Chair.GetAsync(x.Url("/objections?state=decided")), HttpStatusCode.OK)).GetArrayLength());

        await using var db = app.NewContext();
        Assert.Equal(4, await db.HouseholdBalances.Where(b => b.VillageId == x.V.VillageId && b.HouseholdId == x.V.HouseholdIds[1]).Select(b => b.Total).SingleAsync());
        // Household 2 heard of the objection and of the decision; its notification leads to the objection.
        var notes = await x.Villager2.GetFromJsonAsync<JsonElement>("/api/v1/notifications");
        var items = notes.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["ObjectionUpheld", "ObjectionRaised"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.EndsWith("/objections/1", items[0].GetProperty("link").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Refusals_are_problems_with_their_codes_and_nothing_is_half_written(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        var url = x.Url("/entries/1/objections");

        Assert.Equal("request.malformed", await Problems.AssertProblemAsync(await PostRawAsync(x.Villager1, url, """{"reason":5}"""), HttpStatusCode.BadRequest));
        Assert.Equal("request.malformed", await Problems.AssertProblemAsync(
            await PostRawAsync(x.Villager1, url, """{"reason":"a","reason":"b"}"""), HttpStatusCode.BadRequest));
        Assert.Equal("objection.reason-too-long", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager1, url, new { reason = new string('错', 10_000) }), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("text.forbidden-characters", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager1, url, new { reason = "记错\u0000了" }), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("objection.reason-required", await Problems.AssertProblemAsync(await PostRawAsync(x.Villager1, url, "{}"), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("entry.not-found", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager1, x.Url("/entries/99/objections"), Objection), HttpStatusCode.NotFound));
        Assert.Equal("objection.not-villager", await Problems.AssertProblemAsync(await PostAsync(x.Chair, url, Objection), HttpStatusCode.Forbidden));
        Assert.Equal("objection.state-filter-invalid", await Problems.AssertProblemAsync(
            await x.Chair.GetAsync(x.Url("/objections?state=bogus")), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("objection.not-found", await Problems.AssertProblemAsync(await x.Chair.GetAsync(x.Url("/objections/7")), HttpStatusCode.NotFound));
        await using (var db = app.NewContext())
            Assert.Empty(await db.Objections.Where(o => o.VillageId == x.V.VillageId).ToListAsync());

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(x.Villager1, url, Objection)).StatusCode);
        Assert.Equal("objection.duplicate", await Problems.AssertProblemAsync(await PostAsync(x.Villager1, url, Objection), HttpStatusCode.Conflict));
        var decision = x.Url("/objections/1/decision");
        Assert.Equal("request.malformed", await Problems.AssertProblemAsync(
            await PostRawAsync(x.Chair, decision, """{"upheld":"true","reason":"属实"}"""), HttpStatusCode.BadRequest));
        Assert.Equal("request.malformed", await Problems.AssertProblemAsync(
            await PostRawAsync(x.Chair, decision, """{"upheld":true,"reason":"属实","correctedAmount":"5"}"""), HttpStatusCode.BadRequest));
        Assert.Equal("objection.decision-required", await Problems.AssertProblemAsync(
            await PostRawAsync(x.Chair, decision, """{"reason":"属实"}"""), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("objection.decision-reason-required", await Problems.AssertProblemAsync(
            await PostAsync(x.Chair, decision, new { upheld = false, reason = "" }), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager2, decision, new { upheld = false, reason = "不成立" }), HttpStatusCode.Forbidden));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(x.Chair, decision, new { upheld = false, reason = "情况属实" }, "d-1")).StatusCode);
        // A double tap with its key gets the first answer; without one, the objection is already decided.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(x.Chair, decision, new { upheld = false, reason = "情况属实" }, "d-1")).StatusCode);
        Assert.Equal("objection.already-decided", await Problems.AssertProblemAsync(
            await PostAsync(x.Chair, decision, new { upheld = true, reason = "改判" }), HttpStatusCode.Conflict));
        Assert.Equal("idempotency.conflict", await Problems.AssertProblemAsync(
            await PostAsync(x.Chair, decision, new { upheld = true, reason = "改判" }, "d-1"), HttpStatusCode.Conflict));
        await using var check = app.NewContext();
        Assert.Equal(1, await check.LedgerEntries.CountAsync(e => e.VillageId == x.V.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_uploads_a_photo_and_names_it_in_the_objection(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);

        var uploaded = await JsonAsync(await UploadAsync(x.Villager1, x.Url("/objection-photos"), "photo-1"), HttpStatusCode.Created);
        var retried = await JsonAsync(await UploadAsync(x.Villager1, x.Url("/objection-photos"), "photo-1"), HttpStatusCode.Created);
        var photoId = uploaded.GetProperty("id").GetGuid();
        Assert.Equal(photoId, retried.GetProperty("id").GetGuid());
        Assert.Equal("objection.not-villager", await Problems.AssertProblemAsync(await UploadAsync(x.Chair, x.Url("/objection-photos")), HttpStatusCode.Forbidden));
        Assert.Equal("objection.photo-required", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager1, x.Url("/objection-photos"), Objection), HttpStatusCode.UnprocessableEntity));
        // Another household's villager cannot borrow it.
        Assert.Equal("objection.photo-not-found", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager2, x.Url("/entries/1/objections"), new { reason = "记错了", photoId }), HttpStatusCode.NotFound));

        var raised = await JsonAsync(await PostAsync(x.Villager1, x.Url("/entries/1/objections"), new { reason = "照片为证", photoId }), HttpStatusCode.Created);

        Assert.Equal(photoId, raised.GetProperty("photoId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await x.Chair.GetAsync($"/api/v1/villages/{x.V.VillageCode}/evidence/{photoId}")).StatusCode);
        await using var db = app.NewContext();
        Assert.Equal(1, await db.EvidencePhotos.CountAsync(p => p.VillageId == x.V.VillageId));
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string url, string? key = null)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(Claims.ClaimPagesTests.Jpeg());
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        form.Add(part, "photo", "a.jpg");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = form };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task After_the_window_an_objection_is_a_conflict(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app, windowClosesAt: DateTimeOffset.UtcNow.AddSeconds(-1));

        Assert.Equal("objection.window-closed", await Problems.AssertProblemAsync(
            await PostAsync(x.Villager1, x.Url("/entries/1/objections"), Objection), HttpStatusCode.Conflict));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Two_phones_of_one_household_at_once_raise_one_objection(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        var second = await app.ClientAsync(TestApp.In(x.V, Role.Villager, householdNumber: 1));

        var responses = await Task.WhenAll(new[] { x.Villager1, second }.Select(c => Task.Run(() => PostAsync(c, x.Url("/entries/1/objections"), Objection))));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        await using var db = app.NewContext();
        Assert.Equal(1, await db.Objections.CountAsync(o => o.VillageId == x.V.VillageId));
        // Household 2's one villager hears of it once.
        Assert.Equal(1, await db.Notifications.CountAsync(n => n.VillageId == x.V.VillageId && n.Kind == NotificationKind.ObjectionRaised));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Another_villages_chair_finds_no_objections_here(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var x = await ArrangeAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(x.Villager1, x.Url("/entries/1/objections"), Objection)).StatusCode);
        var other = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var stranger = await app.ClientAsync(TestApp.In(other, Role.CommitteeChair));

        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(await stranger.GetAsync(x.Url("/objections/1")), HttpStatusCode.NotFound));
        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(
            await PostAsync(stranger, x.Url("/objections/1/decision"), new { upheld = true, reason = "x" }), HttpStatusCode.NotFound));
        await using var db = app.NewContext();
        Assert.Equal(ObjectionState.Open, await db.Objections.Where(o => o.VillageId == x.V.VillageId).Select(o => o.State).SingleAsync());
    }
}
