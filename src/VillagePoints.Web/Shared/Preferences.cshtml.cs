using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Shared;

public sealed class PreferencesModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public IActionResult OnPost(string? language, string? elder, string? returnUrl)
    {
        var yearLong = new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true };
        if (language is not null && VillagePointsApp.Cultures.Any(c => c.Name == language))
            Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)), yearLong);
        if (elder is "0" or "1")
            Response.Cookies.Append(UiPreferences.ElderCookie, elder, yearLong);
        return LocalRedirect(UiPreferences.SafeReturnUrl(returnUrl));
    }
}
