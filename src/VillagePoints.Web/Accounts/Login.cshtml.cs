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

[EnableRateLimiting(AuthSetup.LoginRateLimit), ShowsLoginRateLimit]
public sealed class LoginModel(PasswordLogin login, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Login.PhoneRequired"), StringLength(40, ErrorMessage = "Login.PhoneInvalid")]
    [Display(Name = "Login.Phone")]
    public string? Phone { get; set; }

    // No length check here: an over-long password fails like any wrong one.
    [BindProperty, Required(ErrorMessage = "Login.PasswordRequired")]
    [DataType(DataType.Password), Display(Name = "Login.Password")]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Refused by the rate limiter (status 429 and Retry-After are already set): say when to try again, attempt nothing.
        if (HttpContext.Features.Get<LoginRateLimited>() is { } limited)
        {
            ModelState.Clear();
            ModelState.AddModelError("", text["Login.TooManyAttempts", limited.Minutes]);
            return Page();
        }
        if (!ModelState.IsValid)
            return Page();
        if (PhoneNumber.Normalize(Phone) is null)
        {
            ModelState.AddModelError(nameof(Phone), text["Login.PhoneInvalid"]);
            return Page();
        }
        var result = await login.LoginAsync(Phone, Password, ct);
        if (result.Outcome != LoginOutcome.Success)
        {
            Telemetry.LoginFailures.Add(1);
            ModelState.AddModelError("", text["Login.Failed", PasswordLogin.FreeFailures, PasswordLogin.LongestDelay.TotalMinutes]);
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            AuthSetup.Principal(result.User!, CookieAuthenticationDefaults.AuthenticationScheme),
            new AuthenticationProperties { IsPersistent = true });
        return LocalRedirect(UiPreferences.SafeReturnUrl(ReturnUrl));
    }
}
