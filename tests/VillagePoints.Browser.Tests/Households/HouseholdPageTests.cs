using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Households;

[Collection(BrowserCollection.Name)]
public sealed class HouseholdPageTests(BrowserApp app)
{
    private const string ScriptName = "<script>alert(1)</script>";
    private const string ImageName = "<img src=x onerror=alert(2)>";

    [Fact]
    public async Task Names_that_look_like_markup_are_shown_as_text_and_never_run()
    {
        var household = await RegisterAsync(ScriptName, ImageName);
        await using var context = await app.SignedInContextAsync(BrowserApp.Administrator);
        var page = await context.NewPageAsync();
        var dialogs = new DialogWatch(page);

        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/households/{household.Number}");

        var main = page.Locator("main");
        await Expect(main.GetByText(ScriptName).First).ToBeVisibleAsync();
        await Expect(main.GetByText(ImageName).First).ToBeVisibleAsync();
        await Expect(main.Locator("script, img[src='x']")).ToHaveCountAsync(0);
        Assert.Empty(dialogs.Messages);
    }

    [Fact]
    public async Task A_search_for_markup_is_echoed_as_text_and_finds_the_household()
    {
        var household = await RegisterAsync(ScriptName, "王小明");
        await using var context = await app.SignedInContextAsync(BrowserApp.Administrator);
        var page = await context.NewPageAsync();
        var dialogs = new DialogWatch(page);
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}");

        var search = page.Locator("input[name='q']");
        await search.FillAsync(ScriptName);
        await search.PressAsync("Enter");

        await Expect(page.Locator($"main a[href$='/households/{household.Number}']").First).ToBeVisibleAsync();
        await Expect(page.Locator("main").GetByText(ScriptName).First).ToBeVisibleAsync();
        await Expect(page.Locator("main script")).ToHaveCountAsync(0);
        Assert.Empty(dialogs.Messages);
    }

    private async Task<Household> RegisterAsync(string headName, string memberName)
    {
        var village = await app.Database.ShuixinAsync();
        await using var db = app.Database.NewContext();
        var registry = new HouseholdRegistry(db, new LedgerPosting(db, TimeProvider.System), TimeProvider.System);
        return await registry.RegisterAsync(
            new RegisterHousehold(village.Id, 1, headName, "测试地址", null, [new NewMember(memberName, "子女")], null),
            idempotencyKey: null);
    }
}
