using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Households;

[Collection(BrowserCollection.Name)]
public sealed class CommitteeActionsTests(BrowserApp app)
{
    // A household no other browser test writes to, so counts here are this test's own.
    private const int HouseholdNumber = 7;

    private static DemoAccount Chair => DemoVillage.Accounts.First(a => a.Role == Role.CommitteeChair && a.Description.Contains("水心村", StringComparison.Ordinal));

    [Fact]
    public async Task The_committee_chair_records_a_deduction_on_a_phone_then_reverses_it_and_both_lines_say_why()
    {
        var household = await app.Database.ShuixinHouseholdAsync(HouseholdNumber);
        var before = await app.Database.BalanceAsync(household);
        await using var context = await app.SignedInContextAsync(Chair);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/households/{HouseholdNumber}");

        await page.Locator("#record-kind").SelectOptionAsync(nameof(EntryKind.Deduction));
        await page.Locator("#record-amount").FillAsync("-5");
        await page.Locator("#record-reason").FillAsync("乱倒垃圾（村口）");
        await page.GetByRole(AriaRole.Button, new() { Name = "记录", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"\?done=\d+"));
        var recorded = long.Parse(Regex.Match(page.Url, @"done=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var line = page.Locator($"#entry-{recorded}");
        await Expect(line).ToContainTextAsync("乱倒垃圾（村口）");
        await Expect(line).ToContainTextAsync("−5");
        Assert.Equal(before - 5, await app.Database.BalanceAsync(household));

        await page.Locator("#reverse-number").FillAsync(recorded.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#reverse-reason").FillAsync("异议成立：垃圾不是这户倒的");
        await page.GetByRole(AriaRole.Button, new() { Name = "冲正", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"\?done=\d+"));
        await Expect(page.Locator("main")).ToContainTextAsync("异议成立：垃圾不是这户倒的");
        Assert.Equal(before, await app.Database.BalanceAsync(household));
    }

    [Fact]
    public async Task A_change_without_a_reason_is_refused_with_a_message_in_Chinese_and_nothing_is_written()
    {
        var household = await app.Database.ShuixinHouseholdAsync(HouseholdNumber + 1);
        var count = await EntryCountAsync(household.Id);
        await using var context = await app.SignedInContextAsync(Chair);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/households/{HouseholdNumber + 1}");

        await page.Locator("#record-amount").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "记录", Exact = true }).ClickAsync();

        await Expect(page.Locator("#record-reason-error")).ToHaveTextAsync("每条积分都要写明原因。");
        Assert.Equal(count, await EntryCountAsync(household.Id));
    }

    [Fact]
    public async Task A_villager_sees_no_committee_actions_on_their_own_household()
    {
        await using var context = await app.SignedInContextAsync(BrowserApp.Villager);
        var page = await context.NewPageAsync();
        var household = await app.Database.HouseholdOfAsync(BrowserApp.Villager);
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/households/{household.Number}");

        await Expect(page.Locator("main h1")).ToBeVisibleAsync();
        await Expect(page.Locator("#record-amount")).ToHaveCountAsync(0);
        await Expect(page.Locator("#reverse-number")).ToHaveCountAsync(0);
    }

    private async Task<int> EntryCountAsync(Guid householdId)
    {
        await using var db = app.Database.NewContext();
        return await db.LedgerEntries.CountAsync(e => e.HouseholdId == householdId);
    }
}
