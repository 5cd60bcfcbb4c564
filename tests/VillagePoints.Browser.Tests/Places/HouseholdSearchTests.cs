using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Demo;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Places;

[Collection(BrowserCollection.Name)]
public sealed class HouseholdSearchTests(BrowserApp app)
{
    private const string HouseholdLinks = "main a[href*='/households/']";

    [Fact]
    public async Task An_administrator_finds_a_household_by_a_phone_number_typed_in_full_width_and_opens_its_archive()
    {
        var household = await app.Database.ShuixinHouseholdAsync(1);
        var phone = household.Phone ?? throw new InvalidOperationException("Demo household 1 has no phone.");
        var expected = await HouseholdsWithPhoneAsync(phone);
        var latest = await app.Database.RecentEntriesAsync(household, 1);
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(BrowserApp.Administrator.Phone, DemoVillage.DemoPassword);
        await Expect(page).Not.ToHaveURLAsync(new Regex("/login"));

        await page.GotoAsync($"/villages/{DemoVillage.VillageCode}");
        var search = page.Locator("input[name='q']");
        await search.FillAsync(FullWidth(phone));
        await search.PressAsync("Enter");

        var link = page.Locator($"main a[href$='/villages/{DemoVillage.VillageCode}/households/{household.Number}']");
        await Expect(link.First).ToBeVisibleAsync();
        // A household that does not match must drop out, so the list is the search's answer and not the full register.
        var other = Enumerable.Range(1, 1000).First(n => expected.All(h => h.Number != n));
        await Expect(page.Locator($"main a[href$='/villages/{DemoVillage.VillageCode}/households/{other}']")).ToHaveCountAsync(0);
        var shown = await page.Locator(HouseholdLinks).EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(expected.Select(h => h.Number).Order(), shown.Select(NumberIn).OfType<int>().Distinct().Order());
        await Expect(page.Locator("main")).ToContainTextAsync(household.HeadName);

        await link.First.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/villages/{DemoVillage.VillageCode}/households/{household.Number}$"));
        var main = page.Locator("main");
        foreach (var member in household.Members)
            await Expect(main).ToContainTextAsync(member.Name);
        await Expect(main).ToContainTextAsync(latest.Single().Reason);
    }

    /// <summary>How a villager's phone keyboard in full-width mode types it, e.g. "１３８　００１３　８０００".</summary>
    private static string FullWidth(string phone)
    {
        var text = new StringBuilder();
        for (var i = 0; i < phone.Length; i++)
        {
            if (i is 3 or 7)
                text.Append('\u3000');
            text.Append((char)('０' + (phone[i] - '0')));
        }
        return text.ToString();
    }

    /// <summary>The household a link opens; links to the register's other pages (door cards, lookup) open none.</summary>
    private static int? NumberIn(string href) =>
        Regex.Match(href, @"/households/(\d+)$") is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    private async Task<List<(int Number, string HeadName)>> HouseholdsWithPhoneAsync(string phone)
    {
        var village = await app.Database.ShuixinAsync();
        await using var db = app.Database.NewContext();
        var rows = await db.Households.AsNoTracking()
            .Where(h => h.VillageId == village.Id && (h.Phone == phone || db.People.Any(p => p.HouseholdId == h.Id && p.Phone == phone)))
            .Select(h => new { h.Number, h.HeadName }).ToListAsync();
        return rows.Select(r => (r.Number, r.HeadName)).ToList();
    }
}
