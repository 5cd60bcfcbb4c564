using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace VillagePoints.Core.Data;

/// <summary>
/// Runs a whole use case again when the database says another writer got there first: an optimistic
/// check, a serialization failure, a deadlock, SQLite busy, or a unique conflict on a constraint that
/// concurrent writers race for (<see cref="RaceConstraints"/>, plus any the use case names). Any other
/// unique conflict is a real duplicate and answers 409 at once: retrying cannot help, and it can mean
/// an earlier attempt was saved after all (a commit whose acknowledgement was lost).
/// The database decides; nothing here relies on in-process locks.
/// </summary>
public static partial class WriteRetry
{
    public const int MaxAttempts = 8;

    /// <summary>Constraints two writers may race for; losing the race means "look again", not "duplicate".</summary>
    public static readonly IReadOnlySet<string> RaceConstraints = new HashSet<string>(StringComparer.Ordinal)
    {
        ConstraintNames.ChainHead,
        ConstraintNames.HouseholdBalance,
        ConstraintNames.HouseholdMonthTotal,
        ConstraintNames.EntryNumber,
        ConstraintNames.IdempotencyKey,
    };

    public static Task<T> RunAsync<T>(VillagePointsDb db, Func<CancellationToken, Task<T>> work, CancellationToken ct) =>
        RunAsync(db, work, [], ct);

    /// <param name="alsoRaces">Further unique constraints this use case races for, e.g. a household number.</param>
    public static async Task<T> RunAsync<T>(VillagePointsDb db, Func<CancellationToken, Task<T>> work,
        IReadOnlyCollection<string> alsoRaces, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work(ct);
            }
            catch (Exception ex) when (ex is not DomainException)
            {
                // The attempt's transaction is gone; what it left in the change tracker must not leak into the next.
                db.ChangeTracker.Clear();
                if (!IsTransient(ex, db, alsoRaces))
                {
                    if (UniqueConstraintOf(ex, db) is { } constraint)
                        throw new DomainException("write.duplicate",
                            $"This record exists already (unique constraint {constraint}); an earlier attempt may have saved it.",
                            DomainErrorKind.Conflict);
                    throw;
                }
                if (attempt >= MaxAttempts)
                {
                    // Every attempt was rolled back by the database, but say only what we know: it did not go through now.
                    throw new DomainException("write.contended",
                        "Many changes to the same records arrived at once and this one could not be completed. Check the result, then try again.",
                        DomainErrorKind.Conflict);
                }
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
            catch (DomainException)
            {
                db.ChangeTracker.Clear();
                throw;
            }
        }
    }

    public static bool IsTransient(Exception ex, VillagePointsDb db, IReadOnlyCollection<string>? alsoRaces = null)
    {
        if (IsUniqueViolation(ex))
            return UniqueConstraintOf(ex, db) is { } name && (RaceConstraints.Contains(name) || alsoRaces?.Contains(name) == true);
        return IsTransientFailure(ex);
    }

    private static bool IsTransientFailure(Exception ex) => ex switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException { InnerException: { } inner } => IsTransientFailure(inner),
        InvalidOperationException { InnerException: { } inner } => IsTransientFailure(inner),
        PostgresException pg => pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
        SqliteException sq => sq.SqliteErrorCode is 5 or 6,
        _ => false,
    };

    public static bool IsUniqueViolation(Exception ex) => ex switch
    {
        DbUpdateException { InnerException: { } inner } => IsUniqueViolation(inner),
        InvalidOperationException { InnerException: { } inner } => IsUniqueViolation(inner),
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sq => sq.SqliteErrorCode == 19 && sq.SqliteExtendedErrorCode is 1555 or 2067,
        _ => false,
    };

    /// <summary>
    /// The name of the unique index or key a write broke, as the model names it. PostgreSQL reports the
    /// name; SQLite reports only the table and columns, which the model maps back to the name.
    /// </summary>
    public static string? UniqueConstraintOf(Exception ex, VillagePointsDb db)
    {
        switch (ex)
        {
            case DbUpdateException { InnerException: { } inner }:
                return UniqueConstraintOf(inner, db);
            case InvalidOperationException { InnerException: { } inner }:
                return UniqueConstraintOf(inner, db);
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg:
                return pg.ConstraintName;
            case SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 1555 or 2067 } sq:
                var columns = SqliteUniqueFailure().Match(sq.Message);
                return columns.Success ? ConstraintNames.FromColumns(db.Model, columns.Groups[1].Value.Trim()) : null;
            default:
                return null;
        }
    }

    [GeneratedRegex("UNIQUE constraint failed: ([^']+)", RegexOptions.CultureInvariant)]
    private static partial Regex SqliteUniqueFailure();
}
