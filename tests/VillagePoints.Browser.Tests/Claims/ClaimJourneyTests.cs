using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SkiaSharp;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Claims;

/// <summary>
/// The whole of flow 1 on phones, each person in their own browser: a villager declares a deed with a photo, the review
/// group and then the committee approve it from their queues, and the villager finds the points with the explanation.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClaimJourneyTests(BrowserApp app)
{
    private static FilePayload Photo()
    {
        using var bitmap = new SKBitmap(1600, 1200);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.LightSkyBlue);
            using var paint = new SKPaint { Color = SKColors.DarkOliveGreen };
            canvas.DrawRect(0, 800, 1600, 400, paint);
        }
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 85);
        return new FilePayload { Name = "relief.jpg", MimeType = "image/jpeg", Buffer = data.ToArray() };
    }

    /// <summary>A demo account of the role whose own household is not the villager's, so it may review the villager's claim.</summary>
    private async Task<DemoAccount> ReviewerAsync(Role role, string villagerPhone)
    {
        await using var db = app.Database.NewContext();
        var villagerHouseholds = await db.RoleAssignments.AsNoTracking()
            .Where(r => r.HouseholdId != null && db.UserAccounts.Any(u => u.Id == r.UserId && u.Phone == villagerPhone))
            .Select(r => r.HouseholdId).ToListAsync();
        foreach (var account in DemoVillage.Accounts.Where(a => a.Role == role))
        {
            var own = await db.RoleAssignments.AsNoTracking()
                .Where(r => r.HouseholdId != null && db.UserAccounts.Any(u => u.Id == r.UserId && u.Phone == account.Phone))
                .Select(r => r.HouseholdId).ToListAsync();
            if (!own.Intersect(villagerHouseholds).Any())
                return account;
        }
        throw new InvalidOperationException($"The demo village has no {role} outside the villager's household.");
    }

    private async Task ApproveFromQueueAsync(DemoAccount reviewer, long number)
    {
        await using var context = await app.SignedInContextAsync(reviewer);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/review$"));
        var claim = page.Locator($"#claim-{number}");
        await Expect(claim).ToContainTextAsync("抢险救灾");
        await Expect(claim.Locator("a.thumb")).ToHaveCountAsync(1);
        await page.AssertNoSeriousViolationsAsync();

        await claim.GetByRole(AriaRole.Button, new() { Name = "通过", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"第 {number} 号申报");
        await Expect(page.Locator($"#claim-{number}")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_declared_deed_with_a_photo_passes_both_reviews_and_the_villager_sees_its_points_and_why()
    {
        var villager = BrowserApp.Villager;
        long number;
        await using (var context = await app.SignedInContextAsync(villager))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/my");
            await page.GetByRole(AriaRole.Link, new() { Name = "记一笔", Exact = true }).First.ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("抢险救灾") }).ClickAsync();
            await page.GetByLabel("拍照", new() { Exact = false }).SetInputFilesAsync(Photo());
            await page.GetByLabel("说明（可不填）").FillAsync("暴雨后帮邻居排水");
            await page.GetByRole(AriaRole.Button, new() { Name = "提交申报" }).ClickAsync();

            var heading = await page.Locator("#result h2").InnerTextAsync();
            number = long.Parse(Regex.Match(heading, @"申报第\s*(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        }

        var village = await app.Database.ShuixinAsync();
        if (village.Settings.TwoStepReview)
            await ApproveFromQueueAsync(await ReviewerAsync(Role.ReviewGroup, villager.Phone), number);
        await ApproveFromQueueAsync(await ReviewerAsync(Role.CommitteeMember, villager.Phone), number);

        await using (var context = await app.SignedInContextAsync(villager))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/claims/{number}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"第 {number} 号申报" })).ToBeVisibleAsync();
            await Expect(page.Locator("main")).ToContainTextAsync("已通过");
            await Expect(page.Locator("main")).ToContainTextAsync("+20");
            await Expect(page.Locator(".review-explanation")).ToContainTextAsync("20 分");
            Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
                $"The claim page scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
            await page.AssertNoSeriousViolationsAsync();

            // A villager goes back the way they came, to their own claims, not to a register they cannot open.
            await page.Locator("nav.crumbs").GetByRole(AriaRole.Link, new() { Name = "我的申报" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"/villages/{DemoVillage.VillageCode}/claims$"));
            await Expect(page.Locator($"main a[href$='/claims/{number}']").First).ToBeVisibleAsync();

            // The bell brings the news, and the household's own ledger carries the entry.
            await page.GotoAsync("/notifications");
            await Expect(page.Locator("main")).ToContainTextAsync($"第 {number} 号申报");
            await page.GotoAsync("/my");
            await Expect(page.Locator("main")).ToContainTextAsync("抢险救灾");
            await page.AssertNoSeriousViolationsAsync();
        }
    }
}
