using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Notices;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Notices;

[Collection(BrowserCollection.Name)]
public sealed class PublicVerificationPageTests(BrowserApp app)
{
    [Fact]
    public async Task Anyone_who_scans_a_notices_code_on_a_phone_learns_the_ledger_is_unchanged_without_signing_in()
    {
        var (entry, hash) = await DemoHeadAsync();
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(PublicVerification.PathFor(DemoVillage.VillageCode, entry, hash));

        var answer = page.Locator("#verification-answer");
        await Expect(answer.GetByRole(AriaRole.Heading, new() { Name = "账本未被改动" })).ToBeVisibleAsync();
        await Expect(answer).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("verification-intact"));
        await Expect(answer).ToContainTextAsync($"第 {entry} 条");
        await Expect(answer).ToContainTextAsync(hash);
        Assert.Equal(hash, await page.GetByLabel("哈希值").InputValueAsync());
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"The verification page scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task An_elder_pastes_the_printed_code_into_one_field_and_gets_the_answer_in_large_type()
    {
        var (entry, hash) = await DemoHeadAsync();
        await using var context = await app.NewContextAsync(elder: true);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/public/villages/{DemoVillage.VillageCode}/verification");

        await page.GetByLabel("记录编号").FillAsync($"{entry}:{hash}");
        await page.GetByRole(AriaRole.Button, new() { Name = "核对" }).ClickAsync();

        await Expect(page.Locator("#verification-answer").GetByRole(AriaRole.Heading, new() { Name = "账本未被改动" })).ToBeVisibleAsync();
        Assert.True(await page.BodyFontSizeAsync() >= 18, $"Elder mode body text is {await page.BodyFontSizeAsync()}px.");
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"The verification page scrolls sideways at {BrowserApp.PhoneWidth}px in elder mode: scrollWidth is {await page.ScrollWidthAsync()}");
        await page.AssertNoSeriousViolationsAsync();
    }

    /// <summary>The demo village's chain head as it stands now, as a notice printed today would show it.</summary>
    private async Task<(long Entry, string Hash)> DemoHeadAsync()
    {
        await using var db = app.Database.NewContext();
        var head = await db.VillageLedgerHeads.Where(h => db.Villages.Any(v => v.Id == h.VillageId && v.Code == DemoVillage.VillageCode))
            .Select(h => new { h.LastNumber, h.LastHash }).SingleAsync();
        return (head.LastNumber, head.LastHash);
    }
}
