using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using VillagePoints.Core;

namespace VillagePoints.Web.Accounts;

/// <summary>Endpoint metadata: this endpoint lives under a village and needs this permission there.</summary>
public sealed record VillageScopeMetadata(VillagePermission Permission);

/// <summary>
/// Every village endpoint passes through here: the user must hold the permission in the
/// village named by the route, or the answer is 404 (existence is not revealed). Cookie-
/// authenticated writes must also carry an antiforgery token.
/// </summary>
public static class VillageScope
{
    public const string GrantKey = "vp.village-grant";

    public static TBuilder RequireVillage<TBuilder>(this TBuilder builder, VillagePermission permission)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new VillageScopeMetadata(permission));
        builder.RequireAuthorization();
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var code = http.GetRouteValue("villageCode") as string ?? "";
            var access = http.RequestServices.GetRequiredService<VillageAccess>();
            var grant = await access.GrantAsync(http.User, code, http.RequestAborted);
            if (grant is null)
                throw new DomainException("village.not-found", "No such village, or it is not yours to see.", DomainErrorKind.NotFound);
            if (!grant.Has(permission))
                throw new DomainException("access.forbidden", "Your role in this village does not allow this.", DomainErrorKind.Forbidden);
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && IsCookieAuthenticated(http))
                await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            http.Items[GrantKey] = grant;
            return await next(ctx);
        });
        return builder;
    }

    public static VillageGrant Grant(this HttpContext http) =>
        http.Items[GrantKey] as VillageGrant ?? throw new InvalidOperationException("Endpoint is missing RequireVillage.");

    private static bool IsCookieAuthenticated(HttpContext http) =>
        http.User.Identity?.AuthenticationType == CookieAuthenticationDefaults.AuthenticationScheme;
}
