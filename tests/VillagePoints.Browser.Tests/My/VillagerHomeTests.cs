using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Demo;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.My;

[Collection(BrowserCollection.Name)]
public sealed class VillagerHomeTests(BrowserApp app)
{
    [Fact]
    public async Task A_villager_signs_in_on_a_phone_and_sees_their_balance_and_why_it_changed()
    {
        var villager = BrowserApp.Villager;
        var household = await app.Database.HouseholdOfAsync(villager);
        var balance = await app.Database.BalanceAsync(household);
        var reasons = (await app.Database.RecentEntriesAsync(household, 10)).Select(e => e.Reason).Distinct().ToList();
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.SignInAsync(villager.Phone, DemoVillage.DemoPassword);

        await Expect(page).ToHaveURLAsync(new Regex("/my$"));
        var main = page.Locator("main");
        await Expect(main).ToContainTextAsync(NumberPattern(balance));
        var historyLine = page.GetByRole(AriaRole.Listitem).Or(page.GetByRole(AriaRole.Row))
            .Filter(new LocatorFilterOptions { HasTextRegex = new Regex(string.Join('|', reasons.Select(Regex.Escape))) });
        await Expect(historyLine.First).ToBeVisibleAsync();
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"/my scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
    }

    /// <summary>The number on its own, written plainly or with Chinese thousands separators.</summary>
    private static Regex NumberPattern(long value)
    {
        var plain = value.ToString(CultureInfo.InvariantCulture);
        var grouped = value.ToString("N0", CultureInfo.GetCultureInfo("zh-CN"));
        return new Regex($@"(?<![\d,.]){Regex.Escape(grouped)}(?![\d,])|(?<![\d,.]){Regex.Escape(plain)}(?![\d,])");
    }
}
