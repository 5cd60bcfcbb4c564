using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Households;

/// <summary>
/// The committee's work on a household page, on a phone. Each test writes to its own household,
/// which no other browser test touches, so the counts here are the test's own. The demo village
/// needs a second committee member above 20 points.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CommitteeActionsTests(BrowserApp app)
{
    private static DemoAccount Chair => ShuixinStaff(Role.CommitteeChair);

    private static DemoAccount Member => ShuixinStaff(Role.CommitteeMember);

    [Fact]
    public async Task The_chair_checks_a_deduction_before_it_is_written_then_reverses_it_from_its_own_line()
    {
        const int number = 7;
        var household = await app.Database.ShuixinHouseholdAsync(number);
        var before = await app.Database.BalanceAsync(household);
        await using var context = await app.SignedInContextAsync(Chair);
        var page = await context.NewPageAsync();
        await page.GotoAsync(HouseholdPath(number));

        await page.Locator("#record-kind").SelectOptionAsync(nameof(EntryKind.Deduction));
        await page.Locator("#record-amount").FillAsync("-5");
        await page.Locator("#record-reason").FillAsync("乱倒垃圾（村口）");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：核对" }).ClickAsync();

        var confirm = page.Locator("#confirm");
        await Expect(confirm).ToBeFocusedAsync();
        await Expect(confirm).ToContainTextAsync("−5");
        await Expect(confirm).ToContainTextAsync("扣分");
        await Expect(confirm).ToContainTextAsync("乱倒垃圾（村口）");
        await Expect(confirm).ToContainTextAsync(household.HeadName);
        await AssertWithinFirstScreenAsync(confirm.GetByRole(AriaRole.Button, new() { Name = "确认记录" }));
        await page.AssertNoSeriousViolationsAsync();
        await SaveScreenshotAsync(page, "confirm-deduction");
        Assert.Equal(before, await app.Database.BalanceAsync(household));

        await confirm.GetByRole(AriaRole.Button, new() { Name = "确认记录" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"\?done=\d+$"));
        var recorded = NumberIn(page.Url, "done");
        await Expect(page.Locator("#result")).ToContainTextAsync(recorded.ToString(CultureInfo.InvariantCulture));
        await AssertWithinFirstScreenAsync(page.Locator("#result"));
        var line = page.Locator($"#entry-{recorded}");
        await Expect(line).ToContainTextAsync("乱倒垃圾（村口）");
        await Expect(line).ToContainTextAsync("−5");
        Assert.Equal(before - 5, await app.Database.BalanceAsync(household));
        await line.ScrollIntoViewIfNeededAsync();
        await SaveScreenshotAsync(page, "line-with-its-reverse-action");

        await line.GetByRole(AriaRole.Link, new() { Name = $"冲正流水号 {recorded}" }).ClickAsync();
        var panel = page.Locator("#reverse-panel");
        await Expect(panel).ToBeFocusedAsync();
        await Expect(panel).ToContainTextAsync("乱倒垃圾（村口）");
        await SaveScreenshotAsync(page, "reverse-panel");
        await panel.Locator("#reverse-reason").FillAsync("异议成立：垃圾不是这户倒的");
        await panel.GetByRole(AriaRole.Button, new() { Name = "冲正", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"\?done=\d+$"));
        var reversal = NumberIn(page.Url, "done");
        await Expect(page.Locator($"#entry-{reversal}")).ToContainTextAsync("异议成立：垃圾不是这户倒的");
        Assert.Equal(before, await app.Database.BalanceAsync(household));
        // Neither the reversed line nor the reversal offers another reversal.
        await Expect(page.Locator($"#entry-{recorded} .entry-action")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#entry-{reversal} .entry-action")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_change_without_a_reason_is_refused_with_a_focused_summary_on_the_first_screen_and_nothing_is_written()
    {
        const int number = 8;
        var household = await app.Database.ShuixinHouseholdAsync(number);
        var count = await EntryCountAsync(household.Id);
        await using var context = await app.SignedInContextAsync(Chair);
        var page = await context.NewPageAsync();
        await page.GotoAsync(HouseholdPath(number));

        await page.Locator("#record-amount").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：核对" }).ClickAsync();

        var summary = page.Locator("#error-summary");
        await Expect(summary).ToBeFocusedAsync();
        await AssertWithinFirstScreenAsync(summary);
        await SaveScreenshotAsync(page, "error-summary-record");
        await Expect(page.Locator("#record-reason-error")).ToHaveTextAsync("每条积分都要写明原因。");
        await summary.GetByRole(AriaRole.Link, new() { Name = "每条积分都要写明原因。" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("#record-reason$"));
        Assert.Equal(count, await EntryCountAsync(household.Id));
    }

    [Fact]
    public async Task A_reversal_without_a_reason_is_refused_with_the_summary_on_the_first_screen()
    {
        const int number = 8;
        var household = await app.Database.ShuixinHouseholdAsync(number);
        var newest = (await app.Database.RecentEntriesAsync(household, 1)).Single();
        var count = await EntryCountAsync(household.Id);
        await using var context = await app.SignedInContextAsync(Chair);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{HouseholdPath(number)}?reverse={newest.Number}");

        await page.Locator("#reverse-panel").GetByRole(AriaRole.Button, new() { Name = "冲正", Exact = true }).ClickAsync();

        var summary = page.Locator("#error-summary");
        await Expect(summary).ToBeFocusedAsync();
        await Expect(summary).ToContainTextAsync("每条积分都要写明原因。");
        await AssertWithinFirstScreenAsync(summary);
        await SaveScreenshotAsync(page, "error-summary-reverse");
        Assert.Equal(count, await EntryCountAsync(household.Id));
    }

    [Fact]
    public async Task Going_back_after_a_recorded_award_and_sending_the_form_again_records_it_once_unless_asked_to_record_it_again()
    {
        const int number = 9;
        var household = await app.Database.ShuixinHouseholdAsync(number);
        var count = await EntryCountAsync(household.Id);
        await using var context = await app.SignedInContextAsync(Chair);
        var page = await context.NewPageAsync();
        await page.GotoAsync(HouseholdPath(number));
        await page.Locator("#record-amount").FillAsync("3");
        await page.Locator("#record-reason").FillAsync("帮邻居抢收稻谷");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：核对" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认记录" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"\?done=\d+$"));
        var recorded = NumberIn(page.Url, "done");

        // Back to the confirmation step, and confirm again.
        await page.GoBackAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认记录" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($@"\?done={recorded}$"));

        // Back to the form itself, which the browser refills (with a fresh page, so a fresh key), and through both steps again.
        await page.GoBackAsync();
        await page.GoBackAsync();
        await Expect(page.Locator("#record-reason")).ToHaveValueAsync("帮邻居抢收稻谷");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：核对" }).ClickAsync();
        await Expect(page.Locator("#record-again-warning")).ToContainTextAsync(recorded.ToString(CultureInfo.InvariantCulture));
        await SaveScreenshotAsync(page, "confirm-twin");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认记录" }).ClickAsync();
        await Expect(page.Locator("#error-summary")).ToBeFocusedAsync();
        await AssertWithinFirstScreenAsync(page.Locator("#error-summary"));
        Assert.Equal(count + 1, await EntryCountAsync(household.Id));

        // Recording the same again on purpose takes a tick.
        await page.Locator("#record-again").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认记录" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"\?done=\d+$"));
        Assert.NotEqual(recorded, NumberIn(page.Url, "done"));
        Assert.Equal(count + 2, await EntryCountAsync(household.Id));
    }

    [Fact]
    public async Task An_award_above_the_threshold_waits_until_a_second_committee_member_approves_it()
    {
        const int number = 10;
        var household = await app.Database.ShuixinHouseholdAsync(number);
        var before = await app.Database.BalanceAsync(household);
        await using var memberContext = await app.SignedInContextAsync(Member);
        var page = await memberContext.NewPageAsync();
        await page.GotoAsync(HouseholdPath(number));
        await page.Locator("#record-amount").FillAsync("30");
        await page.Locator("#record-reason").FillAsync("扑救山火");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：核对" }).ClickAsync();
        await Expect(page.Locator("#confirm")).ToContainTextAsync("另一位委员批准");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认并提交审核" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"\?record=\d+$"));
        var waiting = NumberIn(page.Url, "record");
        await Expect(page.Locator("#result")).ToContainTextAsync("另一位委员批准后才记入");
        var item = page.Locator($"#direct-record-{waiting}");
        await Expect(item).ToContainTextAsync("扑救山火");
        await Expect(item.GetByRole(AriaRole.Button, new() { Name = "批准并记入" })).ToHaveCountAsync(0);
        await Expect(item.GetByRole(AriaRole.Button, new() { Name = "撤回" })).ToBeVisibleAsync();
        await SaveScreenshotAsync(page, "waiting-for-second-member");
        Assert.Equal(before, await app.Database.BalanceAsync(household));

        // The chair finds it on the village's list of waiting records, which leads to the household.
        await using var chairContext = await app.SignedInContextAsync(Chair);
        var chairPage = await chairContext.NewPageAsync();
        await chairPage.GotoAsync($"/villages/{DemoVillage.VillageCode}/direct-records");
        await chairPage.AssertNoSeriousViolationsAsync();
        await chairPage.Locator($"#direct-record-{waiting}").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(chairPage).ToHaveURLAsync(new Regex($"{HouseholdPath(number)}#direct-record-{waiting}$"));
        await chairPage.AssertNoSeriousViolationsAsync();
        await chairPage.Locator($"#direct-record-{waiting}").ScrollIntoViewIfNeededAsync();
        await SaveScreenshotAsync(chairPage, "pending-for-the-chair");
        await chairPage.Locator($"#direct-record-{waiting}").GetByRole(AriaRole.Button, new() { Name = "批准并记入" }).ClickAsync();

        await Expect(chairPage.Locator("#result")).ToContainTextAsync("已批准");
        var entry = (await app.Database.RecentEntriesAsync(household, 1)).Single();
        var line = chairPage.Locator($"#entry-{entry.Number}");
        await Expect(line).ToContainTextAsync("提交：陈秀梅");
        await Expect(line).ToContainTextAsync("审核：黄建国");
        await Expect(chairPage.Locator($"#direct-record-{waiting}")).ToHaveCountAsync(0);
        Assert.Equal(before + 30, await app.Database.BalanceAsync(household));
    }

    [Fact]
    public async Task A_villager_sees_no_committee_actions_on_their_own_household()
    {
        await using var context = await app.SignedInContextAsync(BrowserApp.Villager);
        var page = await context.NewPageAsync();
        var household = await app.Database.HouseholdOfAsync(BrowserApp.Villager);
        await page.GotoAsync(HouseholdPath(household.Number));

        await Expect(page.Locator("main h1")).ToBeVisibleAsync();
        await Expect(page.Locator("#record-amount")).ToHaveCountAsync(0);
        await Expect(page.Locator(".entry-action")).ToHaveCountAsync(0);
        await page.GotoAsync($"{HouseholdPath(household.Number)}?reverse=1");
        await Expect(page.Locator("#reverse-panel")).ToHaveCountAsync(0);
    }

    private static DemoAccount ShuixinStaff(Role role) =>
        DemoVillage.Accounts.First(a => a.Role == role && a.Description.Contains("水心村", StringComparison.Ordinal));

    private static string HouseholdPath(int number) =>
        string.Create(CultureInfo.InvariantCulture, $"/villages/{DemoVillage.VillageCode}/households/{number}");

    private static long NumberIn(string url, string name) =>
        long.Parse(Regex.Match(url, $@"[?&]{name}=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>On a 360×640 phone the element is seen without scrolling.</summary>
    private static async Task AssertWithinFirstScreenAsync(ILocator locator)
    {
        var scrollY = await locator.Page.EvaluateAsync<double>("() => window.scrollY");
        var box = await locator.BoundingBoxAsync() ?? throw new InvalidOperationException("The element is not rendered.");
        var bottom = scrollY + box.Y + box.Height;
        Assert.True(bottom <= BrowserApp.PhoneHeight, $"Expected the element within the first {BrowserApp.PhoneHeight} px of the page, but it ends at {bottom:0} px.");
    }

    /// <summary>Kept with the test output, so a person can look at what the phone showed.</summary>
    private static async Task SaveScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", $"committee-{name}.png") });

    private async Task<int> EntryCountAsync(Guid householdId)
    {
        await using var db = app.Database.NewContext();
        return await db.LedgerEntries.CountAsync(e => e.HouseholdId == householdId);
    }
}
