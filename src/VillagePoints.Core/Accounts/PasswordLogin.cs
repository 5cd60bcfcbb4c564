using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Accounts;

public enum LoginOutcome
{
    Success,
    Invalid,
    LockedOut,
}

public sealed record LoginResult(LoginOutcome Outcome, UserAccount? User, DateTimeOffset? LockedUntil = null);

/// <summary>
/// Phone-and-password login with ASP.NET Core Identity's hasher and a lockout after
/// repeated failures. The failure count lives in the database, so it holds across nodes.
/// </summary>
public sealed class PasswordLogin(VillagePointsDb db, TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    public static string Hash(UserAccount user, string password) => Hasher.HashPassword(user, password);

    public async Task<LoginResult> LoginAsync(string? phone, string? password, CancellationToken ct = default)
    {
        var normalized = PhoneNumber.Normalize(phone);
        if (normalized is null || string.IsNullOrEmpty(password) || password.Length > 200)
            return new LoginResult(LoginOutcome.Invalid, null);

        var user = await db.UserAccounts.Include(u => u.Roles).SingleOrDefaultAsync(u => u.Phone == normalized, ct);
        if (user is null)
        {
            // Spend the same effort as a real check so timing does not reveal which phones exist.
            Hasher.VerifyHashedPassword(Dummy, DummyHash, password);
            return new LoginResult(LoginOutcome.Invalid, null);
        }

        var now = time.GetUtcNow();
        if (user.LockoutEnd is { } until && until > now)
            return new LoginResult(LoginOutcome.LockedOut, null, until);

        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.FailedLoginCount++;
            if (user.FailedLoginCount >= MaxFailures)
            {
                user.LockoutEnd = now + LockoutDuration;
                user.FailedLoginCount = 0;
            }
            await db.SaveChangesAsync(ct);
            return user.LockoutEnd > now
                ? new LoginResult(LoginOutcome.LockedOut, null, user.LockoutEnd)
                : new LoginResult(LoginOutcome.Invalid, null);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            user.PasswordHash = Hasher.HashPassword(user, password);
        user.FailedLoginCount = 0;
        user.LockoutEnd = null;
        await db.SaveChangesAsync(ct);
        return new LoginResult(LoginOutcome.Success, user);
    }

    private static readonly UserAccount Dummy = new() { Phone = "", DisplayName = "", PasswordHash = "" };
    private static readonly string DummyHash = Hasher.HashPassword(Dummy, "not-a-real-password");
}
