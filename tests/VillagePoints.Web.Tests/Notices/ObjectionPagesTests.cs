using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Claims;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Notices;

/// <summary>
/// The objection pages: a villager's form on an entry, their own list, and the committee's list and decision. Each test
/// arranges three households with last month's entry 1 (+10 for household 2) on a notice whose window is open.
/// </summary>
public sealed class ObjectionPagesTests
{
    private static async Task<(TestApp App, ArrangedVillage V)> ArrangeAsync(DatabaseProvider provider)
    {
        var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await using var db = app.NewContext();
        await new LedgerPosting(db, TimeProvider.System).PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[1], 10, EntryKind.Award, "打扫村道",
            SourceKinds.Committee, OccurredOn: PublishedNotices.DayOfLastMonth));
        await PublishedNotices.PublishAsync(db, v.VillageId, PublishedNotices.LastMonth, DateTimeOffset.UtcNow.AddDays(7));
        return (app, v);
    }

    private static async Task<MultipartFormDataContent> FormAsync(HttpClient client, string page, Dictionary<string, string> fields, byte[]? photo = null)
    {
        var form = new MultipartFormDataContent { { new StringContent(await PageClients.FormTokenAsync(client, page)), "__RequestVerificationToken" } };
        foreach (var (k, value) in fields)
            form.Add(new StringContent(value), k);
        if (photo is not null)
        {
            var part = new ByteArrayContent(photo);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "Photo", "a.jpg");
        }
        return form;
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_objects_with_a_photo_sees_it_in_their_list_and_the_chair_upholds_it(DatabaseProvider provider)
    {
        var (app, v) = await ArrangeAsync(provider);
        await using var _ = app;
        var villager = await app.PageClientAsync("王建国", TestApp.In(v, Role.Villager, householdNumber: 1));
        var page = $"/villages/{v.VillageCode}/entries/1/objection";

        var form = await villager.GetStringAsync(page);
        Assert.Contains("打扫村道", form, StringComparison.Ordinal);
        Assert.Contains("测试户2", form, StringComparison.Ordinal);
        var fields = new Dictionary<string, string> { ["Reason"] = "那天打扫村道的是别家", ["FormKey"] = "obj1" };
        var sent = await villager.PostAsync(page, await FormAsync(villager, page, fields, ClaimPagesTests.Jpeg()));
        // The same form sent again (a double tap) raises nothing more and stores no second photo.
        var again = await villager.PostAsync(page, await FormAsync(villager, page, fields, ClaimPagesTests.Jpeg()));

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal($"/villages/{v.VillageCode}/objections/mine?raised=1", sent.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var mine = await villager.GetStringAsync($"/villages/{v.VillageCode}/objections/mine?raised=1");
        Assert.Contains("那天打扫村道的是别家", mine, StringComparison.Ordinal);
        Assert.Contains("待处理", mine, StringComparison.Ordinal);
        Guid photoId;
        await using (var db = app.NewContext())
        {
            var objection = await db.Objections.SingleAsync(o => o.VillageId == v.VillageId);
            photoId = objection.PhotoId!.Value;
            Assert.Equal(1, await db.EvidencePhotos.CountAsync(p => p.VillageId == v.VillageId));
        }
        // The objector's household and the household it is about see the photo; a third household does not.
        var photoUrl = $"/api/v1/villages/{v.VillageCode}/evidence/{photoId}";
        Assert.Equal(HttpStatusCode.OK, (await villager.GetAsync(photoUrl)).StatusCode);
        Assert.Contains(photoUrl, await villager.GetStringAsync($"/villages/{v.VillageCode}/objections/1"), StringComparison.Ordinal);
        var concerned = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 2));
        Assert.Equal(HttpStatusCode.OK, (await concerned.GetAsync(photoUrl)).StatusCode);
        var third = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 3));
        Assert.Equal(HttpStatusCode.NotFound, (await third.GetAsync(photoUrl)).StatusCode);

        var chair = await app.PageClientAsync("刘书记", TestApp.In(v, Role.CommitteeChair));
        var list = await chair.GetStringAsync($"/villages/{v.VillageCode}/objections");
        Assert.Contains("第 1 号异议", list, StringComparison.Ordinal);
        var detailPath = $"/villages/{v.VillageCode}/objections/1";
        var detail = await chair.GetStringAsync(detailPath);
        Assert.Contains("那天打扫村道的是别家", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("王建国", detail, StringComparison.Ordinal);
        Assert.Contains("/evidence/", detail, StringComparison.Ordinal);
        var decided = await chair.PostAsync(detailPath, await FormAsync(chair, detailPath,
            new() { ["Decision"] = "uphold", ["Reason"] = "经核实属实", ["CorrectedAmount"] = "4", ["FormKey"] = "dec1" }));

        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        var after = await chair.GetStringAsync(detailPath);
        Assert.Contains("异议成立", after, StringComparison.Ordinal);
        Assert.Contains("第 2 号积分流水", after, StringComparison.Ordinal);
        await using var check = app.NewContext();
        Assert.Equal(4, await check.HouseholdBalances.Where(b => b.VillageId == v.VillageId && b.HouseholdId == v.HouseholdIds[1]).Select(b => b.Total).SingleAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Problems_are_shown_beside_their_fields_and_a_villager_cannot_decide(DatabaseProvider provider)
    {
        var (app, v) = await ArrangeAsync(provider);
        await using var _ = app;
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var page = $"/villages/{v.VillageCode}/entries/1/objection";

        var empty = await villager.PostAsync(page, await FormAsync(villager, page, new() { ["Reason"] = " ", ["FormKey"] = "e1" }));
        var html = await empty.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Matches("id=\"objection-reason-error\" class=\"field-error\">请写明异议的理由。<", html);
        var notPhoto = await villager.PostAsync(page, await FormAsync(villager, page, new() { ["Reason"] = "记错了", ["FormKey"] = "e2" }, "%PDF-1.4"u8.ToArray()));
        Assert.Matches("id=\"objection-photo-error\" class=\"field-error\">[^<]+<", await notPhoto.Content.ReadAsStringAsync());
        await using (var db = app.NewContext())
            Assert.Empty(await db.Objections.Where(o => o.VillageId == v.VillageId).ToListAsync());

        Assert.Equal(HttpStatusCode.Redirect, (await villager.PostAsync(page, await FormAsync(villager, page, new() { ["Reason"] = "记错了", ["FormKey"] = "e3" }))).StatusCode);
        var detailPath = $"/villages/{v.VillageCode}/objections/1";
        Assert.DoesNotContain("name=\"Decision\"", await villager.GetStringAsync(detailPath), StringComparison.Ordinal);
        var attempt = await villager.PostAsync(detailPath, await FormAsync(villager, detailPath,
            new() { ["Decision"] = "dismiss", ["Reason"] = "自己驳回", ["FormKey"] = "d1" }));
        Assert.Equal(HttpStatusCode.Forbidden, attempt.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await villager.GetAsync($"/villages/{v.VillageCode}/objections")).StatusCode);

        var chair = await app.PageClientAsync(TestApp.In(v, Role.CommitteeChair));
        var noReason = await chair.PostAsync(detailPath, await FormAsync(chair, detailPath, new() { ["Decision"] = "dismiss", ["Reason"] = "", ["FormKey"] = "d2" }));
        Assert.Matches("id=\"objection-reason-error\" class=\"field-error\">请写明处理理由。<", await noReason.Content.ReadAsStringAsync());
        var badAmount = await chair.PostAsync(detailPath, await FormAsync(chair, detailPath,
            new() { ["Decision"] = "uphold", ["Reason"] = "属实", ["CorrectedAmount"] = "五", ["FormKey"] = "d3" }));
        Assert.Matches("id=\"objection-amount-error\" class=\"field-error\">更正后的分数须为整数", await badAmount.Content.ReadAsStringAsync());
        await using var check = app.NewContext();
        Assert.Equal(ObjectionState.Open, await check.Objections.Where(o => o.VillageId == v.VillageId).Select(o => o.State).SingleAsync());
        // The review queue leads the committee to the open objection.
        Assert.Contains("待处理异议 1 条", await chair.GetStringAsync($"/villages/{v.VillageCode}/review"), StringComparison.Ordinal);
    }
}
