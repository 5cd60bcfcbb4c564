using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Rules;

[Collection(BrowserCollection.Name)]
public sealed class RulePagesTests(BrowserApp app)
{
    [Fact]
    public async Task A_villager_on_a_phone_finds_how_points_are_earned_from_their_home_page()
    {
        await using var context = await app.SignedInContextAsync(BrowserApp.Villager);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/my");

        await page.GetByRole(AriaRole.Link, new() { Name = "积分细则" }).First.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/rules$"));
        var corner = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "清理卫生死角" });
        await Expect(corner.First).ToContainTextAsync("+5");
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "婚丧嫁娶大操大办" }).First).ToContainTextAsync("−10");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"The rule list scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "门前三包" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "历次版本" })).ToBeVisibleAsync();
        await Expect(page.Locator(".rule-history li")).ToHaveCountAsync(2);
        await page.AssertNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task The_committee_tries_a_draft_before_publishing_it()
    {
        var chair = DemoVillage.Accounts.First(a => a.Role == Role.CommitteeChair);
        await using var context = await app.SignedInContextAsync(chair);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/rules/volunteer-hours");

        await page.GetByLabel("小时数").FillAsync("2.5");
        await page.GetByLabel("难度").SelectOptionAsync("medium");
        await page.GetByRole(AriaRole.Button, new() { Name = "试算" }).ClickAsync();

        await Expect(page.Locator("#preview-result")).ToContainTextAsync("2.5 小时 × 4 分/小时 × 难度·中 (×1.2)");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"The rule editor scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();
    }
}
