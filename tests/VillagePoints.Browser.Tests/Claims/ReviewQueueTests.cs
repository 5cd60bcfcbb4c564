using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SkiaSharp;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Rules;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Claims;

/// <summary>
/// A reviewer works through the queue: with the keyboard on a desktop, by tapping on a phone. The claims are the grid worker's
/// patrol records "乱倒垃圾" (−5, evidence required) with one photo each, made here so each test knows its own.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReviewQueueTests(BrowserApp app)
{
    private static readonly string ShotFolder = Path.Combine(Path.GetTempPath(), "shots-review");

    /// <summary>Whoever decides a freshly submitted claim in the demo village: the review group in two steps, else the committee.</summary>
    private async Task<DemoAccount> FirstReviewerAsync()
    {
        var village = await app.Database.ShuixinAsync();
        var role = village.Settings.TwoStepReview ? Role.ReviewGroup : Role.CommitteeMember;
        return DemoVillage.Accounts.First(a => a.Role == role);
    }

    private async Task<long> PatrolClaimAsync(int householdNo, string note)
    {
        await using var db = app.Database.NewContext();
        var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == DemoVillage.VillageCode);
        var gridWorkerPhone = DemoVillage.Accounts.First(a => a.Role == Role.GridWorker).Phone;
        var gridWorker = await db.UserAccounts.AsNoTracking().Where(u => u.Phone == gridWorkerPhone).Select(u => u.Id).SingleAsync();
        var household = await db.Households.AsNoTracking().Where(h => h.VillageId == village.Id && h.Number == householdNo).Select(h => h.Id).SingleAsync();
        var desk = new ClaimDesk(db, new LedgerPosting(db, TimeProvider.System), new RuleBook(db, TimeProvider.System), TimeProvider.System);
        var claim = await desk.SubmitAsync(new SubmitClaim(village.Id, ClaimChannel.Patrol, household, "env-litter",
            BusinessCalendar.Today(TimeProvider.System).AddDays(-1), gridWorker, Note: note));
        using var bitmap = new SKBitmap(800, 600);
        using (var canvas = new SKCanvas(bitmap))
            canvas.Clear(SKColors.SaddleBrown);
        using var jpeg = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 85);
        await new EvidenceIntake(db, new LocalFolderEvidenceStore(LocalFolderEvidenceStore.DefaultFolder), TimeProvider.System)
            .AcceptAsync(new EvidenceUpload(village.Id, ClaimDesk.EvidenceOwnerKind, claim.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), gridWorker),
                new MemoryStream(jpeg.ToArray()));
        return claim.Number;
    }

    /// <summary>The demo villager login of household 1, whose claims the household reads.</summary>
    private string HouseholdOnePhone()
    {
        using var db = app.Database.NewContext();
        return db.UserAccounts.AsNoTracking().Where(u => db.RoleAssignments.Any(r => r.UserId == u.Id && r.Role == Role.Villager
                && db.Households.Any(h => h.Id == r.HouseholdId && h.Number == 1 && db.Villages.Any(v => v.Id == h.VillageId && v.Code == DemoVillage.VillageCode))))
            .Select(u => u.Phone).First();
    }

    private async Task RejectAsync(long number, DemoAccount reviewer, string reason)
    {
        await using var db = app.Database.NewContext();
        var village = await db.Villages.AsNoTracking().SingleAsync(v => v.Code == DemoVillage.VillageCode);
        var actor = await db.UserAccounts.AsNoTracking().Where(u => u.Phone == reviewer.Phone).Select(u => u.Id).SingleAsync();
        var desk = new ClaimDesk(db, new LedgerPosting(db, TimeProvider.System), new RuleBook(db, TimeProvider.System), TimeProvider.System);
        await desk.DecideAsync(new DecideClaim(village.Id, number, actor, ClaimDecision.Reject, reason));
    }

    private async Task<ClaimState> StateAsync(long number)
    {
        await using var db = app.Database.NewContext();
        return await db.Claims.AsNoTracking().Where(c => c.Number == number && db.Villages.Any(v => v.Id == c.VillageId && v.Code == DemoVillage.VillageCode))
            .Select(c => c.State).SingleAsync();
    }

    [Fact]
    public async Task On_a_desktop_the_reviewer_moves_with_j_and_approves_with_a_and_typing_a_reason_fires_no_shortcut()
    {
        var first = await PatrolClaimAsync(3, "键盘审核一：路口垃圾");
        var second = await PatrolClaimAsync(4, "键盘审核二：河边垃圾");
        await using var context = await app.SignedInContextAsync(await FirstReviewerAsync());
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/review");
        await Expect(page.Locator("#shortcuts")).ToBeVisibleAsync();

        await page.Locator($"#reason-{first}").FillAsync("aaa jjj");
        await Expect(page).ToHaveURLAsync(new Regex("/review$"));
        await page.Locator($"#reason-{first}").FillAsync("");
        await page.Locator($"#claim-{first}").FocusAsync();
        await page.Keyboard.PressAsync("j");
        await Expect(page.Locator($"#claim-{second}")).ToBeFocusedAsync();
        await page.AssertNoSeriousViolationsAsync();
        await page.Keyboard.PressAsync("a");

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"第 {second} 号申报");
        Assert.NotEqual(ClaimState.Submitted, await StateAsync(second));
        Assert.Equal(ClaimState.Submitted, await StateAsync(first));
        await Expect(page.Locator($"#claim-{second}")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task On_a_phone_the_reviewer_views_the_photo_and_approves_by_tapping()
    {
        var number = await PatrolClaimAsync(5, "手机审核：村口垃圾");
        await using var context = await app.SignedInContextAsync(await FirstReviewerAsync());
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/review");
        var claim = page.Locator($"#claim-{number}");
        await Expect(page.Locator("#shortcuts")).ToBeHiddenAsync();
        Directory.CreateDirectory(ShotFolder);
        await claim.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ShotFolder, "queue-360.png") });

        await claim.Locator("a.thumb").First.ClickAsync();
        var viewer = page.GetByRole(AriaRole.Dialog);
        await Expect(viewer).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ShotFolder, "viewer-360.png") });
        await page.AssertNoSeriousViolationsAsync();
        await viewer.GetByRole(AriaRole.Button, new() { Name = "关闭" }).ClickAsync();
        await Expect(viewer).ToBeHiddenAsync();

        await claim.GetByRole(AriaRole.Button, new() { Name = "通过", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"第 {number} 号申报");
        Assert.NotEqual(ClaimState.Submitted, await StateAsync(number));
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"The review queue scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ShotFolder, "after-approve-360.png"), FullPage = false });
    }

    [Fact]
    public async Task The_household_reads_its_claim_and_the_review_group_sees_the_inspection_grid_on_a_phone()
    {
        var number = await PatrolClaimAsync(1, "手机查看：门口垃圾");
        Directory.CreateDirectory(ShotFolder);
        var reviewer = DemoVillage.Accounts.First(a => a.Role == Role.ReviewGroup);
        await using (var context = await app.SignedInContextAsync(reviewer))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/inspections/new");
            await Expect(page.Locator(".inspection-grid")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(ShotFolder, "inspection-360.png") });
            Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
                $"The inspection page scrolls sideways at {BrowserApp.PhoneWidth}px (only its grid may): scrollWidth is {await page.ScrollWidthAsync()}");
            await page.AssertNoSeriousViolationsAsync();

            await page.GotoAsync($"/villages/{DemoVillage.VillageCode}/claims/{number}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"第 {number} 号申报" })).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(ShotFolder, "claim-360.png"), FullPage = true });
            await page.AssertNoSeriousViolationsAsync();
        }
        await RejectAsync(number, reviewer, "照片里看不出是哪一户");
        var household = DemoVillage.Accounts.First(a => a.Role == Role.Villager && a.Phone == HouseholdOnePhone());
        await using (var context = await app.SignedInContextAsync(household, elder: true))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/notifications");
            await Expect(page.Locator(".bell-count")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(ShotFolder, "notifications-elder-360.png") });
            await page.AssertNoSeriousViolationsAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = $"第 {number} 号申报未通过" }).ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex($"/claims/{number}$"));
            await Expect(page.Locator(".timeline")).ToContainTextAsync("照片里看不出是哪一户");
            await Expect(page.Locator("a.thumb img")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(ShotFolder, "claim-household-elder-360.png"), FullPage = true });
            await page.AssertNoSeriousViolationsAsync();
        }
    }
}
