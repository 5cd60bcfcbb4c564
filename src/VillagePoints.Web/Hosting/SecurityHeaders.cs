namespace VillagePoints.Web.Hosting;

/// <summary>Baseline browser protections on every response.</summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    private const string Strict = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The API docs page ships its own inline styles.
    private const string Docs = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
        + "object-src 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(self), geolocation=(), microphone=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/api/docs") ? Docs : Strict;
        return next(http);
    }
}

/// <summary>
/// Refuses oversized bodies before anything reads them. Kestrel has its own limit too;
/// this one also holds behind proxies and in the test host, and answers with a problem.
/// </summary>
public sealed class RequestSizeLimit(RequestDelegate next)
{
    public const long MaxBodyBytes = 256 * 1024;

    public Task InvokeAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        return next(http);
    }
}
