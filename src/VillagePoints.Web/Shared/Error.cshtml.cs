using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace VillagePoints.Web.Shared;

// Errors are re-executed with the failing request's method; a POST whose antiforgery check failed must still render.
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class ErrorModel(IStringLocalizer<SharedResource> text) : PageModel
{
    public string Message { get; private set; } = "";

    public void OnPost(string? code) => OnGet(code);

    public void OnGet(string? code)
    {
        var key = code switch
        {
            "403" or "access.forbidden" => "Error.Forbidden",
            "400" or "413" => "request.antiforgery",
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
