using System.Globalization;
using Microsoft.Extensions.Localization;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.Notices;

/// <summary>What <c>_NoticePrint</c> renders: the notice for the village board, in large type.</summary>
/// <param name="VerificationUrl">The absolute link the printed QR code holds.</param>
public sealed record NoticePrintView(NoticeDocument Doc, NoticePaper Paper, string VerificationUrl)
{
    /// <summary>The paper asked for in the query (a4 or a3); A4 when it names anything else.</summary>
    public static NoticePaper PaperFrom(string? paper) =>
        string.Equals(paper, "a3", StringComparison.OrdinalIgnoreCase) ? NoticePaper.A3 : NoticePaper.A4;

    public string PaperClass => Paper == NoticePaper.A3 ? "notice-print-a3" : "notice-print-a4";
}

/// <summary>How a notice's words and figures read on the print layout; the PDF has its own table in Core.</summary>
public static class NoticePrintText
{
    public static string Title(this IStringLocalizer text, NoticeDocument doc)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(doc);
        return text["NoticeDoc.Title", doc.VillageName, text.MonthName(doc.Month)];
    }

    /// <summary>yyyy-MM as a reader says it: 2026年11月, November 2026.</summary>
    public static string MonthName(this IStringLocalizer text, string month)
    {
        ArgumentNullException.ThrowIfNull(text);
        return DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            ? first.ToString(text["NoticeDoc.MonthFormat"].Value, CultureInfo.CurrentCulture)
            : month;
    }

    public static string Window(this IStringLocalizer text, NoticeDocument doc)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(doc);
        return doc.PublishedAt is { } opened && doc.WindowClosesAt is { } closes
            ? text["NoticeDoc.Window", text.Date(BusinessCalendar.DateOf(opened)), text.Date(BusinessCalendar.DateOf(closes))]
            : text["NoticeDoc.WindowPending", doc.PublicityWindowDays];
    }

    public static string ShortDate(this IStringLocalizer text, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(text);
        return date.ToString(text["NoticeDoc.ShortDate"].Value, CultureInfo.CurrentCulture);
    }

    /// <summary>Where an entry came from, in words; the stored code when the resources do not know it.</summary>
    public static string Channel(this IStringLocalizer text, string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return text.Named("NoticeDoc.Channel.", channel.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
    }

    /// <summary>The rule's name when the entry follows a rule, else its reason; a reversal names the entry it undoes.</summary>
    public static string EntryText(this IStringLocalizer text, NoticeLine line)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(line);
        var words = string.IsNullOrWhiteSpace(line.RuleName) ? line.Reason : line.RuleName;
        return line.Reverses is { } reversed ? $"{words}（{text["NoticeDoc.Reversal", reversed]}）" : words;
    }

    /// <summary>The black list's points are deductions, shown as such whichever sign the row carries.</summary>
    public static string BoardPoints(long points, bool deducted) => Wording.Signed(deducted ? -Math.Abs(points) : Math.Abs(points));

    public static string Direction(long amount) => amount > 0 ? "up" : amount < 0 ? "down" : "even";
}
