using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Notices;

/// <summary>
/// Takes and gives back <see cref="JobLease"/>s, so a scheduled job shared by several app instances runs on one of them
/// at a time. Every change is a conditional write the database decides: an insert that only one instance can make, or an
/// update that only applies while the row still names the holder and expiry this instance read.
/// </summary>
public sealed class JobLeases(VillagePointsDb db, TimeProvider time)
{
    /// <summary>
    /// True when <paramref name="holder"/> holds the lease <paramref name="name"/> for the next <paramref name="duration"/>:
    /// it was free (no row, or expired), or it was already this holder's and is now renewed.
    /// </summary>
    public async Task<bool> TryTakeAsync(string name, string holder, TimeSpan duration, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var now = time.GetUtcNow();
        // Whole milliseconds: both databases store them exactly, so the value read back compares equal in the next WHERE.
        var expires = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero) + duration;

        // A lost race for the first insert is looked at again: the row is then there, and someone else's.
        return await WriteRetry.RunAsync(db, async token =>
        {
            var current = await db.JobLeases.AsNoTracking().SingleOrDefaultAsync(l => l.Name == name, token);
            if (current is null)
            {
                var lease = new JobLease { Name = name, Holder = holder, ExpiresAt = expires };
                db.JobLeases.Add(lease);
                await db.SaveChangesAsync(token);
                db.Entry(lease).State = EntityState.Detached;
                return true;
            }

            // SQLite cannot order instants in SQL, so whether it has expired is decided here; equality below works on both.
            if (current.Holder != holder && current.ExpiresAt > now)
                return false;
            var (readHolder, readExpiry) = (current.Holder, current.ExpiresAt);
            var changed = await db.JobLeases
                .Where(l => l.Name == name && l.Holder == readHolder && l.ExpiresAt == readExpiry)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, expires), token);
            // Zero rows: another instance renewed or took it over between the read and this write.
            return changed == 1;
        }, [ConstraintNames.JobLease], ct);
    }

    /// <summary>Gives the lease back early, if this holder still holds it, so another instance need not wait for its expiry.</summary>
    public async Task ReleaseAsync(string name, string holder, CancellationToken ct = default) =>
        await db.JobLeases.Where(l => l.Name == name && l.Holder == holder).ExecuteDeleteAsync(ct);
}
