using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Demo;

/// <summary>
/// Inserts many rows of one plain entity type (no owned types, no store-generated values) with multi-row
/// INSERT statements. The columns, and each value's conversion, come from the EF model's own mappings,
/// so a row reads back exactly as if SaveChanges had written it; it is only the per-row change tracking
/// that is skipped, which for the demo's tens of thousands of claims is most of the time.
/// </summary>
internal static class DemoBulkInsert
{
    // Both providers accept far more parameters than this in one statement.
    private const int MaxParameters = 30_000;

    /// <summary>PostgreSQL's binary COPY: one stream, no statement per row; values converted as EF would write them.</summary>
    private static async Task CopyAsync<T>(VillagePointsDb db, Npgsql.NpgsqlConnection connection, IReadOnlyList<T> rows, string table, string columns,
        List<RelationalTypeMapping> mappings, List<Microsoft.EntityFrameworkCore.Metadata.IClrPropertyGetter> getters, CancellationToken ct)
        where T : class
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var import = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var row in rows)
            {
                await import.StartRowAsync(ct);
                for (var c = 0; c < mappings.Count; c++)
                {
                    var value = getters[c].GetClrValue(row);
                    if (value is not null && mappings[c].Converter is { } converter)
                        value = converter.ConvertToProvider(value);
                    if (value is null)
                        await import.WriteNullAsync(ct);
                    else
                        await import.WriteAsync(value, ct);
                }
            }
            await import.CompleteAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string Name(int row, int column) => string.Create(CultureInfo.InvariantCulture, $"@p{row}_{column}");

    public static async Task InsertAsync<T>(VillagePointsDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0)
            return;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName()!;
        var properties = entity.GetProperties().ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName())));
        var mappings = properties.Select(p => p.GetRelationalTypeMapping()).ToList();
        var getters = properties.Select(p => p.GetGetter()).ToList();
        // SQLite looks each named parameter up one by one, so long statements cost it quadratic time; one row per
        // statement, prepared once and executed again with new values, is its fast path. PostgreSQL pays per round trip.
        var perStatement = db.Database.IsSqlite() ? 1 : Math.Max(1, MaxParameters / properties.Count);

        string Statement(int count)
        {
            var text = new StringBuilder(64 + count * properties.Count * 8);
            text.Append("INSERT INTO ").Append(sql.DelimitIdentifier(table, entity.GetSchema())).Append(" (").Append(columns).Append(") VALUES ");
            for (var r = 0; r < count; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < properties.Count; c++)
                    text.Append(c == 0 ? "" : ", ").Append(Name(r, c));
                text.Append(')');
            }
            return text.ToString();
        }

        if (db.Database.GetDbConnection() is Npgsql.NpgsqlConnection npgsql)
        {
            await CopyAsync(db, npgsql, rows, sql.DelimitIdentifier(table, entity.GetSchema()), columns, mappings, getters, ct);
            return;
        }
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
            await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await using var command = connection.CreateCommand();
            command.Transaction = tx.GetDbTransaction();
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - start);
                var text = count == perStatement && command.CommandText.Length > 0 ? command.CommandText : Statement(count);
                if (text != command.CommandText)
                    command.CommandText = text;
                command.Parameters.Clear();
                for (var r = 0; r < count; r++)
                {
                    for (var c = 0; c < properties.Count; c++)
                        command.Parameters.Add(mappings[c].CreateParameter(command, Name(r, c), getters[c].GetClrValue(rows[start + r]),
                            properties[c].IsNullable));
                }
                await command.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            if (opened)
                await db.Database.CloseConnectionAsync();
        }
    }
}
