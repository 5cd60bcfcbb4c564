using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Accounts;

public sealed record TokenRequest([property: MaxLength(40)] string? Phone, [property: MaxLength(200)] string? Password);

public sealed record RoleView(string Role, string? VillageCode, string? TownCode, string? DistrictCode, int? HouseholdNumber);

public sealed record MeView(Guid Id, string DisplayName, string Phone, IReadOnlyList<RoleView> Roles);

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/token", IssueToken).AllowAnonymous().RequireRateLimiting(AuthSetup.LoginRateLimit)
            .WithSummary("Exchange a phone number and password for a bearer token.");
        api.MapGet("/me", Me).RequireAuthorization().WithSummary("The signed-in user and the roles they hold.");
        return api;
    }

    public static async Task<Results<SignInHttpResult, ProblemHttpResult>> IssueToken(TokenRequest request, PasswordLogin login, CancellationToken ct)
    {
        var result = await login.LoginAsync(request.Phone, request.Password, ct);
        return result.Outcome switch
        {
            LoginOutcome.Success => TypedResults.SignIn(AuthSetup.Principal(result.User!, BearerTokenDefaults.AuthenticationScheme),
                authenticationScheme: BearerTokenDefaults.AuthenticationScheme),
            LoginOutcome.LockedOut => throw new DomainException("login.locked-out", "Too many failed attempts; try again later.", DomainErrorKind.Forbidden),
            _ => Failed(),
        };

        static ProblemHttpResult Failed()
        {
            Telemetry.LoginFailures.Add(1);
            return TypedResults.Problem(statusCode: 401, title: "Login failed", type: "urn:villagepoints:problem:login.failed",
                detail: "The phone number or password is wrong.");
        }
    }

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
