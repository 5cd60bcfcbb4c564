using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Net.Http.Headers;

namespace VillagePoints.Web.Hosting;

/// <summary>Compression and browser caching for what the app sends.</summary>
public static class StaticDelivery
{
    public const string Immutable = "public, max-age=31536000, immutable";
    public const string Revalidate = "no-cache";

    /// <summary>
    /// Brotli or gzip for stylesheets, scripts, SVG and JSON (API answers and the OpenAPI document),
    /// over HTTP and HTTPS. Pages (text/html) are deliberately left uncompressed: they carry an
    /// antiforgery token next to text the requester controls (search terms, form values), the mix a
    /// compression side channel (BREACH) needs to read the token. API answers carry no such token and
    /// need a bearer token or a SameSite cookie that a cross-site page cannot make the browser send.
    /// </summary>
    public static IServiceCollection AddVillagePointsCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json", "application/problem+json"];
        });
        // Small answers gain little from the best ratio; time matters more on a shared village server.
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        return services;
    }

    /// <summary>
    /// Links written with asp-append-version carry a content hash (<c>?v=…</c>), so that URL never
    /// changes content and may be kept for a year. Anything else is kept but revalidated (cheap, by ETag),
    /// so a new release is seen at once.
    /// </summary>
    public static StaticFileOptions Files() => new()
    {
        OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl =
            ctx.Context.Request.Query.ContainsKey("v") ? Immutable : Revalidate,
    };
}
