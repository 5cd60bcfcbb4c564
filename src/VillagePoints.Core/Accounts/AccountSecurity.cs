using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Accounts;

/// <summary>
/// Ends sessions and guards the things that must end them: signing out, a password change, a lock
/// and a role taken away all give the account a new security stamp, so every cookie and bearer or
/// refresh token issued before stops working on its next request, on every node.
/// </summary>
public sealed class AccountSecurity(VillagePointsDb db, TimeProvider time)
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 200;

    public static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Whether a session carrying this stamp may still act for the account.</summary>
    public async Task<bool> IsCurrentAsync(Guid userId, string? stamp, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(stamp))
            return false;
        var current = await db.UserAccounts.AsNoTracking().Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleOrDefaultAsync(ct);
        return Matches(current, stamp);
    }

    public static bool Matches(string? current, string? presented) =>
        !string.IsNullOrEmpty(current) && !string.IsNullOrEmpty(presented)
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(current), System.Text.Encoding.UTF8.GetBytes(presented));

    /// <summary>Signs the account out everywhere: every cookie and token issued so far stops working.</summary>
    public async Task EndSessionsAsync(Guid userId, CancellationToken ct = default)
    {
        var stamp = NewStamp();
        await db.UserAccounts.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp), ct);
    }

    /// <summary>
    /// Locks the account for a while (a lost phone, a departed cadre): its sessions end now, and
    /// sign-in answers the usual failure until the lock ends or <see cref="UnlockAsync"/> lifts it.
    /// </summary>
    public async Task LockAsync(Guid userId, TimeSpan duration, CancellationToken ct = default)
    {
        var user = await FindAsync(userId, ct);
        user.LockoutEnd = time.GetUtcNow() + duration;
        user.SecurityStamp = NewStamp();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Lifts a lock and forgets earlier wrong passwords, so the owner may sign in at once.</summary>
    public async Task UnlockAsync(Guid userId, CancellationToken ct = default)
    {
        var user = await FindAsync(userId, ct);
        user.LockoutEnd = null;
        user.FailedLoginCount = 0;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The owner changes their password; every other session of the account ends.</summary>
    public async Task<UserAccount> ChangePasswordAsync(Guid userId, string? currentPassword, string? newPassword, CancellationToken ct = default)
    {
        var user = await FindAsync(userId, ct);
        if (string.IsNullOrEmpty(currentPassword) || currentPassword.Length > MaxPasswordLength || !PasswordLogin.Verify(user, currentPassword))
            throw new DomainException("password.current-wrong", "The current password is wrong.");
        if (newPassword is null || newPassword.Length < MinPasswordLength || newPassword.Length > MaxPasswordLength)
            throw new DomainException("password.length", $"A password has {MinPasswordLength} to {MaxPasswordLength} characters.");
        if (newPassword == currentPassword)
            throw new DomainException("password.unchanged", "The new password is the same as the current one.");
        user.PasswordHash = PasswordLogin.Hash(user, newPassword);
        user.SecurityStamp = NewStamp();
        user.FailedLoginCount = 0;
        user.LockoutEnd = null;
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Takes a role away; sessions end so the account's next sign-in sees what it still holds.</summary>
    public async Task RemoveRoleAsync(Guid roleAssignmentId, CancellationToken ct = default)
    {
        var role = await db.RoleAssignments.SingleOrDefaultAsync(r => r.Id == roleAssignmentId, ct)
            ?? throw new DomainException("role.not-found", "No such role assignment.", DomainErrorKind.NotFound);
        var user = await FindAsync(role.UserId, ct);
        db.RoleAssignments.Remove(role);
        user.SecurityStamp = NewStamp();
        await db.SaveChangesAsync(ct);
    }

    private async Task<UserAccount> FindAsync(Guid userId, CancellationToken ct) =>
        await db.UserAccounts.SingleOrDefaultAsync(u => u.Id == userId, ct)
        ?? throw new DomainException("account.not-found", "No such account.", DomainErrorKind.NotFound);
}
