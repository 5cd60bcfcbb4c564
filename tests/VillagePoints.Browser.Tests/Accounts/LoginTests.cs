using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Accounts;

[Collection(BrowserCollection.Name)]
public sealed class LoginTests(BrowserApp app)
{
    private static readonly Regex Chinese = new(@"[\u4e00-\u9fff]");

    [Fact]
    public async Task A_wrong_password_keeps_the_villager_on_the_login_page_with_a_message_in_Chinese()
    {
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.SignInAsync(BrowserApp.Villager.Phone, "not-the-password");

        var error = page.LoginForm().GetByRole(AriaRole.Alert).Filter(new LocatorFilterOptions { HasTextRegex = Chinese });
        await Expect(error).ToBeVisibleAsync();
        Assert.Equal("/login", page.PathOf());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.LoginForm().Locator("input[name='Password']")).ToBeVisibleAsync();
    }
}
