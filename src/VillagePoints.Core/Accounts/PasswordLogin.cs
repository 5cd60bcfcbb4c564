using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Accounts;

public enum LoginOutcome
{
    Success,

    /// <summary>
    /// Unknown phone, wrong password, an account in its sign-in delay or locked: deliberately one
    /// outcome, so a caller cannot tell which phones exist or which accounts are being attacked.
    /// </summary>
    Failed,
}

public sealed record LoginResult(LoginOutcome Outcome, UserAccount? User);

/// <summary>
/// Phone-and-password login with ASP.NET Core Identity's hasher. Repeated wrong passwords slow an
/// account down instead of locking it: after <see cref="FreeFailures"/> in a row each further one
/// opens a longer delay (doubling up to <see cref="LongestDelay"/>) in which no password is checked.
/// Attempts inside a delay neither count nor extend it, so a flood of guesses keeps the owner out
/// for one delay at most. The count lives in the database, so it holds across nodes.
/// </summary>
public sealed class PasswordLogin(VillagePointsDb db, TimeProvider time)
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongestDelay = TimeSpan.FromMinutes(15);
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    public static string Hash(UserAccount user, string password) => Hasher.HashPassword(user, password);

    public static bool Verify(UserAccount user, string password) =>
        Hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;

    /// <summary>How long no password is checked after this many wrong ones in a row.</summary>
    public static TimeSpan DelayAfter(int failures)
    {
        if (failures < FreeFailures)
            return TimeSpan.Zero;
        var doublings = Math.Min(failures - FreeFailures, 16);
        var delay = FirstDelay * (1 << doublings);
        return delay < LongestDelay ? delay : LongestDelay;
    }

    public async Task<LoginResult> LoginAsync(string? phone, string? password, CancellationToken ct = default)
    {
        var normalized = PhoneNumber.Normalize(phone);
        if (normalized is null || string.IsNullOrEmpty(password) || password.Length > AccountSecurity.MaxPasswordLength)
            return Refuse(password);

        var user = await db.UserAccounts.AsNoTracking().SingleOrDefaultAsync(u => u.Phone == normalized, ct);
        if (user is null)
            return Refuse(password);

        var now = time.GetUtcNow();
        if (user.LockoutEnd is { } until && until > now)
            return Refuse(password);

        // Claim this attempt before checking the password, and open the delay it would earn if it
        // fails: parallel guesses then cannot all be checked while the first one is still hashing.
        var failures = user.FailedLoginCount + 1;
        DateTimeOffset? delayEnd = DelayAfter(failures) is { Ticks: > 0 } delay ? now + delay : null;
        var claimed = await db.UserAccounts
            .Where(u => u.Id == user.Id && u.FailedLoginCount == user.FailedLoginCount)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, failures).SetProperty(u => u.LockoutEnd, delayEnd), ct);
        if (claimed == 0)
            return Refuse(password);

        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
            return new LoginResult(LoginOutcome.Failed, null);

        var hash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(user, password) : user.PasswordHash;
        // Accounts created before security stamps existed have an empty one; they get a real one here.
        var stamp = string.IsNullOrEmpty(user.SecurityStamp) ? AccountSecurity.NewStamp() : user.SecurityStamp;
        await db.UserAccounts.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.FailedLoginCount, 0)
            .SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null)
            .SetProperty(u => u.PasswordHash, hash)
            .SetProperty(u => u.SecurityStamp, stamp), ct);
        user.FailedLoginCount = 0;
        user.LockoutEnd = null;
        user.PasswordHash = hash;
        user.SecurityStamp = stamp;
        return new LoginResult(LoginOutcome.Success, user);
    }

    /// <summary>Spends the same effort as a real check, so timing does not tell a refusal from a wrong password.</summary>
    private static LoginResult Refuse(string? password)
    {
        Hasher.VerifyHashedPassword(Dummy, DummyHash, password ?? "");
        return new LoginResult(LoginOutcome.Failed, null);
    }

    private static readonly UserAccount Dummy = new() { Phone = "", DisplayName = "", PasswordHash = "" };
    private static readonly string DummyHash = Hasher.HashPassword(Dummy, "not-a-real-password");
}
