using System.Text.RegularExpressions;

namespace VillagePoints.Core.Notices;

/// <summary>
/// Keeps phone and ID numbers off the notice. Reasons are written by people, and people write numbers: any run of
/// eleven or more digits (ASCII or full-width, spaces and dashes inside allowed) keeps its first three and last two
/// digits and loses the rest.
/// </summary>
public static partial class PublicText
{
    public static string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return LongNumber().Replace(text, m =>
        {
            var digits = m.Value.Where(c => c is not (' ' or '-' or '\u3000')).ToArray();
            if (digits.Length < 11)
                return m.Value;
            return new string(digits[..3]) + new string('*', digits.Length - 5) + new string(digits[^2..]);
        });
    }

    [GeneratedRegex(@"[0-9０-９](?:[ \-\u3000]?[0-9０-９xXｘＸ]){10,}")]
    private static partial Regex LongNumber();
}
