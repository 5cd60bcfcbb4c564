using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Shop;

[Collection(BrowserCollection.Name)]
public sealed class StockPagesTests(BrowserApp app)
{
    [Fact]
    public async Task The_clerk_on_a_phone_receives_a_delivery_then_counts_the_shelf_in_a_stocktake()
    {
        var clerk = DemoVillage.Accounts.First(a => a.Role == Role.ShopClerk);
        // An item of its own, so no other test's checkouts or counts move it.
        var code = "bt-" + Guid.NewGuid().ToString("N")[..8];
        ShopItem item;
        await using (var db = app.Database.NewContext())
        {
            var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == DemoVillage.VillageCode);
            var clerkId = await db.UserAccounts.Where(u => u.Phone == clerk.Phone).Select(u => u.Id).SingleAsync();
            item = await ShopBuilder.AddItemAsync(db, village.Id, clerkId, code, 40, 4);
        }
        await using var context = await app.SignedInContextAsync(clerk);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/shop/stock");

        await page.Locator("#purchase-item").SelectOptionAsync(code);
        await page.Locator("#purchase-quantity").FillAsync("10");
        await page.Locator("#purchase-counterparty").FillAsync("镇粮油店");
        await page.Locator("#purchase-cost").FillAsync("450");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记采购入库" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"已登记采购入库：10 袋 {item.NameZh}，现库存 14");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"The stock page scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "盘点", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/shop/stocktake$"));
        var count = page.GetByLabel(item.NameZh, new() { Exact = true });
        await Expect(page.Locator("li.shop-count", new() { Has = count })).ToContainTextAsync("账面 14 袋");
        await count.FillAsync("13");
        await page.GetByLabel("盘点原因").FillAsync("月末盘点");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交盘点" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("清点 1 种商品，调整 1 种");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"The stocktake scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();

        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/shop/stock/{code}");
        var newest = page.Locator(".shop-movements li").First;
        await Expect(newest).ToContainTextAsync("盘点调整");
        await Expect(newest).ToContainTextAsync("月末盘点");
        await Expect(newest).ToContainTextAsync("结存 13");
        await page.AssertNoSeriousViolationsAsync();
        await using var check = app.Database.NewContext();
        Assert.Equal(13, await check.ShopItems.Where(i => i.VillageId == item.VillageId && i.Id == item.Id).Select(i => i.Stock).SingleAsync());
    }

    [Fact]
    public async Task The_catalogue_and_an_items_form_stay_readable_in_elder_mode_on_a_phone()
    {
        var clerk = DemoVillage.Accounts.First(a => a.Role == Role.ShopClerk);
        var code = "bt-" + Guid.NewGuid().ToString("N")[..8];
        await using (var db = app.Database.NewContext())
        {
            var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == DemoVillage.VillageCode);
            var clerkId = await db.UserAccounts.Where(u => u.Phone == clerk.Phone).Select(u => u.Id).SingleAsync();
            await ShopBuilder.AddItemAsync(db, village.Id, clerkId, code, 40, 1);
        }
        await using var context = await app.SignedInContextAsync(clerk, elder: true);
        var page = await context.NewPageAsync();

        foreach (var path in new[] { "shop/items", $"shop/items/{code}", "shop/items/new", "shop/stock", $"shop/stock/{code}", "shop/stocktake" })
        {
            await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/{path}");
            Assert.True(await page.BodyFontSizeAsync() >= 18, $"{path} in elder mode has body text of {await page.BodyFontSizeAsync()}px.");
            Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
                $"{path} in elder mode scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
            await page.AssertNoSeriousViolationsAsync();
        }
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/shop/items");
        await Expect(page.Locator("li.shop-item", new() { HasText = code })).ToContainTextAsync("库存不足");
    }
}
