using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace VillagePoints.Web.Hosting;

/// <summary>
/// What anyone may open without signing in: the public side of the monthly notice and the check of a printed
/// chain head. Such routes live only under these prefixes, so the scope tests and the page conventions can tell
/// them from village routes (which answer only to the village's own users) by their address alone.
/// </summary>
public static class PublicRoutes
{
    /// <summary>The API group every public endpoint is mapped in.</summary>
    public const string ApiPrefix = "/api/v1/public";

    /// <summary>How a public page's route template starts (templates carry no leading slash).</summary>
    public const string PagePrefix = "public/";

    /// <summary>The rate-limit policy every public route carries (see <see cref="PublicRateLimitPolicy"/>).</summary>
    public const string RateLimit = "public";

    public static bool IsPublicPage(string? template) =>
        template is not null && template.TrimStart('/').StartsWith(PagePrefix, StringComparison.Ordinal);

    /// <summary>The group for public endpoints: anonymous, rate-limited.</summary>
    public static RouteGroupBuilder MapPublicGroup(this RouteGroupBuilder api) =>
        api.MapGroup(ApiPrefix["/api/v1".Length..]).AllowAnonymous().RequireRateLimiting(RateLimit);
}

/// <summary>Pages under <see cref="PublicRoutes.PagePrefix"/> need no login and carry the public rate limit.</summary>
public sealed class PublicPageConvention : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        if (!PublicRoutes.IsPublicPage(model.ActionDescriptor.AttributeRouteInfo?.Template))
            return;
        model.EndpointMetadata.Add(new AllowAnonymousAttribute());
        model.EndpointMetadata.Add(new EnableRateLimitingAttribute(PublicRoutes.RateLimit));
    }
}

/// <summary>
/// Requests to public routes per client address and minute (<c>RateLimits:PublicPerMinute</c>): they need no
/// login and some do real work (a verification recomputes the chain), so one client cannot keep the server busy.
/// A refusal carries <c>Retry-After</c>; the API answers a problem document, a page the error page.
/// </summary>
public sealed class PublicRateLimitPolicy(IConfiguration configuration) : IRateLimiterPolicy<string>
{
    public const string Code = "public.rate-limited";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public RateLimitPartition<string> GetPartition(HttpContext http) =>
        RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, configuration.GetValue("RateLimits:PublicPerMinute", 120)),
            Window = Window,
            QueueLimit = 0,
        });

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    private static async ValueTask RejectAsync(OnRejectedContext ctx, CancellationToken ct)
    {
        var http = ctx.HttpContext;
        var wait = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : Window;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        // A page is left empty, so the status-code pages show the error page in the user's language.
        if (!VillagePointsApp.IsApi(http))
            return;
        var text = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = "urn:villagepoints:problem:" + Code,
                Title = text[Code + ".title"],
                Detail = text[Code, Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))],
                Extensions = { ["code"] = Code },
            },
        });
    }
}
