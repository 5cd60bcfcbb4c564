using System.Globalization;
using Microsoft.Extensions.Localization;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.Shop;

/// <summary>How the shop's hours, deadlines and states read on the villager's and the clerk's pages.</summary>
public static class ShopText
{
    /// <summary>An instant in village time: the date as the ledger writes it, then the hour.</summary>
    public static string When(this IStringLocalizer text, DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, BusinessCalendar.Zone);
        return text.Date(DateOnly.FromDateTime(local.DateTime)) + " " + local.ToString("HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>The open days, Monday first, in the reader's language (周一、周三 / Mon, Wed).</summary>
    public static string Days(IStringLocalizer text, VillageSettings settings)
    {
        var days = ShopHours.Days(settings);
        if (days.Count == 7)
            return text["ShopBrowse.EveryDay"].Value;
        if (days.Count == 0)
            return text["ShopBrowse.NoDays"].Value;
        var names = days.Select(d => CultureInfo.CurrentCulture.DateTimeFormat.GetAbbreviatedDayName(d));
        return string.Join(CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.Ordinal) ? ", " : "、", names);
    }

    public static string Hours(VillageSettings settings) =>
        settings.ShopOpensAt.ToString("HH:mm", CultureInfo.InvariantCulture) + "–" + settings.ShopClosesAt.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string State(this IStringLocalizer text, ReservationState state) => text.Named("Reservation.State.", state.ToString());

    public static string Limit(this IStringLocalizer text, int limit, LimitPeriod period, string unit) =>
        text[period == LimitPeriod.Year ? "ShopBrowse.LimitYear" : "ShopBrowse.LimitMonth", limit, unit].Value;
}

/// <summary>A reservation's lines for the shared partial, in the reader's language.</summary>
public sealed record ReservationLinesView(ReservationView Reservation, bool Chinese);
