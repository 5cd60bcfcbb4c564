using System.Text.RegularExpressions;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Demo;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Accessibility;

public enum Visitor
{
    Anonymous,
    Villager,
    Administrator,
    Merchant,
}

[Collection(BrowserCollection.Name)]
public sealed class PageAccessibilityTests(BrowserApp app)
{
    public static TheoryData<string, Visitor, bool> Pages()
    {
        var data = new TheoryData<string, Visitor, bool>();
        foreach (var elder in new[] { false, true })
        {
            data.Add("/login", Visitor.Anonymous, elder);
            data.Add($"/public/villages/{DemoVillage.VillageCode}/verification", Visitor.Anonymous, elder);
            data.Add("/my", Visitor.Villager, elder);
            data.Add("/places", Visitor.Administrator, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}", Visitor.Administrator, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/households/1", Visitor.Administrator, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/claims/new", Visitor.Villager, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/claims/recommend", Visitor.Villager, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/claims", Visitor.Villager, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/households/lookup", Visitor.Administrator, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/merchant", Visitor.Merchant, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/shop/merchants", Visitor.Administrator, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/shop/settlements", Visitor.Administrator, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/objections/mine", Visitor.Villager, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/objections", Visitor.Administrator, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/notices", Visitor.Villager, elder);
            data.Add($"/public/villages/{DemoVillage.VillageCode}/notices", Visitor.Anonymous, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/shop/checkout", Visitor.Administrator, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/shop/checkouts", Visitor.Administrator, elder);
            data.Add($"/villages/{DemoVillage.VillageCode}/shop/funding", Visitor.Administrator, elder);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Each_page_has_no_serious_or_critical_accessibility_violations(string path, Visitor visitor, bool elder)
    {
        await using var context = visitor switch
        {
            Visitor.Villager => await app.SignedInContextAsync(BrowserApp.Villager, elder),
            Visitor.Administrator => await app.SignedInContextAsync(BrowserApp.Administrator, elder),
            Visitor.Merchant => await app.SignedInContextAsync(DemoVillage.Accounts.First(a => a.Role == VillagePoints.Core.Accounts.Role.PartnerMerchant), elder),
            _ => await app.NewContextAsync(elder: elder),
        };
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(path);

        Assert.True(response?.Ok, $"{path} answered {response?.Status}");
        Assert.Equal(path, page.PathOf());
        // Guards against checking the normal page twice if the preference stopped taking effect.
        if (elder)
            await Expect(page.Locator("body")).ToHaveClassAsync(new Regex(@"\belder\b"));
        await page.AssertNoSeriousViolationsAsync();
    }
}
