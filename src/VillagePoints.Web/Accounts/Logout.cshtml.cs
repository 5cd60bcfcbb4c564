using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Accounts;

namespace VillagePoints.Web.Accounts;

public sealed class LogoutModel(AccountSecurity security) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    /// <summary>A new security stamp, not only a deleted cookie: a copy of the cookie kept elsewhere stops working too.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.UserId() is { } id)
            await security.EndSessionsAsync(id, ct);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return LocalRedirect("/login");
    }
}
