using System.Text.RegularExpressions;

namespace VillagePoints.Core.Evidence;

/// <summary>
/// Where evidence photos' bytes live, by content key. The database keeps only the keys, so the bytes can
/// move to another store (a local folder today, an S3-compatible bucket later) without touching rows.
/// </summary>
public interface IEvidenceStore
{
    /// <summary>Stores the bytes under the key, replacing nothing half-written: readers see all or none.</summary>
    Task SaveAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct = default);

    /// <summary>The stored bytes, or null when the key holds nothing.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct = default);

    /// <summary>Removes the bytes; a missing key is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct = default);
}

/// <summary>
/// Content keys are made here, never from a user's file name: 32 hex digits of a fresh id, a suffix for
/// the thumbnail, and the extension. Anything else is refused by every store, so no key can name a path.
/// </summary>
public static partial class EvidenceKeys
{
    public static string NewPhoto(Guid id) => id.ToString("N") + ".jpg";

    public static string NewThumbnail(Guid id) => id.ToString("N") + "-thumb.jpg";

    public static bool IsValid(string? key) => key is not null && KeyPattern().IsMatch(key);

    public static void Check(string? key)
    {
        if (!IsValid(key))
            throw new ArgumentException("Not an evidence content key.", nameof(key));
    }

    [GeneratedRegex(@"^[0-9a-f]{32}(-thumb)?\.jpg\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
