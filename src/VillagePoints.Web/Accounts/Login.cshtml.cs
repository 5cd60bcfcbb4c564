using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VillagePoints.Core.Accounts;
using VillagePoints.Web.Hosting;
using VillagePoints.Web.Shared;

namespace VillagePoints.Web.Accounts;

[EnableRateLimiting(AuthSetup.LoginRateLimit)]
public sealed class LoginModel(PasswordLogin login, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Login.PhoneRequired"), StringLength(40, ErrorMessage = "Login.PhoneInvalid")]
    [Display(Name = "Login.Phone")]
    public string? Phone { get; set; }

    [BindProperty, Required(ErrorMessage = "Login.PasswordRequired"), StringLength(200, ErrorMessage = "Login.Failed")]
    [DataType(DataType.Password), Display(Name = "Login.Password")]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
            return Page();
        if (PhoneNumber.Normalize(Phone) is null)
        {
            ModelState.AddModelError(nameof(Phone), text["Login.PhoneInvalid"]);
            return Page();
        }
        var result = await login.LoginAsync(Phone, Password, ct);
        switch (result.Outcome)
        {
            case LoginOutcome.Success:
                await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                    AuthSetup.Principal(result.User!, CookieAuthenticationDefaults.AuthenticationScheme),
                    new AuthenticationProperties { IsPersistent = true });
                return LocalRedirect(UiPreferences.SafeReturnUrl(ReturnUrl));
            case LoginOutcome.LockedOut:
                ModelState.AddModelError("", text["Login.LockedOut"]);
                return Page();
            default:
                Telemetry.LoginFailures.Add(1);
                ModelState.AddModelError("", text["Login.Failed"]);
                return Page();
        }
    }
}
