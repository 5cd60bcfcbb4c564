using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;
using static VillagePoints.Web.Tests.Notices.NoticeTestKit;

namespace VillagePoints.Web.Tests.Notices;

/// <summary>The notice's API: members read drafts, the committee publishes and closes once, anyone reads what was published.</summary>
public sealed class NoticesApiTests
{
    private static HttpRequestMessage Post(string url, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Chair_ReadsTheDraft_PublishesItOnce_AndClosesItByHandOnce(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLastMonthAsync(app.Database);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var at = $"/api/v1/villages/{v.VillageCode}/notices";

        var list = await chair.GetFromJsonAsync<List<NoticeListItem>>(at);
        Assert.Contains(list!, i => i.Month == LastMonthText && i.State == NoticeDocument.Draft);
        var draft = await villager.GetFromJsonAsync<NoticeDocument>($"{at}/{LastMonthText}", NoticeBook.Json);
        Assert.Equal((NoticeDocument.Draft, FullName, 10L), (draft!.State, draft.Households[0].Name, draft.Households[0].MonthTotal));

        await Problems.AssertProblemAsync(await villager.SendAsync(Post($"{at}/{LastMonthText}/publication")), HttpStatusCode.Forbidden);
        var published = await chair.SendAsync(Post($"{at}/{LastMonthText}/publication", "publish-1"));
        var again = await chair.SendAsync(Post($"{at}/{LastMonthText}/publication", "publish-1"));
        var twice = await chair.SendAsync(Post($"{at}/{LastMonthText}/publication"));

        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Equal($"{at}/{LastMonthText}", published.Headers.Location?.OriginalString);
        var doc = await published.Content.ReadFromJsonAsync<NoticeDocument>(NoticeBook.Json);
        Assert.Equal((NoticeDocument.Published, 2L, 2), (doc!.State, doc.ChainHead.EntryNumber, doc.Summary.Entries));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(doc.PublishedAt, (await again.Content.ReadFromJsonAsync<NoticeDocument>(NoticeBook.Json))!.PublishedAt);
        Assert.Equal("notice.already-published", await Problems.AssertProblemAsync(twice, HttpStatusCode.Conflict));
        var listed = await villager.GetFromJsonAsync<List<NoticeListItem>>(at);
        Assert.Contains(listed!, i => i.Month == LastMonthText && i.State == NoticeDocument.Published && i.HeadNumber == 2);

        var closed = await chair.SendAsync(Post($"{at}/{LastMonthText}/closing"));
        var closedTwice = await chair.SendAsync(Post($"{at}/{LastMonthText}/closing"));

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var closing = await closed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((NoticeDocument.Closed, 2), (closing.GetProperty("state").GetString(), closing.GetProperty("madeEffective").GetInt32()));
        Assert.Equal("notice.already-closed", await Problems.AssertProblemAsync(closedTwice, HttpStatusCode.Conflict));
        Assert.All(await EntriesAsync(app.Database, v), e => Assert.Equal(EntryState.Effective, e.State));
        await using var db = app.NewContext();
        var notice = await db.Notices.AsNoTracking().SingleAsync(n => n.VillageId == v.VillageId);
        Assert.Equal(NoticeState.Closed, notice.State);
        Assert.NotNull(notice.ClosedBy);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task BadMonthsAndWrongStates_AreProblemsWithTheirCodes_AndWriteNothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLastMonthAsync(app.Database);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var at = $"/api/v1/villages/{v.VillageCode}/notices";
        var next = NoticeMonth.Format(NoticeMonth.Next(ThisMonth));

        foreach (var month in new[] { "2026-13", "２０２６-10", "9999-01", "2026-1", "26-10" })
        {
            Assert.Equal("notice.month-invalid", await Problems.AssertProblemAsync(await chair.GetAsync($"{at}/{month}"), HttpStatusCode.UnprocessableEntity));
            Assert.Equal("notice.month-invalid", await Problems.AssertProblemAsync(await chair.GetAsync($"{at}/{month}.pdf"), HttpStatusCode.UnprocessableEntity));
            Assert.Equal("notice.month-invalid", await Problems.AssertProblemAsync(await chair.SendAsync(Post($"{at}/{month}/publication")), HttpStatusCode.UnprocessableEntity));
        }
        Assert.Equal("notice.month-future", await Problems.AssertProblemAsync(await chair.SendAsync(Post($"{at}/{next}/publication")), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("notice.month-future", await Problems.AssertProblemAsync(await chair.GetAsync($"{at}/{next}"), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("notice.month-not-over", await Problems.AssertProblemAsync(
            await chair.SendAsync(Post($"{at}/{NoticeMonth.Format(ThisMonth)}/publication")), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("notice.not-published", await Problems.AssertProblemAsync(await chair.SendAsync(Post($"{at}/{LastMonthText}/closing")), HttpStatusCode.Conflict));
        Assert.Equal("notice.not-found", await Problems.AssertProblemAsync(
            await app.Anonymous().GetAsync($"/api/v1/public/villages/{v.VillageCode}/notices/{LastMonthText}"), HttpStatusCode.NotFound));
        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(
            await app.Anonymous().GetAsync("/api/v1/public/villages/nowhere/notices"), HttpStatusCode.NotFound));
        Assert.Equal("notice.month-invalid", await Problems.AssertProblemAsync(
            await app.Anonymous().GetAsync($"/api/v1/public/villages/{v.VillageCode}/notices/2026-13"), HttpStatusCode.UnprocessableEntity));
        await using (var db = app.NewContext())
        {
            Assert.Equal(0, await db.Notices.CountAsync(n => n.VillageId == v.VillageId));
            Assert.All(await db.LedgerEntries.Where(e => e.VillageId == v.VillageId).ToListAsync(), e => Assert.Equal(EntryState.Publicised, e.State));
        }

        // Notices go out in month order: once last month is published, the month before it cannot be.
        Assert.Equal(HttpStatusCode.Created, (await chair.SendAsync(Post($"{at}/{LastMonthText}/publication"))).StatusCode);
        Assert.Equal("notice.month-skipped", await Problems.AssertProblemAsync(
            await chair.SendAsync(Post($"{at}/{NoticeMonth.Format(NoticeMonth.Previous(LastMonth))}/publication")), HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Problems_SpeakEnglishWhenAsked_AndChineseByDefault()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeLastMonthAsync(app.Database);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var at = $"/api/v1/villages/{v.VillageCode}/notices/2026-13";

        var zh = await (await chair.GetAsync(at)).Content.ReadFromJsonAsync<JsonElement>();
        var en = await (await chair.GetAsync(at + "?culture=en-US&ui-culture=en-US")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("公示月份应写成“年-月”，例如 2026-10。", zh.GetProperty("detail").GetString());
        Assert.Equal("A notice's month is written yyyy-MM, e.g. 2026-10.", en.GetProperty("detail").GetString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PublicNotices_NeedNoLogin_MaskNamesAsTheVillageSays_AndNeverShowAPhone(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLastMonthAsync(app.Database);
        var notice = await PublishAsync(app.Database, v, LastMonth);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var anonymous = app.Anonymous();
        var publicAt = $"/api/v1/public/villages/{v.VillageCode}/notices";

        var list = await anonymous.GetFromJsonAsync<List<NoticeListItem>>(publicAt);
        var masked = await anonymous.GetStringAsync($"{publicAt}/{LastMonthText}");
        var member = await chair.GetStringAsync($"/api/v1/villages/{v.VillageCode}/notices/{LastMonthText}");
        var pdf = await chair.GetAsync($"/api/v1/villages/{v.VillageCode}/notices/{LastMonthText}.pdf");

        Assert.Equal([(LastMonthText, NoticeDocument.Published)], list!.Select(i => (i.Month, i.State)));
        Assert.Contains(MaskedName, masked, StringComparison.Ordinal);
        Assert.DoesNotContain(FullName, masked, StringComparison.Ordinal);
        Assert.Contains(FullName, member, StringComparison.Ordinal);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var pdfText = PdfText(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains(MaskedName, pdfText, StringComparison.Ordinal);
        Assert.DoesNotContain(FullName, pdfText, StringComparison.Ordinal);
        Assert.Contains($"{notice.HeadNumber}:{notice.HeadHash}", pdfText, StringComparison.Ordinal);
        Assert.Contains("清理河道，联系电话138******34", pdfText, StringComparison.Ordinal);

        // A village that shows full names in public shows them there too; the phone stays out either way.
        await SetMaskNamesAsync(app.Database, v, false);
        var named = await anonymous.GetStringAsync($"{publicAt}/{LastMonthText}");
        var namedPdf = PdfText(await chair.GetByteArrayAsync($"/api/v1/villages/{v.VillageCode}/notices/{LastMonthText}.pdf"));
        Assert.Contains(FullName, named, StringComparison.Ordinal);
        Assert.Contains(FullName, namedPdf, StringComparison.Ordinal);
        foreach (var text in new[] { masked, member, pdfText, named, namedPdf })
            Assert.DoesNotContain(Phone, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonAndPdfRoutes_OfOneMonth_ReachTheirOwnHandlers()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeLastMonthAsync(app.Database);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var at = $"/api/v1/villages/{v.VillageCode}/notices/{LastMonthText}";

        var json = await chair.GetAsync(at);
        var pdf = await chair.GetAsync(at + ".pdf");

        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal(LastMonthText, (await json.Content.ReadFromJsonAsync<NoticeDocument>(NoticeBook.Json))!.Month);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..4]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_WithoutAChineseFont_IsA503NamingTheDebianPackage()
    {
        var empty = Directory.CreateTempSubdirectory("villagepoints-no-fonts-");
        try
        {
            await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Notices:FontFolder"] = empty.FullName });
            var v = await ArrangeLastMonthAsync(app.Database);
            var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

            var response = await chair.GetAsync($"/api/v1/villages/{v.VillageCode}/notices/{LastMonthText}.pdf");

            Assert.Equal("notice.font-missing", await Problems.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable));
            Assert.Contains("fonts-noto-cjk", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task PublicReads_AreRateLimitedPerClient()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:PublicPerMinute"] = "2" });
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var anonymous = app.Anonymous();
        var at = $"/api/v1/public/villages/{v.VillageCode}/notices";

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(at)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(at)).StatusCode);
        var refused = await anonymous.GetAsync(at);

        Assert.Equal("public.rate-limited", await Problems.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests));
        Assert.NotNull(refused.Headers.RetryAfter);
    }
}
