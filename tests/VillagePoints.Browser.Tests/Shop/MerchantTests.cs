using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Shop;

/// <summary>
/// The demo partner merchant on a phone: types the code of a haircut voucher a villager holds, checks it, honours it
/// with the big button and sees the success; the same voucher a second time is refused in plain words.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MerchantTests(BrowserApp app)
{
    private static DemoAccount Merchant => DemoVillage.Accounts.First(a => a.Role == Role.PartnerMerchant);

    private static string MerchantPath => $"/villages/{DemoVillage.VillageCode}/merchant";

    [Fact]
    public async Task The_demo_merchant_types_a_voucher_code_honours_it_and_a_second_honour_is_refused()
    {
        var voucher = await IssueHaircutVoucherAsync();
        await using var context = await app.SignedInContextAsync(Merchant);
        var page = await context.NewPageAsync();

        await page.GotoAsync(MerchantPath);
        await Expect(page.GetByLabel("券码")).ToBeFocusedAsync();
        await AssertFitsThePhoneAsync(page);
        await page.AssertNoSeriousViolationsAsync();

        // Typed as people type it off paper: lower case, with the dashes.
        await page.GetByLabel("券码").FillAsync(VoucherCodes.Display(voucher.Code).ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "查验" }).ClickAsync();
        await Expect(page.Locator(".voucher-item")).ToHaveTextAsync(voucher.ItemName);
        await Expect(page.Locator(".voucher-check")).ToContainTextAsync("0001");
        await AssertFitsThePhoneAsync(page);
        await page.AssertNoSeriousViolationsAsync();
        await ShotAsync(page, "checked");

        await page.GetByRole(AriaRole.Button, new() { Name = "核销", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("核销成功");
        await Expect(page.Locator(".voucher-list")).ToContainTextAsync(VoucherCodes.Display(voucher.Code));
        await AssertFitsThePhoneAsync(page);
        await page.AssertNoSeriousViolationsAsync();
        await ShotAsync(page, "honoured");

        await page.GetByLabel("券码").FillAsync(voucher.Code);
        await page.GetByRole(AriaRole.Button, new() { Name = "查验" }).ClickAsync();
        var refusal = page.GetByRole(AriaRole.Alert);
        await Expect(refusal).ToContainTextAsync("不能核销");
        await Expect(refusal).ToContainTextAsync("已在");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "核销", Exact = true })).ToHaveCountAsync(0);
        await page.AssertNoSeriousViolationsAsync();
        await ShotAsync(page, "refused");

        await using var elderContext = await app.SignedInContextAsync(Merchant, elder: true);
        var elder = await elderContext.NewPageAsync();
        await elder.GotoAsync(MerchantPath);
        Assert.True(await elder.BodyFontSizeAsync() >= 18, "Elder mode keeps the merchant's page at 18 px or more.");
        await AssertFitsThePhoneAsync(elder);
        await elder.AssertNoSeriousViolationsAsync();
        await ShotAsync(elder, "elder");
    }

    private sealed record Issued(string Code, string ItemName);

    /// <summary>
    /// A haircut voucher of household 0001, as a checkout leaves it, honoured by the demo merchant's shop: the merchant
    /// the demo links to its login, or one linked here when the demo has none.
    /// </summary>
    private async Task<Issued> IssueHaircutVoucherAsync()
    {
        var village = await app.Database.ShuixinAsync();
        var household = await app.Database.ShuixinHouseholdAsync(1);
        await using var db = app.Database.NewContext();
        var merchantAccount = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Phone == Merchant.Phone);
        var clerkPhone = DemoVillage.Accounts.First(a => a.Role == Role.ShopClerk).Phone;
        var clerk = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Phone == clerkPhone);
        var merchant = await db.Merchants.AsNoTracking().Where(m => m.VillageId == village.Id && m.AccountId == merchantAccount.Id)
                .OrderBy(m => m.Code).FirstOrDefaultAsync()
            ?? await ShopBuilder.AddMerchantAsync(db, village.Id, "browser-barber", merchantAccount.Id);
        var item = await ShopBuilder.AddItemAsync(db, village.Id, clerk.Id, "haircut-" + Guid.NewGuid().ToString("N")[..8], 150, 10,
            ItemCategory.ServiceVoucher, merchant.Id);
        var voucher = (await VoucherArrange.IssueAsync(db, item, household.Id, clerk.Id)).Single();
        return new Issued(voucher.Code, item.NameZh);
    }

    private static async Task AssertFitsThePhoneAsync(IPage page) =>
        Assert.True(await page.ScrollWidthAsync() <= BrowserApp.PhoneWidth,
            $"{page.PathOf()} scrolls sideways at {BrowserApp.PhoneWidth}px: scrollWidth is {await page.ScrollWidthAsync()}");

    /// <summary>Screenshots are kept outside the repository, for people to look at; nothing asserts on them.</summary>
    private static Task ShotAsync(IPage page, string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "shots-merchant");
        Directory.CreateDirectory(folder);
        return page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
