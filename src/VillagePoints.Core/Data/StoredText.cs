using System.Buffers;
using System.Globalization;
using System.Text;

namespace VillagePoints.Core.Data;

/// <summary>
/// Which characters stored text may hold. Every stored field is a single line read by people:
/// control characters (NUL is refused by PostgreSQL but kept by SQLite, so the two would differ),
/// bidirectional overrides and isolates (U+202E shows "+01" where "10+" is stored) and other invisible
/// format characters (zero-width spaces, tag characters) make a record read differently from what it holds.
/// </summary>
/// <remarks>
/// <see cref="VillagePointsDb"/> applies this to every text property it writes; use cases call
/// <see cref="Check"/> earlier, so the answer comes before any other work.
/// </remarks>
public static class StoredText
{
    public const string ForbiddenCode = "text.forbidden-characters";

    /// <summary>The zero-width joiners: emoji sequences and some scripts need them, and they reorder nothing.</summary>
    private const int ZeroWidthNonJoiner = 0x200C;
    private const int ZeroWidthJoiner = 0x200D;

    /// <summary>The index of the first character text may not hold, or -1 when all are allowed.</summary>
    public static int IndexOfForbidden(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length;)
        {
            // A lone surrogate is not text; encoders silently turn it into U+FFFD.
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done || IsForbidden(rune))
                return i;
            i += consumed;
        }
        return -1;
    }

    public static bool IsAllowed(ReadOnlySpan<char> text) => IndexOfForbidden(text) < 0;

    /// <summary>Throws <see cref="ForbiddenCode"/> when <paramref name="text"/> holds a character it may not; returns it otherwise.</summary>
    /// <param name="field">What the text is, for the message: "The reason", "The address".</param>
    public static string? Check(string? text, string field)
    {
        if (text is null)
            return null;
        var at = IndexOfForbidden(text);
        if (at < 0)
            return text;
        var code = Rune.DecodeFromUtf16(text.AsSpan(at), out var rune, out _) == OperationStatus.Done ? rune.Value : text[at];
        throw new DomainException(ForbiddenCode,
            $"{field} contains a control or invisible formatting character (U+{code:X4} at position {at + 1}); remove it and try again.");
    }

    private static bool IsForbidden(Rune rune)
    {
        if (rune.Value is ZeroWidthNonJoiner or ZeroWidthJoiner)
            return false;
        // Noncharacters: U+FDD0–U+FDEF and the last two code points of every plane.
        if (rune.Value is >= 0xFDD0 and <= 0xFDEF || (rune.Value & 0xFFFE) == 0xFFFE)
            return true;
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }
}
