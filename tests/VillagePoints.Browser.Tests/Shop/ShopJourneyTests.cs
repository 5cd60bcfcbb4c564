using System.Globalization;
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

/// <summary>The whole shop on phones: the clerk's counter, the household's receipt and voucher, the merchant's honour.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ShopJourneyTests(BrowserApp app)
{
    private static readonly string VillagePath = $"/villages/{DemoVillage.VillageCode}";

    [Fact]
    public async Task A_voucher_bought_at_the_counter_reaches_the_household_and_its_merchant_honours_it_once()
    {
        var village = await app.Database.ShuixinAsync();
        var villager = DemoVillage.Accounts.Where(a => a.Role == Role.Villager).ElementAt(1);
        var household = await app.Database.HouseholdOfAsync(villager);
        var merchantAccount = DemoVillage.Accounts.First(a => a.Role == Role.PartnerMerchant);
        var tag = Guid.NewGuid().ToString("N")[..6];
        ShopItem soap, haircut;
        await using (var db = app.Database.NewContext())
        {
            var clerkPhone = DemoVillage.Accounts.First(a => a.Role == Role.ShopClerk).Phone;
            var clerk = await db.UserAccounts.Where(u => u.Phone == clerkPhone).Select(u => u.Id).SingleAsync();
            var merchantUser = await db.UserAccounts.Where(u => u.Phone == merchantAccount.Phone).Select(u => u.Id).SingleAsync();
            var merchant = await db.Merchants.SingleAsync(m => m.VillageId == village.Id && m.AccountId == merchantUser);
            soap = await ShopBuilder.AddItemAsync(db, village.Id, clerk, $"bj-soap-{tag}", 1, 20);
            haircut = await ShopBuilder.AddItemAsync(db, village.Id, clerk, $"bj-cut-{tag}", 2, 20, ItemCategory.ServiceVoucher, merchant.Id);
        }

        // The clerk: household by number, one soap and one haircut voucher, confirmed.
        await using var counter = await app.SignedInContextAsync(DemoVillage.Accounts.First(a => a.Role == Role.ShopClerk));
        var page = await counter.NewPageAsync();
        await page.GotoAsync($"{VillagePath}/shop/checkout?household={household.Number}");
        await page.Locator($"input[name='qty[{soap.Code}]']").FillAsync("1");
        await page.Locator($"input[name='qty[{haircut.Code}]']").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：核对" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认兑换" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"{VillagePath}/shop/checkouts/\\d+\\?done=1$"));
        var number = long.Parse(Regex.Match(page.Url, @"/checkouts/(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

        string code;
        await using (var db = app.Database.NewContext())
        {
            var checkout = await db.Checkouts.SingleAsync(c => c.VillageId == village.Id && c.Number == number);
            code = await db.Vouchers.Where(v => v.CheckoutId == checkout.Id).Select(v => v.Code).SingleAsync();
        }
        await Expect(page.Locator("main")).ToContainTextAsync(VoucherCodes.Display(code));

        // The household: the receipt among its receipts, the voucher with its code and QR.
        await using var home = await app.SignedInContextAsync(villager);
        var my = await home.NewPageAsync();
        await my.GotoAsync("/my/receipts");
        await Expect(my.Locator(".receipt-list")).ToContainTextAsync(soap.NameZh);
        await my.GotoAsync("/my/vouchers");
        await Expect(my.Locator(".voucher-list")).ToContainTextAsync(VoucherCodes.Display(code));
        await Expect(my.Locator(".voucher-qr svg").First).ToBeVisibleAsync();
        await my.AssertNoSeriousViolationsAsync();

        // The merchant: the code typed, checked and honoured; a second honour is refused where the eye is.
        await using var shop = await app.SignedInContextAsync(merchantAccount);
        var merchantPage = await shop.NewPageAsync();
        await merchantPage.GotoAsync($"{VillagePath}/merchant");
        await merchantPage.GetByLabel("券码").FillAsync(VoucherCodes.Display(code));
        await merchantPage.GetByRole(AriaRole.Button, new() { Name = "查验" }).ClickAsync();
        await merchantPage.GetByRole(AriaRole.Button, new() { Name = "核销", Exact = true }).ClickAsync();
        await Expect(merchantPage.GetByRole(AriaRole.Status)).ToContainTextAsync("核销成功");
        await merchantPage.GetByLabel("券码").FillAsync(code);
        await merchantPage.GetByRole(AriaRole.Button, new() { Name = "查验" }).ClickAsync();
        await Expect(merchantPage.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();

        // Back at the household, the voucher now reads as used.
        await my.ReloadAsync();
        await Expect(my.Locator(".voucher-list")).Not.ToContainTextAsync(VoucherCodes.Display(code));
    }
}
