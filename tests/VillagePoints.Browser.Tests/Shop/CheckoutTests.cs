using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Shop;

[Collection(BrowserCollection.Name)]
public sealed class CheckoutTests(BrowserApp app)
{
    private static readonly string VillagePath = $"/villages/{DemoVillage.VillageCode}";

    [Fact]
    public async Task The_clerk_types_a_household_number_checks_out_two_items_prints_the_slip_and_the_villager_sees_the_new_balance()
    {
        var (villager, household) = await ShuixinVillagerAsync(last: true);
        var (soap, towel) = await ArrangeItemsAsync();
        await using var context = await app.SignedInContextAsync(DemoVillage.Accounts.First(a => a.Role == Role.ShopClerk));
        var page = await context.NewPageAsync();

        // The clerk lands on the counter and types the number from the door card.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex($"{VillagePath}/shop/checkout$"));
        await page.AssertNoSeriousViolationsAsync();
        await page.GetByLabel("户号、户主姓名，或扫门牌二维码").FillAsync(household.Number.ToString("D4", CultureInfo.InvariantCulture));
        await page.GetByLabel("户号、户主姓名，或扫门牌二维码").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex($"{VillagePath}/shop/checkout\\?household={household.Number}$"));
        await Expect(page.Locator("#wallet-heading")).ToContainTextAsync(household.HeadName);

        // Two of one item typed, one of the other by its + button; the page recounts on the server.
        await page.Locator($"input[name='qty[{soap.Code}]']").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = $"增加一份：{towel.NameZh}" }).ClickAsync();
        await Expect(page.Locator($"input[name='qty[{towel.Code}]']")).ToHaveValueAsync("1");
        await Expect(page.Locator("#cart-total")).ToHaveTextAsync("4");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"The counter scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：核对" }).ClickAsync();
        await Expect(page.Locator("#summary-total")).ToHaveTextAsync("4");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认兑换" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"{VillagePath}/shop/checkouts/\\d+\\?done=1$"));
        await Expect(page.Locator("#points-spent")).ToHaveTextAsync("4");
        var balanceAfter = await page.Locator("#balance-after").InnerTextAsync();
        var expected = await BalanceAsync(household);
        Assert.Equal(expected.ToString("N0", CultureInfo.GetCultureInfo("zh-CN")), balanceAfter);
        await page.AssertNoSeriousViolationsAsync();

        // The 58 mm slip: the receipt in a narrow column, with the roll's own page size for printing.
        await page.GetByRole(AriaRole.Link, new() { Name = "打印小票（58 毫米）" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/print\\?paper=58mm$"));
        await Expect(page.Locator(".receipt-58 .receipt")).ToContainTextAsync(household.HeadName);
        await Expect(page.Locator(".receipt-58 .receipt")).ToContainTextAsync(soap.NameZh);
        await Expect(page.Locator("link[href*='receipt-58mm.css']")).ToHaveCountAsync(1);
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        var width = await page.Locator(".receipt-58 .receipt").EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        Assert.True(width <= 200, $"The 58 mm receipt is {width}px wide in print.");
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.AssertNoSeriousViolationsAsync();

        // The household sees the new balance on its own page.
        await using var home = await app.SignedInContextAsync(villager);
        var my = await home.NewPageAsync();
        await my.GotoAsync("/my");
        await Expect(my.Locator("main")).ToContainTextAsync(balanceAfter);
    }

    /// <summary>A Shuixin villager's login and its household; the journeys of other tests use the first one.</summary>
    private async Task<(DemoAccount Account, Household Household)> ShuixinVillagerAsync(bool last)
    {
        var village = await app.Database.ShuixinAsync();
        var found = new List<(DemoAccount, Household)>();
        foreach (var account in DemoVillage.Accounts.Where(a => a.Role == Role.Villager))
        {
            var household = await app.Database.HouseholdOfAsync(account);
            if (household.VillageId == village.Id)
                found.Add((account, household));
        }
        return last ? found[^1] : found[0];
    }

    /// <summary>Two cheap items of the test's own, so the journey does not depend on the demo's catalogue or its stock.</summary>
    private async Task<(ShopItem Soap, ShopItem Towel)> ArrangeItemsAsync()
    {
        var village = await app.Database.ShuixinAsync();
        await using var db = app.Database.NewContext();
        var clerkPhone = DemoVillage.Accounts.First(a => a.Role == Role.ShopClerk).Phone;
        var clerk = await db.UserAccounts.Where(u => u.Phone == clerkPhone).Select(u => u.Id).SingleAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var soap = await ShopBuilder.AddItemAsync(db, village.Id, clerk, $"bt-soap-{tag}", 1, 50);
        var towel = await ShopBuilder.AddItemAsync(db, village.Id, clerk, $"bt-towel-{tag}", 2, 50, ItemCategory.DailyGoods);
        return (soap, towel);
    }

    private async Task<long> BalanceAsync(Household household) => await app.Database.BalanceAsync(household);
}
