using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using VillagePoints.Core.Accounts;
using BearerMessageReceivedContext = Microsoft.AspNetCore.Authentication.BearerToken.MessageReceivedContext;

namespace VillagePoints.Web.Accounts;

public static class AuthSetup
{
    public const string LoginRateLimit = "login";
    public const string SmartScheme = "cookie-or-bearer";
    public const string StampClaim = "vp:stamp";

    /// <summary>
    /// Pages use a cookie; API clients may send a bearer token instead. One policy scheme
    /// picks by the Authorization header, so every endpoint accepts either.
    /// </summary>
    public static IServiceCollection AddVillagePointsAuth(this IServiceCollection services)
    {
        services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, SmartScheme, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/error/403";
                o.Cookie.Name = "vp.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(14);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = ctx => ApiOr(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiOr(ctx, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = RejectEndedCookieSession;
            })
            .AddBearerToken(o =>
            {
                o.BearerTokenExpiration = TimeSpan.FromHours(8);
                o.RefreshTokenExpiration = TimeSpan.FromDays(14);
                o.Events.OnMessageReceived = RejectEndedBearerSession;
            });
        services.AddAuthorization();
        return services;
    }

    public static ClaimsPrincipal Principal(UserAccount user, string scheme) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new Claim(ClaimTypes.Name, user.DisplayName),
            new Claim(StampClaim, user.SecurityStamp),
        ], scheme));

    /// <summary>
    /// Whether the session behind this principal is still current. One primary-key read per request,
    /// uncached on purpose: a sign-out or lock takes effect on the very next request on every node,
    /// and the read is small beside the role lookups the request makes anyway.
    /// </summary>
    public static Task<bool> IsSessionCurrentAsync(HttpContext http, ClaimsPrincipal? principal) =>
        principal?.UserId() is { } id
            ? http.RequestServices.GetRequiredService<AccountSecurity>().IsCurrentAsync(id, principal.FindFirstValue(StampClaim), http.RequestAborted)
            : Task.FromResult(false);

    private static async Task RejectEndedCookieSession(CookieValidatePrincipalContext ctx)
    {
        if (await IsSessionCurrentAsync(ctx.HttpContext, ctx.Principal))
            return;
        ctx.RejectPrincipal();
        await ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>The bearer handler has no principal-validation event, so the token is opened here once more to check its stamp.</summary>
    private static async Task RejectEndedBearerSession(BearerMessageReceivedContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return;
        ctx.Token = header["Bearer ".Length..].Trim();
        var ticket = ctx.Options.BearerTokenProtector.Unprotect(ctx.Token);
        if (ticket is not null && !await IsSessionCurrentAsync(ctx.HttpContext, ticket.Principal))
            ctx.Fail("The session has ended.");
    }

    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>The handler builds an absolute address from the request's Host header, which any client can set; keep only the path.</summary>
    private static string LocalPart(string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : redirectUri;

    private static Task ApiOr(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
            ctx.Response.StatusCode = status;
        else
            ctx.Response.Redirect(LocalPart(ctx.RedirectUri));
        return Task.CompletedTask;
    }
}
