using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Places;

/// <summary>The household register on a phone: every household page by page, by group, results first, and only what each role may see.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RegisterTests(BrowserApp app)
{
    private static readonly string VillagePath = $"/villages/{DemoVillage.VillageCode}";
    private static readonly Regex AnyPhone = new(@"1\d\d(\*{4}|\d{4})\d{4}");

    private static DemoAccount Account(Role role) => DemoVillage.Accounts.First(a => a.Role == role);

    [Fact]
    public async Task An_administrator_pages_through_the_whole_register_and_narrows_it_to_one_villager_group()
    {
        var (total, groupName, groupCount) = await RegisterFactsAsync();
        await using var context = await app.SignedInContextAsync(BrowserApp.Administrator);
        var page = await context.NewPageAsync();
        await page.GotoAsync(VillagePath);

        await Expect(page.Locator("#results-heading")).ToContainTextAsync($"共 {total} 户");
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "分页" });
        await pager.GetByRole(AriaRole.Link, new() { Name = "下一页" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"[?&]page=2$"));
        await Expect(page.Locator($"main a[href$='{VillagePath}/households/51']")).ToBeVisibleAsync();
        await Expect(page.Locator($"main a[href$='{VillagePath}/households/50']")).ToHaveCountAsync(0);
        await Expect(pager.Locator("a[aria-current='page']")).ToHaveTextAsync("2");

        await page.Locator("select[name='group']").SelectOptionAsync(new SelectOptionValue { Label = groupName });
        await page.GetByRole(AriaRole.Button, new() { Name = "查找" }).ClickAsync();

        await Expect(page.Locator("#results-heading")).ToContainTextAsync($"{groupName}：共 {groupCount} 户");
        var groups = await page.Locator("main .household-meta > span:first-child").AllTextContentsAsync();
        Assert.NotEmpty(groups);
        Assert.All(groups, g => Assert.Equal(groupName, g.Trim()));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "register-group.png"), FullPage = false });
        await page.AssertNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task A_search_shows_its_true_count_and_its_first_results_within_the_first_screen()
    {
        var matches = await HeadOrMemberNamedCountAsync("吴");
        await using var context = await app.SignedInContextAsync(BrowserApp.Administrator);
        var page = await context.NewPageAsync();
        await page.GotoAsync(VillagePath);

        await page.Locator("input[name='q']").FillAsync("吴");
        await page.Locator("input[name='q']").PressAsync("Enter");

        await Expect(page.Locator("#results-heading")).ToContainTextAsync($"共 {matches} 户");
        var first = page.Locator("main ul.households li").First;
        await Expect(first).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "register-search.png") });
        var box = await first.BoundingBoxAsync();
        Assert.True(box is not null && box.Y + box.Height <= BrowserApp.PhoneHeight,
            $"The first result ends at {box?.Y + box?.Height}px, below the {BrowserApp.PhoneHeight}px screen.");
    }

    [Fact]
    public async Task The_shop_clerk_sees_names_numbers_and_balances_but_no_phones_and_cannot_open_an_archive()
    {
        await using var context = await app.SignedInContextAsync(Account(Role.ShopClerk));
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");

        // The clerk lands on the point of sale; the village's register shows what its lookup shows, and no more.
        await Expect(page).ToHaveURLAsync(new Regex($"{VillagePath}/shop/checkout$"));
        await page.GotoAsync(VillagePath);
        var main = page.Locator("main");
        await Expect(main.Locator("ul.households li").First).ToBeVisibleAsync();
        Assert.DoesNotMatch(AnyPhone, await main.InnerTextAsync());
        await Expect(main.Locator("a[href*='/households/']")).ToHaveCountAsync(0);
        await page.AssertNoSeriousViolationsAsync();

        var archive = await page.GotoAsync($"{VillagePath}/households/1");
        Assert.Equal(404, archive?.Status);
        Assert.DoesNotMatch(AnyPhone, await page.Locator("main").InnerTextAsync());
    }

    [Fact]
    public async Task The_header_shows_who_is_signed_in_and_as_what_and_a_committee_member_lands_on_the_review_queue()
    {
        var member = Account(Role.CommitteeMember);
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.SignInAsync(member.Phone, DemoVillage.DemoPassword);

        await Expect(page).ToHaveURLAsync(new Regex($"{VillagePath}/review$"));
        await page.GotoAsync(VillagePath);
        var header = page.Locator("header");
        await Expect(header.Locator(".who-name")).ToHaveTextAsync(member.DisplayName);
        await Expect(header.Locator(".who-role")).ToHaveTextAsync("评分委员会委员");
        await Expect(header.GetByRole(AriaRole.Button, new() { Name = "退出" })).ToBeVisibleAsync();
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth, $"The header makes the page scroll sideways: {await page.ScrollWidthAsync()}px.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "header.png") });
    }

    [Fact]
    public async Task In_elder_mode_the_members_table_fits_the_phone_with_every_column_readable()
    {
        var household = await app.Database.ShuixinHouseholdAsync(1);
        await using var context = await app.SignedInContextAsync(Account(Role.CommitteeMember), elder: true);
        var page = await context.NewPageAsync();

        await page.GotoAsync($"{VillagePath}/households/1");

        var wrap = page.Locator(".members-wrap");
        await Expect(wrap).ToBeVisibleAsync();
        var widths = await wrap.EvaluateAsync<int[]>("e => [e.scrollWidth, e.clientWidth]");
        var (scroll, client) = (widths[0], widths[1]);
        Assert.True(scroll <= client, $"The members table scrolls sideways in elder mode: scrollWidth {scroll} > clientWidth {client}.");
        var phoneCell = page.Locator("table.members td[data-label]").Last;
        await phoneCell.ScrollIntoViewIfNeededAsync();
        var box = await phoneCell.BoundingBoxAsync();
        Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= BrowserApp.PhoneWidth, $"The last member's phone cell is cut off: {box?.X}..{box?.X + box?.Width}.");
        foreach (var member in household.Members.Where(m => m.Phone is not null))
            await Expect(page.Locator("table.members")).ToContainTextAsync(member.Phone!);
        await page.Locator("section:has(#members-heading)").ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "elder-members.png") });
    }

    private async Task<(int Total, string GroupName, int GroupCount)> RegisterFactsAsync()
    {
        var village = await app.Database.ShuixinAsync();
        await using var db = app.Database.NewContext();
        var total = await db.Households.CountAsync(h => h.VillageId == village.Id);
        var group = await db.VillagerGroups.Where(g => g.VillageId == village.Id).OrderBy(g => g.Number).Skip(1).FirstAsync();
        var count = await db.Households.CountAsync(h => h.VillageId == village.Id && h.GroupId == group.Id);
        return (total, group.Name, count);
    }

    private async Task<int> HeadOrMemberNamedCountAsync(string text)
    {
        var village = await app.Database.ShuixinAsync();
        await using var db = app.Database.NewContext();
        return await db.Households.CountAsync(h => h.VillageId == village.Id
            && (h.HeadName.Contains(text) || db.People.Any(p => p.VillageId == village.Id && p.HouseholdId == h.Id && p.Name.Contains(text))));
    }
}
