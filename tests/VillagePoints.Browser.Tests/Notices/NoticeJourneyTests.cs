using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.Web.Ledger;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Notices;

[Collection(BrowserCollection.Name)]
public sealed class NoticeJourneyTests(BrowserApp app)
{
    /// <summary>
    /// The committee publishes last month's notice on a phone (unless the demo has published it already), then a
    /// villager opens 本月公示 from their home and finds their own household first, marked 我家, with a one-tap objection.
    /// </summary>
    [Fact]
    public async Task The_committee_publishes_last_month_and_a_villager_finds_their_household_in_this_months_notice()
    {
        var today = BusinessCalendar.Today(TimeProvider.System);
        var lastMonth = NoticeMonth.Format(NoticeMonth.Previous(NoticeMonth.Of(today)));
        var village = await app.Database.ShuixinAsync();
        var member = DemoVillage.Accounts.First(a => a.Role == Role.CommitteeMember && a.Description.Contains("水心村", StringComparison.Ordinal));
        var path = $"/villages/{DemoVillage.VillageCode}/notices/{lastMonth}";
        await EnsureAnEarlierNoticeAsync(village.Id, today);

        await using (var committee = await app.SignedInContextAsync(member))
        {
            var page = await committee.NewPageAsync();
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("积分公示");
            if (!await PublishedAsync(village.Id, lastMonth))
            {
                var publish = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^发布公示（公示 \\d+ 天）$") });
                await Expect(publish).ToBeVisibleAsync();
                await page.AssertNoSeriousViolationsAsync();
                await SaveScreenshotAsync(page, "committee-draft");
                await publish.ClickAsync();
                await Expect(page.Locator("#result")).ToContainTextAsync("已发布");
                Assert.True(await PublishedAsync(village.Id, lastMonth));
            }
            await Expect(page.Locator(".notice-state")).ToContainTextAsync(new Regex("公示中|已结束"));
            await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^发布公示") })).ToHaveCountAsync(0);
            await SaveScreenshotAsync(page, "committee-published");
        }

        var villager = BrowserApp.Villager;
        var household = await app.Database.HouseholdOfAsync(villager);
        foreach (var elder in new[] { false, true })
        {
            await using var context = await app.SignedInContextAsync(villager, elder);
            var page = await context.NewPageAsync();
            await page.GotoAsync("/my");
            await SaveScreenshotAsync(page, elder ? "villager-home-elder" : "villager-home");
            await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^本月公示") }).ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex($"/villages/{DemoVillage.VillageCode}/notices/\\d{{4}}-\\d{{2}}$"));
            var own = page.Locator("li[aria-current='true']");
            await Expect(own).ToHaveCountAsync(1);
            await Expect(own).ToHaveAttributeAsync("id", $"h-{household.Number}");
            await Expect(own.Locator("summary")).ToContainTextAsync("我家");
            await Expect(own.Locator("summary")).ToContainTextAsync(Wording.HouseholdNo(household.Number));
            // Listed first, and open, so the villager sees their own lines without searching 630 households.
            await Expect(page.Locator(".notice-households > li").First).ToHaveAttributeAsync("aria-current", "true");
            Assert.True(await own.Locator("details").EvaluateAsync<bool>("d => d.open"), "The villager's own household is not open.");
            if (await WindowOpenAsync(village.Id, page.PathOf()[^7..]) && await own.Locator(".nl").CountAsync() > 0)
                await Expect(own.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^我有异议") }).First).ToBeVisibleAsync();
            Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
                $"The notice scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
            await page.AssertNoSeriousViolationsAsync();
            await own.ScrollIntoViewIfNeededAsync();
            await SaveScreenshotAsync(page, elder ? "villager-own-household-elder" : "villager-own-household");
            // A household with entries this month, opened with one tap: each line and its objection link.
            var withEntries = page.Locator(".notice-households > li:not(.own)").Filter(new() { Has = page.Locator(".nl") }).First;
            await withEntries.Locator("summary").ClickAsync();
            await Expect(withEntries.Locator(".nl").First).ToBeVisibleAsync();
            await withEntries.Locator(".nl").First.ScrollIntoViewIfNeededAsync();
            await SaveScreenshotAsync(page, elder ? "villager-entries-elder" : "villager-entries");
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            await SaveScreenshotAsync(page, elder ? "villager-top-elder" : "villager-top");
        }
    }

    /// <summary>
    /// A village's first notice lists its whole history, which takes a while to build. When the demo has no notices
    /// yet, the month before last is published here, so last month's draft on the page covers one month only.
    /// </summary>
    private async Task EnsureAnEarlierNoticeAsync(Guid villageId, DateOnly today)
    {
        await using var db = app.Database.NewContext();
        if (await db.Notices.AnyAsync(n => n.VillageId == villageId))
            return;
        var monthBeforeLast = NoticeMonth.Previous(NoticeMonth.Previous(NoticeMonth.Of(today)));
        await new NoticeDesk(db, new NoticeBuilder(db, TimeProvider.System), new LedgerPosting(db, TimeProvider.System), TimeProvider.System)
            .PublishAsync(new PublishNotice(villageId, monthBeforeLast, null));
    }

    private async Task<bool> PublishedAsync(Guid villageId, string month)
    {
        await using var db = app.Database.NewContext();
        var m = NoticeMonth.Parse(month);
        return await db.Notices.AnyAsync(n => n.VillageId == villageId && n.Month == m);
    }

    private async Task<bool> WindowOpenAsync(Guid villageId, string month)
    {
        await using var db = app.Database.NewContext();
        var m = NoticeMonth.Parse(month);
        var notice = await db.Notices.AsNoTracking().SingleOrDefaultAsync(n => n.VillageId == villageId && n.Month == m);
        return notice is { State: NoticeState.Published } && notice.WindowClosesAt > DateTimeOffset.UtcNow;
    }

    private static async Task SaveScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "notice-screenshots", $"notice-{name}.png") });
}
