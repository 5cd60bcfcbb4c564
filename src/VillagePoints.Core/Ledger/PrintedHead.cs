using System.Globalization;

namespace VillagePoints.Core.Ledger;

/// <summary>
/// A chain head as printed on a monthly notice and typed or scanned back: an entry number and that entry's
/// hash (64 hex digits), written <c>N:HASH</c>. Parsing is strict, so a mistyped head is refused with a code
/// that says which half is wrong, rather than checked and reported as tampering.
/// </summary>
public readonly record struct PrintedHead(long EntryNumber, string Hash)
{
    public const string EntryMalformed = "verification.entry-malformed";
    public const string HashMalformed = "verification.hash-malformed";
    public const string EntryUnknown = "verification.entry-unknown";

    /// <summary>How the head is written on paper: number, colon, hash.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{EntryNumber}:{Hash}");

    /// <summary>The two halves as typed into two fields; the hash may be in either case and padded with spaces.</summary>
    public static PrintedHead Parse(string? entry, string? hash) => new(ParseEntry(entry), ParseHash(hash));

    /// <summary>One field holding <c>N:HASH</c>, as copied from a notice.</summary>
    public static PrintedHead Parse(string? printed)
    {
        var text = printed?.Trim() ?? "";
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
            throw new DomainException(EntryMalformed, $"'{Shorten(text)}' is not a printed chain head: it is written ENTRY:HASH, an entry number, a colon and a 64-digit hash.");
        return Parse(text[..colon], text[(colon + 1)..]);
    }

    /// <summary>Whether a single field looks like <c>N:HASH</c> rather than a bare entry number.</summary>
    public static bool LooksCombined(string? text) => text?.Contains(':', StringComparison.Ordinal) == true;

    public static long ParseEntry(string? entry)
    {
        var text = entry?.Trim() ?? "";
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
            throw new DomainException(EntryMalformed, $"The entry number must be a whole number from 1 up; '{Shorten(text)}' is not.");
        return number;
    }

    public static string ParseHash(string? hash)
    {
        var text = hash?.Trim() ?? "";
        if (text.Length != 64 || !text.All(char.IsAsciiHexDigit))
            throw new DomainException(HashMalformed, $"The hash must be 64 hexadecimal digits (0-9, a-f); the one given has {text.Length} characters{(text.All(char.IsAsciiHexDigit) ? "" : " and others than those")}.");
        return text.ToLowerInvariant();
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
