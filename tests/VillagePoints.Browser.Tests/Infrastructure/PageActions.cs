using Microsoft.Playwright;

namespace VillagePoints.Browser.Tests.Infrastructure;

/// <summary>Steps shared by several journeys, located by field names and roles rather than styling.</summary>
public static class PageActions
{
    public static ILocator LoginForm(this IPage page) => page.Locator("form:has(input[name='Password'])");

    public static async Task SignInAsync(this IPage page, string phone, string password)
    {
        await page.GotoAsync("/login");
        var form = page.LoginForm();
        await form.Locator("input[name='Phone']").FillAsync(phone);
        await form.Locator("input[name='Password']").FillAsync(password);
        await form.Locator("button[type='submit']").ClickAsync();
    }

    public static Task<int> ScrollWidthAsync(this IPage page) =>
        page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");

    public static Task<double> BodyFontSizeAsync(this IPage page) =>
        page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.body).fontSize)");

    public static string PathOf(this IPage page) => new Uri(page.Url).AbsolutePath;
}
