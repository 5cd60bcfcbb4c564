using System.Globalization;

namespace VillagePoints.Core.Notices;

/// <summary>A notice's month: written yyyy-MM in routes and on paper, stored as yyyymm.</summary>
public static class NoticeMonth
{
    /// <summary>Reads yyyy-MM strictly (ASCII digits, months 01–12, years 2000–2999).</summary>
    public static int Parse(string? text)
    {
        if (text is { Length: 7 } && text[4] == '-'
            && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            && year is >= 2000 and <= 2999 && month is >= 1 and <= 12)
            return year * 100 + month;
        throw new DomainException("notice.month-invalid", "A notice's month is written yyyy-MM, e.g. 2026-10.");
    }

    public static string Format(int month) => string.Create(CultureInfo.InvariantCulture, $"{month / 100:0000}-{month % 100:00}");

    public static DateOnly FirstDay(int month) => new(month / 100, month % 100, 1);

    public static DateOnly LastDay(int month) => FirstDay(month).AddMonths(1).AddDays(-1);

    public static int Of(DateOnly day) => day.Year * 100 + day.Month;

    public static int Next(int month) => Of(FirstDay(month).AddMonths(1));

    public static int Previous(int month) => Of(FirstDay(month).AddMonths(-1));
}
