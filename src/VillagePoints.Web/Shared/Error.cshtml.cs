using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace VillagePoints.Web.Shared;

public sealed class ErrorModel(IStringLocalizer<SharedResource> text) : PageModel
{
    public string Message { get; private set; } = "";

    public void OnGet(string? code)
    {
        var key = code switch
        {
            "403" => "Error.Forbidden",
            "404" or "household.not-found" or "village.not-found" => "Error.NotFound",
            "request.malformed" => "request.malformed",
            "request.antiforgery" => "request.antiforgery",
            _ => "server.error",
        };
        Message = text[key];
    }
}
