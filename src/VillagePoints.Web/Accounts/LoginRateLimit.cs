using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Accounts;

/// <summary>Marks a page that shows the login rate limit itself, in the user's language, instead of a problem document.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShowsLoginRateLimitAttribute : Attribute;

/// <summary>Set on a refused sign-in request, for the page to say when to try again.</summary>
public sealed record LoginRateLimited(TimeSpan RetryAfter)
{
    /// <summary>Whole minutes, at least one: what a person is told to wait.</summary>
    public int Minutes => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalMinutes));
}

/// <summary>
/// Sign-in attempts per client address and minute (<c>RateLimits:LoginPerMinute</c>). A refusal carries
/// <c>Retry-After</c>; the API answers a problem document, the sign-in page shows itself again with a message.
/// </summary>
public sealed class LoginRateLimitPolicy(IConfiguration configuration) : IRateLimiterPolicy<string>
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public RateLimitPartition<string> GetPartition(HttpContext http) =>
        // Only sign-in attempts count; showing the login form does not.
        HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            ? RateLimitPartition.GetNoLimiter("form")
            : RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = configuration.GetValue("RateLimits:LoginPerMinute", 10),
                Window = Window,
                QueueLimit = 0,
            });

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    private static async ValueTask RejectAsync(OnRejectedContext ctx, CancellationToken ct)
    {
        var http = ctx.HttpContext;
        // A fixed window reports its whole length, an upper bound of the time until it resets.
        var wait = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : Window;
        var limited = new LoginRateLimited(wait);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

        // The page's own handler renders the form again with the message; it makes no sign-in attempt.
        if (!VillagePointsApp.IsApi(http) && http.GetEndpoint() is { RequestDelegate: { } page } endpoint
            && endpoint.Metadata.GetMetadata<ShowsLoginRateLimitAttribute>() is not null)
        {
            http.Features.Set(limited);
            await page(http);
            return;
        }

        var text = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = "urn:villagepoints:problem:login.rate-limited",
                Title = text["login.rate-limited.title"],
                Detail = text["login.rate-limited", limited.Minutes],
                Extensions = { ["code"] = "login.rate-limited" },
            },
        });
    }
}
