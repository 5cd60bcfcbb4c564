using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using VillagePoints.Web.Notices;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Notices;

/// <summary>
/// The notice pages: the committee publishes and closes from the member page, a villager finds their own household
/// first and objects while the window is open, and anyone reads the published notice on the public page.
/// </summary>
public sealed partial class NoticePageTests
{
    private static readonly DateOnly Today = BusinessCalendar.Today(TimeProvider.System);
    private static readonly DateOnly LastMonthDay = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1).AddDays(2);
    private static readonly int LastMonth = NoticeMonth.Of(LastMonthDay);
    private static readonly string LastMonthText = NoticeMonth.Format(LastMonth);

    private const string HeadPhone = "13812345678";
    private const string MemberPhone = "13698765432";
    private const string ReasonPhone = "13912345678";
    private const string ReasonIdNumber = "44098119800101123X";

    /// <summary>Three households; 黄小敏 heads the second. Each has an entry last month, the second's reason names a phone and an ID number.</summary>
    private static async Task<(ArrangedVillage Village, List<long> Entries)> ArrangeMonthAsync(TestApp app, bool maskNames = true)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, 3);
        await using var db = app.NewContext();
        var village = await db.Villages.SingleAsync(x => x.Id == v.VillageId);
        village.Settings.MaskNamesInPublic = maskNames;
        village.Settings.RedBlackList = true;
        var huang = await db.Households.SingleAsync(h => h.VillageId == v.VillageId && h.Number == 2);
        huang.HeadName = "黄小敏";
        huang.Phone = HeadPhone;
        db.People.Add(new Core.Places.Person
        {
            VillageId = v.VillageId, Id = Ids.New(), HouseholdId = huang.Id, Name = "黄大明", Relation = "子", Phone = MemberPhone,
        });
        await db.SaveChangesAsync();

        var posting = new LedgerPosting(db, TimeProvider.System);
        var entries = new List<long>();
        entries.Add((await posting.PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[0], 5, EntryKind.Award, "清理卫生死角", SourceKinds.Committee,
            OccurredOn: LastMonthDay))).Number);
        entries.Add((await posting.PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[1], 8, EntryKind.Award,
            $"帮助邻居修缮房屋，联系电话{ReasonPhone}，身份证{ReasonIdNumber}", SourceKinds.Committee, OccurredOn: LastMonthDay))).Number);
        entries.Add((await posting.PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[2], -3, EntryKind.Deduction, "乱倒垃圾", SourceKinds.Patrol,
            OccurredOn: LastMonthDay))).Number);
        return (v, entries);
    }

    private static async Task PublishAsync(TestApp app, ArrangedVillage v)
    {
        await using var db = app.NewContext();
        await new NoticeDesk(db, new NoticeBuilder(db, TimeProvider.System), new LedgerPosting(db, TimeProvider.System), TimeProvider.System)
            .PublishAsync(new PublishNotice(v.VillageId, LastMonth, null));
    }

    private static async Task CloseAsync(TestApp app, ArrangedVillage v)
    {
        await using var db = app.NewContext();
        await new NoticeDesk(db, new NoticeBuilder(db, TimeProvider.System), new LedgerPosting(db, TimeProvider.System), TimeProvider.System)
            .CloseAsync(new CloseNotice(v.VillageId, LastMonth, null));
    }

    private static string NoticePath(ArrangedVillage v, string month) => $"/villages/{v.VillageCode}/notices/{month}";

    private static string PublicPath(ArrangedVillage v, string month) => $"/public/villages/{v.VillageCode}/notices/{month}";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string handler, string token, string formKey) =>
        client.PostAsync($"{path}?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["FormKey"] = formKey,
            ["__RequestVerificationToken"] = token,
        }));

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_committee_publishes_last_months_draft_from_the_page_and_a_second_publication_is_refused_at_the_top(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeMonthAsync(app);
        var member = await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember));
        var path = NoticePath(v, LastMonthText);

        var draft = await member.GetStringAsync(path);
        var publish = await PostAsync(member, path, "Publish", await PageClients.FormTokenAsync(member, path), "formkeyone");
        var published = await member.GetStringAsync(publish.Headers.Location!.OriginalString);
        var again = await PostAsync(member, path, "Publish", await PageClients.FormTokenAsync(member, path), "formkeytwo");
        var againHtml = await again.Content.ReadAsStringAsync();

        Assert.Contains("草稿", draft, StringComparison.Ordinal);
        Assert.Contains("发布公示（公示 7 天）", draft, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, publish.StatusCode);
        Assert.Contains("已发布。公示期至", published, StringComparison.Ordinal);
        Assert.Contains("7 天，至", published, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Publish", published, StringComparison.Ordinal);
        Assert.Contains("handler=Close", published, StringComparison.Ordinal);
        // The publish form is gone from a published notice; posting anyway is refused with the reason at the top.
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("error-summary", againHtml, StringComparison.Ordinal);
        Assert.Contains("该月公示已经发布。", againHtml, StringComparison.Ordinal);
        await using var db = app.NewContext();
        var notice = await db.Notices.SingleAsync(n => n.VillageId == v.VillageId);
        Assert.Equal(NoticeState.Published, notice.State);
        Assert.Equal(LastMonth, notice.Month);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_committee_closes_the_window_early_from_the_page_and_the_months_entries_become_effective(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeMonthAsync(app);
        await PublishAsync(app, v);
        var chair = await app.PageClientAsync(TestApp.In(v, Role.CommitteeChair));
        var path = NoticePath(v, LastMonthText);

        var page = await chair.GetStringAsync(path);
        var close = await PostAsync(chair, path, "Close", await PageClients.FormTokenAsync(chair, path), "closekey");
        var closed = await chair.GetStringAsync(close.Headers.Location!.OriginalString);

        Assert.Contains("提前结束会立即关闭公示期", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, close.StatusCode);
        Assert.Contains("已结束", closed, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Close", closed, StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(NoticeState.Closed, (await db.Notices.SingleAsync(n => n.VillageId == v.VillageId)).State);
        Assert.All(await db.LedgerEntries.Where(e => e.VillageId == v.VillageId).ToListAsync(), e => Assert.Equal(EntryState.Effective, e.State));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_finds_their_household_first_and_marked_and_may_object_only_while_the_window_is_open(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, entries) = await ArrangeMonthAsync(app);
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 2));
        var member = await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember));
        var path = NoticePath(v, LastMonthText);
        string ObjectionLink(long n) => string.Create(CultureInfo.InvariantCulture, $"/villages/{v.VillageCode}/entries/{n}/objection");

        var draft = await villager.GetStringAsync(path);
        await PublishAsync(app, v);
        var my = await villager.GetStringAsync("/my");
        var open = await villager.GetStringAsync(path);
        var committee = await member.GetStringAsync(path);
        var english = await villager.GetStringAsync(path + "?culture=en-US&ui-culture=en-US");
        await CloseAsync(app, v);
        var closed = await villager.GetStringAsync(path);

        // 本月公示 on the villager's home leads to the published month.
        Assert.Contains("本月公示", my, StringComparison.Ordinal);
        Assert.Contains($"href=\"{path}\"", my, StringComparison.Ordinal);
        // Their household comes first, marked in words and for assistive technology, and open.
        Assert.Matches(OwnHousehold(2), open);
        Assert.Contains("我家", open, StringComparison.Ordinal);
        Assert.True(open.IndexOf("id=\"h-2\"", StringComparison.Ordinal) < open.IndexOf("id=\"h-1\"", StringComparison.Ordinal), "The villager's household is not listed first.");
        Assert.Single(OwnHousehold(2).Matches(open));
        // Members see full names.
        Assert.Contains("黄小敏", open, StringComparison.Ordinal);
        // Every entry of the open notice can be objected to, by the villager only, and only while the window is open.
        Assert.All(entries, n => Assert.Contains(ObjectionLink(n), open, StringComparison.Ordinal));
        Assert.Contains("我有异议", open, StringComparison.Ordinal);
        Assert.DoesNotContain("/objection\"", draft, StringComparison.Ordinal);
        Assert.DoesNotContain("/objection\"", committee, StringComparison.Ordinal);
        Assert.DoesNotContain("/objection\"", closed, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-current=\"true\"", committee, StringComparison.Ordinal);
        // The same page in English.
        Assert.Contains("Points notice, ", english, StringComparison.Ordinal);
        Assert.Contains("My household", english, StringComparison.Ordinal);
        Assert.Contains("I object", english, StringComparison.Ordinal);
        Assert.DoesNotContain("Notices.", english, StringComparison.Ordinal);
        // A villager cannot publish or close.
        Assert.DoesNotContain("handler=Close", open, StringComparison.Ordinal);
    }

    [GeneratedRegex("<li id=\"h-(\\d+)\" class=\"own\" aria-current=\"true\">\\s*<details open=\"open\">")]
    private static partial Regex OwnHouseholdPattern();

    private static Regex OwnHousehold(int number) =>
        new(OwnHouseholdPattern().ToString().Replace("(\\d+)", number.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_public_page_masks_names_when_the_village_says_so_and_never_shows_a_phone_or_id_number(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeMonthAsync(app, maskNames: true);
        await PublishAsync(app, v);
        var anonymous = app.Anonymous();

        var response = await anonymous.GetAsync(PublicPath(v, LastMonthText));
        var html = await response.Content.ReadAsStringAsync();
        var list = await anonymous.GetStringAsync($"/public/villages/{v.VillageCode}/notices");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("黄*敏", html, StringComparison.Ordinal);
        Assert.DoesNotContain("黄小敏", html, StringComparison.Ordinal);
        Assert.DoesNotContain("黄大明", html, StringComparison.Ordinal);
        AssertNoPhoneOrId(html);
        // No objection links and no members' PDF for the public; the chain head and its verification link are there.
        Assert.DoesNotContain("/objection\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(".pdf", html, StringComparison.Ordinal);
        Assert.Contains($"/public/villages/{v.VillageCode}/verification?entry=", html, StringComparison.Ordinal);
        Assert.Contains($"/public/villages/{v.VillageCode}/notices/{LastMonthText}", list, StringComparison.Ordinal);
        Assert.Contains("公示中", list, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_print_layout_of_a_published_notice_is_public_masked_on_its_paper_and_a_draft_has_none(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeMonthAsync(app, maskNames: true);
        var anonymous = app.Anonymous();
        var print = PublicPath(v, LastMonthText) + "/print";

        var draft = await anonymous.GetAsync(print);
        await PublishAsync(app, v);
        var a3 = await anonymous.GetAsync(print + "?paper=a3");
        var html = await a3.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, draft.StatusCode);
        Assert.Equal(HttpStatusCode.OK, a3.StatusCode);
        Assert.Contains("notice-print-a3", html, StringComparison.Ordinal);
        Assert.Contains("黄*敏", html, StringComparison.Ordinal);
        Assert.DoesNotContain("黄小敏", html, StringComparison.Ordinal);
        AssertNoPhoneOrId(html);
        Assert.Contains($"/public/villages/{v.VillageCode}/verification?entry=", html, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_public_page_shows_full_names_when_the_village_does_not_mask_them_and_still_no_phone_or_id_number(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeMonthAsync(app, maskNames: false);
        await PublishAsync(app, v);

        var html = await app.Anonymous().GetStringAsync(PublicPath(v, LastMonthText));
        var searched = await app.Anonymous().GetStringAsync(PublicPath(v, LastMonthText) + "?q=" + Uri.EscapeDataString("黄小敏"));

        Assert.Contains("黄小敏", html, StringComparison.Ordinal);
        Assert.DoesNotContain("黄*敏", html, StringComparison.Ordinal);
        AssertNoPhoneOrId(html);
        Assert.Contains("找到 1 户", searched, StringComparison.Ordinal);
        Assert.Contains("id=\"h-2\"", searched, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"h-1\"", searched, StringComparison.Ordinal);
    }

    private static void AssertNoPhoneOrId(string html)
    {
        foreach (var secret in new[] { HeadPhone, MemberPhone, ReasonPhone, ReasonIdNumber, "4409811980" })
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        // Any run of eleven digits would be a phone or part of an ID number; the chain hash is hex, so look outside it.
        var withoutHashes = HexRun().Replace(html, "");
        Assert.DoesNotMatch(ElevenDigits(), withoutHashes);
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex HexRun();

    [GeneratedRegex("\\d{11}")]
    private static partial Regex ElevenDigits();

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_unpublished_month_or_unknown_village_answers_404_with_a_message_on_the_public_page(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeMonthAsync(app);
        var anonymous = app.Anonymous();

        var draft = await anonymous.GetAsync(PublicPath(v, LastMonthText));
        var unknownVillage = await anonymous.GetAsync($"/public/villages/nosuchvillage/notices/{LastMonthText}");
        var unknownList = await anonymous.GetAsync("/public/villages/nosuchvillage/notices");

        Assert.Equal(HttpStatusCode.NotFound, draft.StatusCode);
        Assert.Contains("没有这个月的公示", await draft.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("测试户1", await draft.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownVillage.StatusCode);
        Assert.Contains("没有这个月的公示", await unknownVillage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownList.StatusCode);
        Assert.Contains("没有这个村", await unknownList.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_malformed_future_or_too_early_month_is_a_clear_4xx_page_never_a_500(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeMonthAsync(app);
        var member = await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember));
        var future = NoticeMonth.Format(NoticeMonth.Next(NoticeMonth.Of(Today)));

        var badMember = await member.GetAsync(NoticePath(v, "2026-13"));
        var badPublic = await app.Anonymous().GetAsync(PublicPath(v, "2026-13"));
        var futureMember = await member.GetAsync(NoticePath(v, future));
        var beforeStart = await member.GetAsync(NoticePath(v, "2019-12"));
        var badPublish = await PostAsync(member, NoticePath(v, "2026-13"), "Publish", await PageClients.FormTokenAsync(member, NoticePath(v, LastMonthText)), "badmonth");

        Assert.Equal(HttpStatusCode.BadRequest, badMember.StatusCode);
        Assert.Contains("公示月份应写成“年-月”", await badMember.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badPublic.StatusCode);
        Assert.Contains("公示月份应写成“年-月”", await badPublic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, futureMember.StatusCode);
        Assert.Contains("该月份还没有开始", await futureMember.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, beforeStart.StatusCode);
        Assert.Contains("本村积分档案开始于该月份之后", await beforeStart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badPublish.StatusCode);
        Assert.Contains("公示月份应写成“年-月”", await badPublish.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.False(await db.Notices.AnyAsync(n => n.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_village_list_names_each_months_state_in_words_newest_first(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeMonthAsync(app);
        await PublishAsync(app, v);
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        var html = await villager.GetStringAsync($"/villages/{v.VillageCode}/notices");
        var thisMonth = NoticeMonth.Format(NoticeMonth.Of(Today));

        Assert.Contains("草稿", html, StringComparison.Ordinal);
        Assert.Contains("公示中，至", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf($"/notices/{thisMonth}\"", StringComparison.Ordinal) < html.IndexOf($"/notices/{LastMonthText}\"", StringComparison.Ordinal),
            "The list is not newest first.");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_first_notice_with_a_long_history_shows_its_late_entries_a_hundred_at_a_time_and_all_on_request(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        await using (var db = app.NewContext())
        {
            var posting = new LedgerPosting(db, TimeProvider.System);
            for (var i = 0; i < 101; i++)
                await posting.PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[0], 1, EntryKind.Award, "清理卫生死角", SourceKinds.Committee,
                    OccurredOn: LastMonthDay.AddMonths(-1)));
        }
        var member = await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember));

        var first = await member.GetStringAsync(NoticePath(v, LastMonthText));
        var all = await member.GetStringAsync(NoticePath(v, LastMonthText) + "?late=all");

        Assert.Equal(NoticeSheet.LateShown, LateLine().Matches(first).Count);
        Assert.Contains("显示全部 101 条补录条目", first, StringComparison.Ordinal);
        Assert.Equal(101, LateLine().Matches(all).Count);
        Assert.DoesNotContain("显示全部 101 条补录条目", all, StringComparison.Ordinal);
    }

    [GeneratedRegex("<span class=\"nl-hh\">")]
    private static partial Regex LateLine();
}
