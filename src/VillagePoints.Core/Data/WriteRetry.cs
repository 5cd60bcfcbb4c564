using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace VillagePoints.Core.Data;

/// <summary>
/// Runs a whole use case again when the database says another writer got there first
/// (optimistic check, unique key race, serialization failure, deadlock, SQLite busy).
/// The database decides; nothing here relies on in-process locks.
/// </summary>
public static class WriteRetry
{
    public const int MaxAttempts = 8;

    public static async Task<T> RunAsync<T>(VillagePointsDb db, Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work(ct);
            }
            catch (Exception ex) when (attempt < MaxAttempts && IsTransient(ex))
            {
                db.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
        }
    }

    public static bool IsTransient(Exception ex) => ex switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException { InnerException: { } inner } => IsTransient(inner),
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        PostgresException pg => pg.SqlState is PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation,
        SqliteException sq => sq.SqliteErrorCode is 5 or 6 || (sq.SqliteErrorCode == 19 && sq.SqliteExtendedErrorCode is 1555 or 2067),
        _ => false,
    };

    public static bool IsUniqueViolation(Exception ex) => ex switch
    {
        DbUpdateException { InnerException: { } inner } => IsUniqueViolation(inner),
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sq => sq.SqliteErrorCode == 19 && sq.SqliteExtendedErrorCode is 1555 or 2067,
        _ => false,
    };
}
