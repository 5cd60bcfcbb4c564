using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Accounts;

public sealed record TokenRequest([property: MaxLength(40)] string? Phone, [property: MaxLength(200)] string? Password);

public sealed record RefreshRequest([property: MaxLength(4000)] string? RefreshToken);

public sealed record PasswordChangeRequest([property: MaxLength(200)] string? CurrentPassword, [property: MaxLength(200)] string? NewPassword);

public sealed record RoleView(string Role, string? VillageCode, string? TownCode, string? DistrictCode, int? HouseholdNumber);

public sealed record MeView(Guid Id, string DisplayName, string Phone, IReadOnlyList<RoleView> Roles);

public static class AuthApi
{
    private const string Bearer = BearerTokenDefaults.AuthenticationScheme;

    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/token", IssueToken).AllowAnonymous().RequireRateLimiting(AuthSetup.LoginRateLimit)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Exchange a phone number and password for a bearer token (8 hours) and a refresh token (14 days).")
            .WithDescription("Every failed sign-in answers the same 401 login.failed, whether the phone is unknown, the password wrong or the account "
                + "waiting out a delay after repeated wrong passwords. Too many attempts from one address answer 429 with Retry-After.");
        api.MapPost("/auth/refresh", Refresh).AllowAnonymous().ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Exchange a refresh token for a new bearer token and refresh token.")
            .WithDescription("Fails with 401 login.refresh-failed once the refresh token has expired, or the account has signed out, been locked, "
                + "changed its password or lost a role since the token was issued.");
        api.MapPost("/auth/logout", Logout).RequireAuthorization()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Sign out everywhere: every bearer token, refresh token and cookie of this account stops working.");
        api.MapPost("/auth/password", ChangePassword).RequireAuthorization().RequireRateLimiting(AuthSetup.LoginRateLimit)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Change the signed-in account's password. Every other session ends; a bearer client receives new tokens.");
        api.MapGet("/me", Me).RequireAuthorization().WithSummary("The signed-in user and the roles they hold.");
        return api;
    }

    public static async Task<Results<SignInHttpResult, ProblemHttpResult>> IssueToken(TokenRequest request, PasswordLogin login,
        IStringLocalizer<SharedResource> text, CancellationToken ct)
    {
        var result = await login.LoginAsync(request.Phone, request.Password, ct);
        if (result.Outcome == LoginOutcome.Success)
            return TypedResults.SignIn(AuthSetup.Principal(result.User!, Bearer), authenticationScheme: Bearer);
        Telemetry.LoginFailures.Add(1);
        // The page's wording, so both say the same (resource names ignore case, so the code cannot have its own).
        return Unauthorized(text, "login.failed", text["Login.Failed", PasswordLogin.FreeFailures, PasswordLogin.LongestDelay.TotalMinutes]);
    }

    public static async Task<Results<SignInHttpResult, ProblemHttpResult>> Refresh(RefreshRequest request, IOptionsMonitor<BearerTokenOptions> options,
        VillagePointsDb db, TimeProvider time, IStringLocalizer<SharedResource> text, CancellationToken ct)
    {
        var ticket = string.IsNullOrEmpty(request.RefreshToken) ? null : options.Get(Bearer).RefreshTokenProtector.Unprotect(request.RefreshToken);
        var user = ticket?.Properties.ExpiresUtc is { } expires && time.GetUtcNow() < expires && ticket.Principal.UserId() is { } id
            ? await db.UserAccounts.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct)
            : null;
        if (user is null || !AccountSecurity.Matches(user.SecurityStamp, ticket!.Principal.FindFirstValue(AuthSetup.StampClaim)))
            return Unauthorized(text, "login.refresh-failed", text["login.refresh-failed"]);
        // A fresh principal, so a changed display name reaches the new token.
        return TypedResults.SignIn(AuthSetup.Principal(user, Bearer), authenticationScheme: Bearer);
    }

    public static async Task<NoContent> Logout(HttpContext http, AccountSecurity security, CancellationToken ct)
    {
        var cookie = await RequireAntiforgeryForCookieAsync(http);
        await security.EndSessionsAsync(http.User.UserId()!.Value, ct);
        if (cookie)
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    public static async Task<Results<SignInHttpResult, NoContent>> ChangePassword(PasswordChangeRequest request, HttpContext http,
        AccountSecurity security, CancellationToken ct)
    {
        var cookie = await RequireAntiforgeryForCookieAsync(http);
        var user = await security.ChangePasswordAsync(http.User.UserId()!.Value, request.CurrentPassword, request.NewPassword, ct);
        if (!cookie)
            return TypedResults.SignIn(AuthSetup.Principal(user, Bearer), authenticationScheme: Bearer);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AuthSetup.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme),
            new AuthenticationProperties { IsPersistent = true });
        return TypedResults.NoContent();
    }

    /// <summary>A cross-site form must not sign a browser out or change its password.</summary>
    private static async Task<bool> RequireAntiforgeryForCookieAsync(HttpContext http)
    {
        if (http.User.Identity?.AuthenticationType != CookieAuthenticationDefaults.AuthenticationScheme)
            return false;
        await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        return true;
    }

    private static ProblemHttpResult Unauthorized(IStringLocalizer<SharedResource> text, string code, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: text[code + ".title"], detail: detail,
            type: $"urn:villagepoints:problem:{code}", extensions: new Dictionary<string, object?> { ["code"] = code });

    public static async Task<Results<Ok<MeView>, UnauthorizedHttpResult>> Me(HttpContext http, VillagePointsDb db, CancellationToken ct)
    {
        if (http.User.UserId() is not { } id || await db.UserAccounts.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct) is not { } user)
            return TypedResults.Unauthorized();
        var roles = await RoleViewsAsync(db, id, ct);
        return TypedResults.Ok(new MeView(user.Id, user.DisplayName, PhoneNumber.Mask(user.Phone), roles));
    }

    public static async Task<List<RoleView>> RoleViewsAsync(VillagePointsDb db, Guid userId, CancellationToken ct)
    {
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.UserId == userId).ToListAsync(ct);
        // Only the places these roles name, not every place in the system.
        var villageIds = roles.Where(r => r.VillageId is not null).Select(r => r.VillageId!.Value).ToList();
        var townIds = roles.Where(r => r.TownId is not null).Select(r => r.TownId!.Value).ToList();
        var districtIds = roles.Where(r => r.DistrictId is not null).Select(r => r.DistrictId!.Value).ToList();
        var villages = await db.Villages.AsNoTracking().Where(v => villageIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Code, ct);
        var towns = await db.Towns.AsNoTracking().Where(t => townIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Code, ct);
        var districts = await db.Districts.AsNoTracking().Where(d => districtIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Code, ct);
        var householdIds = roles.Where(r => r.HouseholdId is not null).Select(r => r.HouseholdId!.Value).ToList();
        var households = await db.Households.AsNoTracking().Where(h => householdIds.Contains(h.Id)).ToDictionaryAsync(h => h.Id, h => h.Number, ct);
        return roles.Select(r => new RoleView(r.Role.ToString(),
            r.VillageId is { } v ? villages.GetValueOrDefault(v) : null,
            r.TownId is { } t ? towns.GetValueOrDefault(t) : null,
            r.DistrictId is { } d ? districts.GetValueOrDefault(d) : null,
            r.HouseholdId is { } h && households.TryGetValue(h, out var n) ? n : null)).ToList();
    }
}
