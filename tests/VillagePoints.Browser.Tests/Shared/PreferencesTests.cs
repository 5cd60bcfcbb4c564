using System.Text.RegularExpressions;
using VillagePoints.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Shared;

[Collection(BrowserCollection.Name)]
public sealed class PreferencesTests(BrowserApp app)
{
    [Fact]
    public async Task The_language_switch_turns_the_interface_into_English()
    {
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        var submit = page.LoginForm().Locator("button[type='submit']");
        var chineseLabel = await submit.InnerTextAsync();

        await page.Locator("button[name='language']").ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en-US");
        Assert.Equal("/login", page.PathOf());
        await Expect(submit).Not.ToHaveTextAsync(chineseLabel);
        await Expect(page.Locator("h1")).Not.ToHaveTextAsync(new Regex(@"[\u4e00-\u9fff]"));
    }

    [Fact]
    public async Task Elder_mode_enlarges_the_text_to_at_least_18_pixels_without_sideways_scrolling()
    {
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await Expect(page.Locator("body")).Not.ToHaveClassAsync(new Regex(@"\belder\b"));
        var elder = page.Locator("button[name='elder']");
        await Expect(elder).ToHaveAttributeAsync("aria-pressed", "false");

        await elder.ClickAsync();

        await Expect(page.Locator("body")).ToHaveClassAsync(new Regex(@"\belder\b"));
        await Expect(elder).ToHaveAttributeAsync("aria-pressed", "true");
        var fontSize = await page.BodyFontSizeAsync();
        Assert.True(fontSize >= 18, $"Elder mode body font-size is {fontSize}px, below 18px.");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"Elder mode scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
    }
}
