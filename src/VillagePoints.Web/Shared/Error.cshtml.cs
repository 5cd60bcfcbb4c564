using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace VillagePoints.Web.Shared;

// Errors are re-executed with the failing request's method; a POST whose antiforgery check failed must still render.
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class ErrorModel(IStringLocalizer<SharedResource> text) : PageModel
{
    public string Message { get; private set; } = "";

    // The code comes from the address only: the failed request's form may be what failed (too large, unreadable).
    public void OnPost() => OnGet(Request.Query["code"].FirstOrDefault() ?? RouteData.Values["code"] as string);

    public void OnGet(string? code)
    {
        // Reached directly (the access-denied redirect, /error/403) rather than re-executed for a failed request:
        // answer with the status the page describes, not 200.
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null
            && int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
            && status is >= 400 and <= 599)
            Response.StatusCode = status;
        var key = code switch
        {
            "403" or "access.forbidden" => "Error.Forbidden",
            "400" => "request.antiforgery",
            "413" => "Error.TooLarge",
            "405" => "Error.MethodNotAllowed",
            "429" => "Error.TooManyRequests",
            "404" or "household.not-found" or "village.not-found" or "entry.not-found" => "Error.NotFound",
            "request.malformed" => "request.malformed",
            "request.antiforgery" => "request.antiforgery",
            "text.forbidden-characters" => "text.forbidden-characters",
            _ => "server.error",
        };
        Message = text[key];
    }
}
