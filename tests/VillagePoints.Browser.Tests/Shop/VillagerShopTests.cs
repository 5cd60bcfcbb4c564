using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Shop;

/// <summary>The villager's side of the shop on a 360×640 phone: browse, reserve, find the reservation, withdraw it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class VillagerShopTests(BrowserApp app)
{
    /// <summary>An item of its own on the demo village's shelf, so the test depends on no one else's stock.</summary>
    private async Task<ShopItem> ShelveAsync(int price, int stock)
    {
        await using var db = app.Database.NewContext();
        var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == DemoVillage.VillageCode);
        var clerk = await db.UserAccounts.AsNoTracking().Where(u => u.Roles.Any(r => r.VillageId == village.Id)).Select(u => u.Id).FirstAsync();
        return await ShopBuilder.AddItemAsync(db, village.Id, clerk, "bt-" + Guid.NewGuid().ToString("N")[..8], price, stock);
    }

    [Fact]
    public async Task A_villager_on_a_phone_browses_the_shop_reserves_an_item_and_finds_it_in_their_reservations()
    {
        var item = await ShelveAsync(price: 1, stock: 5);
        await using var context = await app.SignedInContextAsync(BrowserApp.Villager);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/my");
        await page.GetByRole(AriaRole.Link, new() { Name = "积分超市", Exact = true }).First.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/villages/{DemoVillage.VillageCode}/shop$"));
        await Expect(page.Locator("main")).ToContainTextAsync("营业时间");
        await Expect(page.Locator("main")).ToContainTextAsync("取货时才扣除");
        var card = page.Locator($"#item-{item.Code}");
        await Expect(card).ToContainTextAsync(item.NameZh);
        await Expect(card).ToContainTextAsync("可兑换");
        await card.GetByLabel(new Regex("数量")).FillAsync("2");
        await card.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^预约") }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/my/reservations\?reserved=\d+$"));
        var main = page.Locator("main");
        await Expect(main).ToContainTextAsync("预约成功");
        var reservation = page.Locator("li.reservation-item").Filter(new() { HasText = item.NameZh });
        await Expect(reservation).ToContainTextAsync($"{item.NameZh} × 2");
        await Expect(reservation).ToContainTextAsync("待取货");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"/my/reservations scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
        await using (var db = app.Database.NewContext())
            Assert.Equal(2, await db.ShopItems.Where(i => i.Id == item.Id).Select(i => i.Reserved).SingleAsync());

        // Withdrawn again, so the demo household's open reservations stay as the other tests found them.
        await reservation.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^取消预约") }).ClickAsync();
        await Expect(page.Locator("li.reservation-item").Filter(new() { HasText = item.NameZh })).ToContainTextAsync("已取消");
        await using (var db = app.Database.NewContext())
            Assert.Equal(0, await db.ShopItems.Where(i => i.Id == item.Id).Select(i => i.Reserved).SingleAsync());
    }

    public static TheoryData<string, bool> Pages()
    {
        var data = new TheoryData<string, bool>();
        foreach (var elder in new[] { false, true })
        {
            data.Add($"/villages/{DemoVillage.VillageCode}/shop", elder);
            data.Add("/my/vouchers", elder);
            data.Add("/my/reservations", elder);
            data.Add("/my/receipts", elder);
        }
        return data;
    }

    [Theory, MemberData(nameof(Pages))]
    public async Task The_villagers_shop_pages_fit_a_phone_and_have_no_serious_accessibility_violations(string path, bool elder)
    {
        await ShelveAsync(price: 3, stock: 2);
        await using var context = await app.SignedInContextAsync(BrowserApp.Villager, elder);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(path);

        Assert.True(response?.Ok, $"{path} answered {response?.Status}");
        if (elder)
            await Expect(page.Locator("body")).ToHaveClassAsync(new Regex(@"\belder\b"));
        await page.AssertNoSeriousViolationsAsync();
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"{path} scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
    }
}
