using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;

namespace VillagePoints.Web.Hosting;

/// <summary>
/// The one place where errors become RFC 9457 problem responses (API) or the error page (UI).
/// Domain rules and bad requests are 4xx with a message in the user's language; only the
/// unexpected is a 500, and it never shows internals.
/// </summary>
public sealed class ProblemMapping(IProblemDetailsService problems, IStringLocalizer<SharedResource> text, ILogger<ProblemMapping> log)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, code, detail) = exception switch
        {
            DomainException d => (StatusFor(d.Kind), d.Code, Localize(d.Code, d.Message)),
            BadHttpRequestException b => (b.StatusCode, "request.malformed", Localize("request.malformed", "The request could not be read.")),
            Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException => (400, "request.antiforgery", Localize("request.antiforgery", "The form expired; please reload the page and try again.")),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "request.cancelled", "The request was cancelled."),
            _ => (500, "server.error", Localize("server.error", "Something went wrong on our side. Please check whether your change was saved before trying again.")),
        };
        if (status == 500)
            log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path.Value);

        if (!VillagePointsApp.IsApi(http))
        {
            http.Response.Redirect($"/error?code={Uri.EscapeDataString(code)}");
            return true;
        }

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Type = $"urn:villagepoints:problem:{code}",
                Title = Localize(code + ".title", Localize("problem." + StatusTitleKey(status), ReasonPhrase(status))),
                Detail = detail,
                Extensions = { ["code"] = code },
            },
        });
    }

    public static int StatusFor(DomainErrorKind kind) => kind switch
    {
        DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
        DomainErrorKind.Conflict => StatusCodes.Status409Conflict,
        DomainErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    private string Localize(string key, string fallback)
    {
        var s = text[key];
        return s.ResourceNotFound ? fallback : s.Value;
    }

    private static string StatusTitleKey(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Error";
}
