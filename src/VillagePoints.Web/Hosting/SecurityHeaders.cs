namespace VillagePoints.Web.Hosting;

/// <summary>
/// Baseline browser protections on every response. The headers are added as the response starts,
/// so answers built later (the exception handler clears headers, status code pages, re-executed
/// error pages) carry them too.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, IHostEnvironment environment)
{
    private const string Strict = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The API docs page ships its own inline styles.
    private const string Docs = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
        + "object-src 'none'; frame-ancestors 'none'";

    // 30 days, without subdomains: a village's domain may host other things.
    private const string Hsts = "max-age=2592000";

    public Task InvokeAsync(HttpContext http)
    {
        var docs = http.Request.Path.StartsWithSegments("/api/docs");
        // Sent only over HTTPS (directly or as the proxy reports it), i.e. when a village deploys behind TLS;
        // plain-HTTP demo runs and developers' localhost are unaffected.
        var hsts = http.Request.IsHttps && !environment.IsDevelopment() && !IsLocalhost(http.Request.Host.Host);
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(self), geolocation=(), microphone=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = docs ? Docs : Strict;
            if (hsts)
                headers.StrictTransportSecurity = Hsts;
            return Task.CompletedTask;
        });
        return next(http);
    }

    private static bool IsLocalhost(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1";
}

/// <summary>
/// Refuses oversized bodies: by Content-Length before anything reads them, and by counting what is
/// read, so a chunked body without a length is stopped at the limit too. Kestrel is told the same
/// limit; the counting also holds behind proxies and in the test host. However the limit is hit
/// (here, by Kestrel, or inside a body reader that turns the error into a bare 413), the answer is
/// the same: a <c>request.too-large</c> problem for the API, the friendly page for pages.
/// </summary>
public sealed class RequestSizeLimit(RequestDelegate next)
{
    public const long MaxBodyBytes = 256 * 1024;
    public const string Code = "request.too-large";

    /// <summary>
    /// Forms and endpoints that carry evidence photos take six photos at the photo limit, and a little more: so a
    /// photo that is too large reaches the photo check and is named beside its field instead of failing the request.
    /// </summary>
    public const long MaxPhotoBodyBytes = 6 * VillagePoints.Core.Evidence.PhotoProcessing.MaxBytes + 8 * 1024 * 1024;

    private static readonly System.Text.RegularExpressions.Regex PhotoPaths = new(
        @"^(/villages/[^/]+/(claims(/new|/recommend)?|patrol/\d+|entries/\d+/objection)|/api/v1/villages/[^/]+/(claims/\d+/photos|objection-photos))/?$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase,
        TimeSpan.FromMilliseconds(100));

    public static long LimitFor(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && PhotoPaths.IsMatch(request.Path.Value ?? "") ? MaxPhotoBodyBytes : MaxBodyBytes;

    public async Task InvokeAsync(HttpContext http)
    {
        var limit = LimitFor(http.Request);
        if (http.Request.ContentLength > limit)
        {
            await RefuseAsync(http);
            return;
        }
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
            server.MaxRequestBodySize = limit;
        var body = new LimitedBody(http.Request.Body, limit);
        http.Request.Body = body;
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await RefuseAsync(http);
            return;
        }
        // Readers that wrap the error answer something else (the form reader's antiforgery check says 400).
        if ((body.Exceeded || http.Response.StatusCode == StatusCodes.Status413PayloadTooLarge) && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await RefuseAsync(http);
        }
    }

    private static async Task RefuseAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        // Pages: the status code page shows the friendly message.
        if (!VillagePointsApp.IsApi(http))
            return;
        var text = http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Type = $"urn:villagepoints:problem:{Code}",
                Title = text["problem.413"],
                Detail = text[Code],
                Extensions = { ["code"] = Code },
            },
        });
    }

    internal static BadHttpRequestException TooLarge() =>
        new("The request body is too large.", StatusCodes.Status413PayloadTooLarge);

    private sealed class LimitedBody(Stream inner, long limit) : Stream
    {
        private long read;

        public bool Exceeded => read > limit;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            read += n;
            return read > limit ? throw TooLarge() : n;
        }
    }
}
