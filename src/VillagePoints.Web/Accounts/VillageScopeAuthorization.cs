using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using VillagePoints.Core;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Accounts;

/// <summary>The user must hold <see cref="Permission"/> in the village named by the route's <c>villageCode</c>.</summary>
public sealed record VillageScopeRequirement(VillagePermission Permission) : IAuthorizationRequirement;

/// <summary>
/// Resolves the grant once per request through <see cref="VillageAccess"/> and keeps it for the
/// endpoint or page. A village that does not exist and one the user holds nothing in fail the same way.
/// </summary>
public sealed class VillageScopeHandler(VillageAccess access) : AuthorizationHandler<VillageScopeRequirement>
{
    public const string NotFound = "village.not-found";
    public const string Forbidden = "access.forbidden";

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, VillageScopeRequirement requirement)
    {
        // Without the request there is no route to read: fail closed.
        if (context.Resource is not HttpContext http)
        {
            context.Fail(new AuthorizationFailureReason(this, NotFound));
            return;
        }
        var grant = http.Items[VillageScope.GrantKey] as VillageGrant;
        if (grant is null)
        {
            var code = http.GetRouteValue(VillageScope.RouteValue) as string ?? "";
            grant = await access.GrantAsync(context.User, code, http.RequestAborted);
        }
        if (grant is null)
        {
            context.Fail(new AuthorizationFailureReason(this, NotFound));
            return;
        }
        http.Items[VillageScope.GrantKey] = grant;
        if (grant.Has(requirement.Permission))
            context.Succeed(requirement);
        else
            context.Fail(new AuthorizationFailureReason(this, Forbidden));
    }
}

/// <summary>
/// Turns a failed village scope into the answer the design asks for: 404 when the village is not the
/// user's (the API as a problem document, pages as the friendly error page), 403 when the user's role
/// there does not allow it. Everything else keeps the standard challenge and forbid.
/// </summary>
public sealed class VillageScopeResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        var reasons = result.Forbidden ? result.AuthorizationFailure?.FailureReasons.Where(r => r.Handler is VillageScopeHandler).ToList() : null;
        if (reasons is not { Count: > 0 })
            return standard.HandleAsync(next, http, policy, result);

        var notFound = reasons.Any(r => r.Message == VillageScopeHandler.NotFound);
        if (VillagePointsApp.IsApi(http))
        {
            throw notFound
                ? new DomainException(VillageScopeHandler.NotFound, "No such village, or it is not yours to see.", DomainErrorKind.NotFound)
                : new DomainException(VillageScopeHandler.Forbidden, "Your role in this village does not allow this.", DomainErrorKind.Forbidden);
        }
        // Pages: a bare status, which the status-code pages turn into the error page in the user's language.
        http.Response.StatusCode = notFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Every page whose route names a village gets the village scope, so a new page cannot forget it.
/// A page model may ask for more with <see cref="VillageScopeAttribute"/>; requirements add up.
/// </summary>
public sealed class VillageScopePageConvention : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        var template = model.ActionDescriptor.AttributeRouteInfo?.Template ?? "";
        // Public pages name a village too, but answer everyone (see PublicPageConvention).
        if (!template.Contains("{" + VillageScope.RouteValue, StringComparison.Ordinal) || Hosting.PublicRoutes.IsPublicPage(template))
            return;
        model.EndpointMetadata.Add(new VillageScopeAttribute(VillagePermission.ReadVillage));
        foreach (var declared in model.HandlerTypeAttributes.OfType<VillageScopeAttribute>())
        {
            if (!model.EndpointMetadata.Contains(declared))
                model.EndpointMetadata.Add(declared);
        }
    }
}
