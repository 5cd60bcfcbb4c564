using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using VillagePoints.Web.Ledger;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Notices;

[Collection(BrowserCollection.Name)]
public sealed class ObjectionJourneyTests(BrowserApp app)
{
    /// <summary>
    /// Last month's notice of the demo village, on the board with its window open: the demo's own when it has one,
    /// otherwise published here as publishing would freeze it.
    /// </summary>
    private async Task<Notice> LastMonthsNoticeAsync(Guid villageId)
    {
        await using var db = app.Database.NewContext();
        var notice = await db.Notices.AsNoTracking().SingleOrDefaultAsync(n => n.VillageId == villageId && n.Month == PublishedNotices.LastMonth);
        if (notice is { State: NoticeState.Published } && notice.WindowClosesAt > DateTimeOffset.UtcNow)
            return notice;
        Assert.True(notice is null, $"The demo's notice of {PublishedNotices.LastMonth} is {notice?.State}, its window closing {notice?.WindowClosesAt}.");
        return await PublishedNotices.PublishAsync(db, villageId, PublishedNotices.LastMonth, DateTimeOffset.UtcNow.AddDays(7));
    }

    /// <summary>A neighbour's award or deduction on that notice, which the villager's household has not objected to yet.</summary>
    /// <param name="decidedBy">Whoever will decide it, so the entry is not about a household of theirs.</param>
    private async Task<LedgerEntry> EntryToObjectToAsync(Notice notice, Guid ownHousehold, string? decidedBy = null)
    {
        await using var db = app.Database.NewContext();
        var deciders = await db.RoleAssignments.AsNoTracking()
            .Where(r => r.HouseholdId != null && db.UserAccounts.Any(u => u.Id == r.UserId && u.Phone == decidedBy))
            .Select(r => r.HouseholdId!.Value).ToListAsync();
        var coverage = new NoticeCoverage(notice.Month, notice.PreviousMonth, notice.PreviousHeadNumber, notice.HeadNumber);
        var objected = db.Objections.Where(o => o.VillageId == notice.VillageId && o.RaisedByHouseholdId == ownHousehold).Select(o => o.EntryId);
        return await coverage.Entries(db.LedgerEntries.AsNoTracking(), notice.VillageId)
            .Where(e => e.HouseholdId != ownHousehold && !deciders.Contains(e.HouseholdId) && (e.Kind == EntryKind.Award || e.Kind == EntryKind.Deduction)
                        && !objected.Contains(e.Id)
                        // Not one another test objected to or corrected already: each test takes its own.
                        && !db.Objections.Any(o => o.VillageId == e.VillageId && o.EntryId == e.Id)
                        && !db.LedgerEntries.Any(r => r.VillageId == e.VillageId && r.ReversesEntryId == e.Id))
            .OrderByDescending(e => e.Number).FirstAsync();
    }

