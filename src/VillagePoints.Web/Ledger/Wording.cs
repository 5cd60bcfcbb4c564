using System.Globalization;
using Microsoft.Extensions.Localization;

namespace VillagePoints.Web.Ledger;

/// <summary>How points, numbers and stored codes read on the pages, so every page says them alike.</summary>
public static class Wording
{
    /// <summary>The translation of a stored code, or the code itself when the resources do not know it yet.</summary>
    public static string Named(this IStringLocalizer text, string prefix, string value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text[prefix + value];
        return s.ResourceNotFound ? value : s.Value;
    }

    public static string Points(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>Always signed, with a true minus sign, so the direction never rests on colour alone.</summary>
    public static string Signed(long amount) => amount switch
    {
        > 0 => "+" + Points(amount),
        < 0 => "\u2212" + Points(Math.Abs(amount)),
        _ => "0",
    };

    /// <summary>Four digits, as on the door cards: 0001.</summary>
    public static string HouseholdNo(int number) => number.ToString("D4", CultureInfo.InvariantCulture);

    public static string Date(this IStringLocalizer text, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(text);
        return date.ToString(text["Format.Date"].Value, CultureInfo.CurrentCulture);
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>A page of ledger lines and where its paging links point.</summary>
/// <param name="BasePath">The page the lines belong to; paging adds <c>?before=</c> to it.</param>
public sealed record LedgerLinesView(IReadOnlyList<LedgerLine> Lines, string BasePath, long? Before, long? NextBefore)
{
    public string PageFrom(long before) => string.Create(CultureInfo.InvariantCulture, $"{BasePath}?before={before}");

    /// <summary>Opens the page that starts at entry <paramref name="number"/>, scrolled to it.</summary>
    public string EntryLink(long number) => string.Create(CultureInfo.InvariantCulture, $"{PageFrom(number + 1)}#entry-{number}");
}

public sealed record BalanceView(long Total, long Effective, long Publicised);
