using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VillagePoints.Browser.Tests.Infrastructure;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using static Microsoft.Playwright.Assertions;

namespace VillagePoints.Browser.Tests.Accounts;

[Collection(BrowserCollection.Name)]
public sealed class SessionTests(BrowserApp app)
{
    private const string Password = "Session@Passw0rd";

    [Fact]
    public async Task Signing_out_ends_the_session_even_for_a_saved_copy_of_the_cookie()
    {
        // An account of its own: signing out ends every session of an account, and the shared demo accounts' sessions are reused by other tests.
        var phone = await CreateAdministratorAsync();
        await using var context = await app.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(phone, Password);
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal));
        var saved = await context.StorageStateAsync();

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "退出登录" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/login$"));

        await using var copy = await app.NewContextAsync(saved);
        var replay = await copy.NewPageAsync();
        await replay.GotoAsync("/places");
        await Expect(replay).ToHaveURLAsync(new Regex("/login\\?"));
        await Expect(replay.LoginForm().Locator("input[name='Password']")).ToBeVisibleAsync();
    }

    private async Task<string> CreateAdministratorAsync()
    {
        var phone = "176" + Random.Shared.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
        var user = new UserAccount { Id = Ids.New(), Phone = phone, DisplayName = "会话测试", PasswordHash = "", CreatedAt = DateTimeOffset.UtcNow };
        user.PasswordHash = PasswordLogin.Hash(user, Password);
        user.Roles.Add(new RoleAssignment { Id = Ids.New(), UserId = user.Id, Role = Role.Administrator });
        await using var db = app.Database.NewContext();
        db.UserAccounts.Add(user);
        await db.SaveChangesAsync();
        return phone;
    }
}
