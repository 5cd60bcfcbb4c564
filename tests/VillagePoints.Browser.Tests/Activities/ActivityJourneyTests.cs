using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Activities;

/// <summary>
/// A volunteer activity from end to end on phones: the committee creates it and prints the poster, a villager checks
/// in through the poster's link, and the organiser confirms attendance, which sends one claim to review.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ActivityJourneyTests(BrowserApp app)
{
    private static DemoAccount Chair => DemoVillage.Accounts.First(a => a.Role == Role.CommitteeChair && a.Description.Contains("水心村", StringComparison.Ordinal));

    private static string ActivitiesPath => $"/villages/{DemoVillage.VillageCode}/activities";

    [Fact]
    public async Task The_committee_creates_an_activity_a_villager_checks_in_through_the_poster_and_the_organiser_confirms()
    {
        await using var chairContext = await app.SignedInContextAsync(Chair);
        var chair = await chairContext.NewPageAsync();
        await chair.GotoAsync($"/villages/{DemoVillage.VillageCode}");
        await chair.GetByRole(AriaRole.Link, new() { Name = "志愿活动" }).First.ClickAsync();
        await Expect(chair).ToHaveURLAsync(new Regex("/activities$"));
        await ShotAsync(chair, "list-and-form");
        await AssertFitsThePhoneAsync(chair);
        await chair.AssertNoSeriousViolationsAsync();

        await chair.GetByLabel("活动名称").FillAsync("清溪河岸清洁日");
        await chair.GetByLabel("地点").FillAsync("清溪河二号桥");
        await chair.GetByLabel("服务时长").FillAsync("3");
        await chair.GetByLabel("人数上限").FillAsync("40");
        await chair.GetByLabel("计分细则").SelectOptionAsync("volunteer-service");
        await chair.GetByRole(AriaRole.Button, new() { Name = "创建活动" }).ClickAsync();

        await Expect(chair).ToHaveURLAsync(new Regex(@"/activities/\d+\?created=1$"));
        await Expect(chair.GetByRole(AriaRole.Status)).ToContainTextAsync("活动已创建");
        var number = long.Parse(Regex.Match(chair.Url, @"/activities/(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        await ShotAsync(chair, "created");
        await AssertFitsThePhoneAsync(chair);
        await chair.AssertNoSeriousViolationsAsync();

        await chair.GetByRole(AriaRole.Link, new() { Name = "打印签到海报" }).ClickAsync();
        await Expect(chair.Locator(".poster-title")).ToHaveTextAsync("清溪河岸清洁日");
        await Expect(chair.Locator(".poster-qr svg")).ToBeVisibleAsync();
        await chair.AssertNoSeriousViolationsAsync();
        await ShotAsync(chair, "poster-phone");
        await PrintedPosterShotAsync(chairContext, chair.Url);

        // The link the QR code holds, as the activity's organiser reads it.
        var detail = await chairContext.APIRequest.GetAsync($"/api/v1{ActivitiesPath}/{number}");
        Assert.True(detail.Ok, await detail.TextAsync());
        var link = JsonDocument.Parse(await detail.TextAsync()).RootElement.GetProperty("checkInUrl").GetString()!;
        Assert.StartsWith(app.BaseUrl.GetLeftPart(UriPartial.Authority), link, StringComparison.Ordinal);

        await using (var villagerContext = await app.SignedInContextAsync(BrowserApp.Villager, elder: true))
        {
            var villager = await villagerContext.NewPageAsync();
            await villager.GotoAsync(link);
            var tap = villager.Locator(".checkin-button").First;
            await Expect(tap).ToBeVisibleAsync();
            Assert.True(await villager.BodyFontSizeAsync() >= 18, "Elder mode keeps the check-in page at 18 px or more.");
            await ShotAsync(villager, "check-in-elder");
            await AssertFitsThePhoneAsync(villager);
            await villager.AssertNoSeriousViolationsAsync();

            await tap.ClickAsync();

            await Expect(villager.GetByRole(AriaRole.Status)).ToContainTextAsync("签到成功");
            await Expect(villager.Locator(".checkin-member.checked")).ToHaveCountAsync(1);
            await villager.AssertNoSeriousViolationsAsync();
            await ShotAsync(villager, "checked-in-elder");
        }

        await chair.GotoAsync($"{ActivitiesPath}/{number}");
        await Expect(chair.Locator(".roster-list li")).ToHaveCountAsync(1);
        await chair.GetByRole(AriaRole.Button, new() { Name = "确认 1 人出勤" }).ClickAsync();

        await Expect(chair.GetByRole(AriaRole.Status)).ToContainTextAsync("已确认出勤");
        await Expect(chair.Locator(".roster-list li").First).ToContainTextAsync("申报");
        await ShotAsync(chair, "confirmed");
        await AssertFitsThePhoneAsync(chair);
        await chair.AssertNoSeriousViolationsAsync();
    }

    private static async Task AssertFitsThePhoneAsync(IPage page) =>
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"{page.PathOf()} scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");

    /// <summary>Screenshots are kept outside the repository, for people to look at; nothing asserts on them.</summary>
    private static string ShotPath(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "shots-activities");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }

    private static Task ShotAsync(IPage page, string name) => page.ScreenshotAsync(new PageScreenshotOptions { Path = ShotPath(name), FullPage = true });

    /// <summary>The poster as the printer sees it: print styles on an A4-sized page.</summary>
    private static async Task PrintedPosterShotAsync(IBrowserContext context, string url)
    {
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(794, 1123);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await page.GotoAsync(url);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ShotPath("poster-print-a4"), FullPage = true });
        await page.CloseAsync();
    }
}
