using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace VillagePoints.Core.Data;

/// <summary>
/// The one way a state-changing use case honours an <c>Idempotency-Key</c>: one key rule, one request
/// fingerprint, one store (<see cref="IdempotentRequest"/>). A use case looks its key up before it
/// starts (the cheap path for a retry), again after it holds its lock (a double tap that waited on
/// the lock gets the first answer, not a conflict), and remembers its answer in the same transaction
/// as its change. The store's primary key settles two requests that race past both look-ups.
/// </summary>
public static class Idempotency
{
    public const int MaxKeyLength = 100;

    /// <summary>A key is 1 to 100 printable ASCII characters, or absent.</summary>
    public static void ValidateKey(string? key)
    {
        if (key is null)
            return;
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '\x21' or > '\x7e'))
            throw new DomainException("idempotency.key-invalid", $"An Idempotency-Key is 1 to {MaxKeyLength} printable ASCII characters.");
    }

    /// <summary>Starts the fingerprint of one request to <paramref name="operation"/>.</summary>
    public static RequestFingerprint Fingerprint(string operation) => new(operation);

    /// <summary>
    /// The answer first given under <paramref name="key"/>, or null when the key is new (or absent).
    /// The same key sent with another operation or another request is a conflict.
    /// </summary>
    public static async Task<T?> ReplayAsync<T>(VillagePointsDb db, Guid villageId, string? key, string operation, string requestHash,
        CancellationToken ct)
    {
        if (key is null)
            return default;
        var earlier = await db.IdempotentRequests.AsNoTracking()
            .SingleOrDefaultAsync(r => r.VillageId == villageId && r.Key == key, ct);
        return earlier is null ? default : Answer<T>(earlier, operation, requestHash);
    }

    /// <summary>The earlier requests stored under any of <paramref name="keys"/>, by key.</summary>
    public static async Task<IReadOnlyDictionary<string, IdempotentRequest>> FindAsync(VillagePointsDb db, Guid villageId,
        IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
            return new Dictionary<string, IdempotentRequest>();
        return await db.IdempotentRequests.AsNoTracking()
            .Where(r => r.VillageId == villageId && keys.Contains(r.Key))
            .ToDictionaryAsync(r => r.Key, StringComparer.Ordinal, ct);
    }

    /// <summary>
    /// The answer stored under <paramref name="key"/> for <paramref name="operation"/>, whatever request it answered;
    /// null when the key is new, absent or was used for another operation. For a look-up that must recognise what a
    /// key wrote already (to leave it out of a duplicate check, say) without sending the request again.
    /// </summary>
    public static async Task<T?> PeekAsync<T>(VillagePointsDb db, Guid villageId, string? key, string operation, CancellationToken ct)
    {
        if (key is null)
            return default;
        var earlier = await db.IdempotentRequests.AsNoTracking()
            .SingleOrDefaultAsync(r => r.VillageId == villageId && r.Key == key, ct);
        return earlier is null || earlier.Operation != operation ? default : JsonSerializer.Deserialize<T>(earlier.ResponseJson);
    }

    /// <summary>The stored answer of an earlier request, after checking it was the same request.</summary>
    public static T Answer<T>(IdempotentRequest earlier, string operation, string requestHash)
    {
        if (earlier.Operation != operation || earlier.RequestHash != requestHash)
            throw Conflict();
        return JsonSerializer.Deserialize<T>(earlier.ResponseJson)!;
    }

    /// <summary>Keeps the answer under its key, to be saved in the same transaction as the change.</summary>
    public static void Remember<T>(VillagePointsDb db, Guid villageId, string? key, string operation, string requestHash, T response,
        DateTimeOffset at, int statusCode = 201)
    {
        if (key is null)
            return;
        db.IdempotentRequests.Add(new IdempotentRequest
        {
            VillageId = villageId,
            Key = key,
            Operation = operation,
            RequestHash = requestHash,
            StatusCode = statusCode,
            ResponseJson = JsonSerializer.Serialize(response),
            CreatedAt = at,
        });
    }

    public static DomainException Conflict() =>
        new("idempotency.conflict", "This Idempotency-Key was already used for a different request.", DomainErrorKind.Conflict);
}

/// <summary>
/// A canonical, culture-independent SHA-256 of a request's meaning. Every field is written with a type
/// tag and its length, so no value can run into the next one, and an absent value differs from an empty
/// one. Enums are written by name, as the API spells them.
/// </summary>
public sealed class RequestFingerprint
{
    private const string Version = "rq1";
    private readonly StringBuilder text = new();

    internal RequestFingerprint(string operation)
    {
        Add(Version);
        Add(operation);
    }

    public RequestFingerprint Add(string? value) => value is null ? Tag('n', "") : Tag('s', value);

    public RequestFingerprint Add(Guid? value) => value is { } v ? Tag('g', v.ToString("N")) : Tag('n', "");

    public RequestFingerprint Add(long? value) => value is { } v ? Tag('i', v.ToString(CultureInfo.InvariantCulture)) : Tag('n', "");

    public RequestFingerprint Add(bool value) => Tag('b', value ? "1" : "0");

    public RequestFingerprint Add(DateOnly? value) =>
        value is { } v ? Tag('d', v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : Tag('n', "");

    public RequestFingerprint Add<TEnum>(TEnum value) where TEnum : struct, Enum => Tag('e', value.ToString());

    /// <summary>A list: its count, then each item as <paramref name="add"/> writes it.</summary>
    public RequestFingerprint AddList<T>(IReadOnlyCollection<T> items, Action<RequestFingerprint, T> add)
    {
        Tag('l', items.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var item in items)
            add(this, item);
        return this;
    }

    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));

    private RequestFingerprint Tag(char tag, string value)
    {
        text.Append(tag).Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
        return this;
    }
}