    [Fact]
    public async Task A_villager_objects_to_their_own_entry_on_the_notice_the_chair_upholds_and_the_balance_and_next_notice_show_it()
    {
        var village = await app.Database.ShuixinAsync();
        var notice = await LastMonthsNoticeAsync(village.Id);
        var chair = DemoVillage.Accounts.First(a => a.Role == Role.CommitteeChair && a.Phone == "13900000010");
        // The demo's villagers of 水心村 whose own award is on last month's notice and untouched by other tests.
        DemoAccount? villager = null;
        LedgerEntry? entry = null;
        await using (var db = app.Database.NewContext())
        {
            var coverage = new NoticeCoverage(notice.Month, notice.PreviousMonth, notice.PreviousHeadNumber, notice.HeadNumber);
            foreach (var account in DemoVillage.Accounts.Where(a => a.Role == Role.Villager))
            {
                var household = await db.RoleAssignments.AsNoTracking()
                    .Where(r => r.VillageId == village.Id && r.Role == Role.Villager && db.UserAccounts.Any(u => u.Id == r.UserId && u.Phone == account.Phone))
                    .Select(r => r.HouseholdId).SingleOrDefaultAsync();
                if (household is null)
                    continue;
                entry = await coverage.Entries(db.LedgerEntries.AsNoTracking(), village.Id)
                    .Where(e => e.HouseholdId == household && e.Kind == EntryKind.Award
                                && !db.Objections.Any(o => o.VillageId == e.VillageId && o.EntryId == e.Id)
                                && !db.LedgerEntries.Any(r => r.VillageId == e.VillageId && r.ReversesEntryId == e.Id))
                    .OrderBy(e => e.Number).FirstOrDefaultAsync();
                if (entry is not null)
                {
                    villager = account;
                    break;
                }
            }
        }
        Assert.True(entry is not null && villager is not null, "No demo villager of 水心村 has an award of their own on last month's notice to object to.");
        var number = entry.Number.ToString(CultureInfo.InvariantCulture);
        var corrected = entry.Amount + 3;
        var before = await HouseholdTotalAsync(village.Id, entry.HouseholdId);

        // The villager finds the award on 本月公示 and objects in one tap: it was recorded too low.
        await using (var context = await app.SignedInContextAsync(villager))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/my");
            await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^本月公示") }).ClickAsync();
            var own = page.Locator("li[aria-current='true']");
            await own.GetByRole(AriaRole.Link, new() { Name = $"我有异议 第 {number} 条" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"第 {number} 号积分流水" })).ToBeVisibleAsync();
            await page.GetByLabel("异议理由").FillAsync($"那天服务了三个小时，应记 {corrected} 分");
            await page.GetByRole(AriaRole.Button, new() { Name = "提交异议" }).ClickAsync();
            await Expect(page.Locator(".objection-item").First).ToContainTextAsync("待处理");
        }
        int objectionNumber;
        await using (var db = app.Database.NewContext())
            objectionNumber = await db.Objections.Where(o => o.VillageId == village.Id && o.EntryId == entry.Id).Select(o => o.Number).SingleAsync();

        // The chair upholds it with the corrected points.
        await using (var context = await app.SignedInContextAsync(chair))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/villages/{village.Code}/objections/{objectionNumber.ToString(CultureInfo.InvariantCulture)}");
            await page.GetByLabel("异议成立（冲正这笔积分）").CheckAsync();
            await page.GetByLabel("处理理由").FillAsync("经核实服务时长为三小时，按实更正");
            await page.GetByLabel("更正后的分数（可选）").FillAsync(corrected.ToString(CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "提交处理结果" }).ClickAsync();
            await Expect(page.Locator("main")).ToContainTextAsync("已冲正");
        }

        // The villager's balance carries the correction, and the next notice (this month's draft) lists the decision.
        Assert.Equal(before + 3, await HouseholdTotalAsync(village.Id, entry.HouseholdId));
        await using (var context = await app.SignedInContextAsync(villager))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/my");
            await Expect(page.Locator(".balance-number").First).ToHaveTextAsync(Wording.Points(before + 3));
            await page.GotoAsync($"/villages/{village.Code}/notices/{NoticeMonth.Format(NoticeMonth.Next(notice.Month))}");
            var decided = page.Locator(".notice-objections li").Filter(new() { HasText = $"第 {objectionNumber.ToString(CultureInfo.InvariantCulture)} 号异议 · 针对第 {number} 条" });
            await Expect(decided).ToContainTextAsync("异议成立");
            await Expect(decided).ToContainTextAsync("已由第");
            await Expect(page.Locator("li[aria-current='true'] .nl").Filter(new() { HasText = $"+{corrected.ToString(CultureInfo.InvariantCulture)}" }).First).ToBeVisibleAsync();
            await page.AssertNoSeriousViolationsAsync();
        }
    }

    [Fact]
    public async Task A_villager_objects_to_a_neighbours_entry_on_the_notice_and_sees_it_waiting()
    {
        var village = await app.Database.ShuixinAsync();
        var household = await app.Database.HouseholdOfAsync(BrowserApp.Villager);
        var notice = await LastMonthsNoticeAsync(village.Id);
        var entry = await EntryToObjectToAsync(notice, household.Id);
        var number = entry.Number.ToString(CultureInfo.InvariantCulture);

        await using var context = await app.SignedInContextAsync(BrowserApp.Villager);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/villages/{village.Code}/entries/{number}/objection");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"第 {number} 号积分流水" })).ToBeVisibleAsync();
        await Expect(page.Locator("dl.facts")).ToContainTextAsync(NoticeMonth.Format(notice.Month));
        await page.AssertNoSeriousViolationsAsync();

        // Sent empty first: the message stands beside the reason.
        await page.GetByRole(AriaRole.Button, new() { Name = "提交异议" }).ClickAsync();
        await Expect(page.Locator("#objection-reason-error")).ToHaveTextAsync("请写明异议的理由。");
        await page.AssertNoSeriousViolationsAsync();

        await page.GetByLabel("异议理由").FillAsync("那天是我家打扫的村道，不是他家");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交异议" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/objections/mine\\?raised=\\d+$"));
        await Expect(page.Locator("[role=status]")).ToContainTextAsync("已提交");
        var item = page.Locator(".objection-item").First;
        await Expect(item).ToContainTextAsync("待处理");
        await Expect(item).ToContainTextAsync("那天是我家打扫的村道");
        await Expect(item).ToContainTextAsync($"第 {number} 号积分流水");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth, $"My objections scroll sideways: {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task The_objection_form_stays_on_a_phone_screen_in_elder_mode()
    {
        var village = await app.Database.ShuixinAsync();
        var household = await app.Database.HouseholdOfAsync(BrowserApp.Villager);
        var entry = await EntryToObjectToAsync(await LastMonthsNoticeAsync(village.Id), household.Id);

        await using var context = await app.SignedInContextAsync(BrowserApp.Villager, elder: true);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/villages/{village.Code}/entries/{entry.Number.ToString(CultureInfo.InvariantCulture)}/objection");

        await Expect(page.GetByLabel("异议理由")).ToBeVisibleAsync();
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth, $"The objection form scrolls sideways in elder mode: {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task The_chair_upholds_an_objection_and_the_households_balance_is_corrected()
    {
        var village = await app.Database.ShuixinAsync();
        var household = await app.Database.HouseholdOfAsync(BrowserApp.Villager);
        var chair = DemoVillage.Accounts.First(a => a.Role == Role.CommitteeChair && a.Phone == "13900000010");
        var entry = await EntryToObjectToAsync(await LastMonthsNoticeAsync(village.Id), household.Id, chair.Phone);
        Objection objection;
        await using (var db = app.Database.NewContext())
        {
            var villager = await db.UserAccounts.AsNoTracking().Where(u => u.Phone == BrowserApp.Villager.Phone).Select(u => u.Id).SingleAsync();
            objection = await new ObjectionDesk(db, new LedgerPosting(db, TimeProvider.System), TimeProvider.System)
                .RaiseAsync(new RaiseObjection(village.Id, entry.Number, villager, "这笔分数记错了户"));
        }
        var objected = await HouseholdTotalAsync(village.Id, entry.HouseholdId);

        await using var context = await app.SignedInContextAsync(chair);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator(".objection-link a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/objections$"));
        await page.AssertNoSeriousViolationsAsync();
        var number = objection.Number.ToString(CultureInfo.InvariantCulture);
        await page.GetByRole(AriaRole.Link, new() { Name = $"第 {number} 号异议", Exact = true }).ClickAsync();
        await Expect(page.Locator("section.card").First).ToContainTextAsync("这笔分数记错了户");
        await page.AssertNoSeriousViolationsAsync();

        await page.GetByLabel("异议成立（冲正这笔积分）").CheckAsync();
        await page.GetByLabel("处理理由").FillAsync("经核实，这笔记错了户");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交处理结果" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/objections/{number}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "处理结果" })).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("已冲正");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth, $"The decided objection scrolls sideways: {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();
        Assert.Equal(objected - entry.Amount, await HouseholdTotalAsync(village.Id, entry.HouseholdId));
    }

    private async Task<long> HouseholdTotalAsync(Guid villageId, Guid householdId)
    {
        await using var db = app.Database.NewContext();
        return await db.HouseholdBalances.AsNoTracking().Where(b => b.VillageId == villageId && b.HouseholdId == householdId).Select(b => b.Total).SingleAsync();
    }
}
