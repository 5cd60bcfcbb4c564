using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace VillagePoints.Web.Notices;

/// <summary>
/// Reads that need no login (published notices), per client address and minute (<c>RateLimits:PublicReadsPerMinute</c>,
/// 120 by default): plenty for people reading the board, little for a scraper. A refusal is a problem with Retry-After.
/// </summary>
public sealed class PublicReadRateLimitPolicy(IConfiguration configuration) : IRateLimiterPolicy<string>
{
    public const string Name = "public-reads";
    public const string Code = "public.rate-limited";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public RateLimitPartition<string> GetPartition(HttpContext http) =>
        RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, configuration.GetValue("RateLimits:PublicReadsPerMinute", 120)),
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
