using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SkiaSharp;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Claims;

[Collection(BrowserCollection.Name)]
public sealed class ClaimPagesTests(BrowserApp app)
{
    private static FilePayload Photo()
    {
        using var bitmap = new SKBitmap(1200, 900);
        using (var canvas = new SKCanvas(bitmap))
            canvas.Clear(SKColors.SeaGreen);
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 85);
        return new FilePayload { Name = "photo.jpg", MimeType = "image/jpeg", Buffer = data.ToArray() };
    }

    [Fact]
    public async Task A_villager_declares_a_deed_with_a_photo_and_sees_the_claim_in_my_claims()
    {
        await using var context = await app.SignedInContextAsync(BrowserApp.Villager);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/my");
        await page.AssertNoSeriousViolationsAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "记一笔", Exact = true }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/claims/new$"));
        await page.AssertNoSeriousViolationsAsync();
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("抢险救灾") }).ClickAsync();
        await page.GetByLabel("拍照", new() { Exact = false }).SetInputFilesAsync(Photo());
        await page.GetByLabel("说明（可不填）").FillAsync("台风后帮忙清理村道");
        await page.AssertNoSeriousViolationsAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申报" }).ClickAsync();

        var result = page.Locator("#result");
        await Expect(result).ToContainTextAsync("申报第");
        await Expect(result).ToContainTextAsync("待审核");
        await Expect(result).ToContainTextAsync("20 分");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth, $"The result scrolls sideways: {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();

        await result.GetByRole(AriaRole.Link, new() { Name = "我的申报" }).ClickAsync();
        await Expect(page.Locator(".claim").First).ToContainTextAsync("抢险救灾");
        await Expect(page.Locator(".claim").First).ToContainTextAsync("照片 1 张");
        await page.AssertNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task A_grid_worker_records_a_patrol_in_three_taps_once_the_household_is_open()
    {
        var worker = DemoVillage.Accounts.First(a => a.Role == Role.GridWorker);
        await using var context = await app.SignedInContextAsync(worker);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/patrol$"));
        await page.AssertNoSeriousViolationsAsync();
        await page.GetByLabel("户号或户主姓名").FillAsync("0003");
        await page.GetByRole(AriaRole.Button, new() { Name = "查找" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/patrol/3$"));
        await page.AssertNoSeriousViolationsAsync();

        // The three taps: the rule, the photo, send.
        await page.Locator("label.rule-button", new() { HasText = "乱倒垃圾" }).ClickAsync();
        await page.Locator("#claim-photos").SetInputFilesAsync(Photo());
        await page.GetByRole(AriaRole.Button, new() { Name = "③ 提交" }).ClickAsync();

        var result = page.Locator("#result");
        await Expect(result).ToContainTextAsync("申报第");
        await Expect(result).ToContainTextAsync("−5");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth, $"The patrol page scrolls sideways: {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task The_chair_opens_the_door_cards_and_each_card_carries_its_QR_code()
    {
        var chair = DemoVillage.Accounts.First(a => a.Role == Role.CommitteeChair);
        await using var context = await app.SignedInContextAsync(chair);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/households/door-cards?group=1");

        var cards = page.Locator(".door-card");
        Assert.True(await cards.CountAsync() > 0);
        await Expect(cards.First.Locator("svg[role=img]")).ToBeVisibleAsync();
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth, $"The door cards scroll sideways: {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();
    }
}
