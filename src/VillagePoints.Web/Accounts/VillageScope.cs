using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace VillagePoints.Web.Accounts;

/// <summary>
/// Endpoint and page metadata: this lives under a village and needs this permission there. It is an
/// authorization requirement, so the authorization middleware checks it for API endpoints and pages
/// alike (see <see cref="VillageScopeHandler"/>); pages under a village route get it by convention.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class VillageScopeAttribute(VillagePermission permission) : Attribute, IAuthorizeData, IAuthorizationRequirementData
{
    public VillagePermission Permission { get; } = permission;

    // IAuthorizeData with no policy means the default policy: a signed-in user.
    public string? Policy { get; set; }
    public string? Roles { get; set; }
    public string? AuthenticationSchemes { get; set; }

    public IEnumerable<IAuthorizationRequirement> GetRequirements() => [new VillageScopeRequirement(Permission)];
}

/// <summary>
/// Every village endpoint passes through here: the user must hold the permission in the
/// village named by the route, or the answer is 404 (existence is not revealed). Cookie-
/// authenticated writes must also carry an antiforgery token.
/// </summary>
public static class VillageScope
{
    public const string GrantKey = "vp.village-grant";
    public const string RouteValue = "villageCode";

    public static TBuilder RequireVillage<TBuilder>(this TBuilder builder, VillagePermission permission)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new VillageScopeAttribute(permission));
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && IsCookieAuthenticated(http))
                await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            return await next(ctx);
        });
        return builder;
    }

    /// <summary>The grant the authorization step resolved for this request's village.</summary>
    public static VillageGrant Grant(this HttpContext http) =>
        http.Items[GrantKey] as VillageGrant ?? throw new InvalidOperationException("Endpoint is missing its village scope.");

    private static bool IsCookieAuthenticated(HttpContext http) =>
        http.User.Identity?.AuthenticationType == CookieAuthenticationDefaults.AuthenticationScheme;
}
