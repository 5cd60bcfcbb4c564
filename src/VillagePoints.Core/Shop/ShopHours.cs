using VillagePoints.Core.Data;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Shop;

/// <summary>
/// When a village's points supermarket is open (营业时间): some days of the week, one span of village time.
/// A checkout outside these hours is allowed (a clerk may serve a neighbour at the door) but marked.
/// </summary>
public static class ShopHours
{
    /// <summary>All seven days: Monday is bit 0, Sunday bit 6.</summary>
    public const int EveryDay = 0b111_1111;

    public static int Bit(DayOfWeek day) => 1 << (((int)day + 6) % 7);

    public static bool OpensOn(VillageSettings settings, DayOfWeek day) => (settings.ShopDays & Bit(day)) != 0;

    /// <summary>The open days, Monday first.</summary>
    public static IReadOnlyList<DayOfWeek> Days(VillageSettings settings) =>
        [.. Enumerable.Range(0, 7).Select(i => (DayOfWeek)((i + 1) % 7)).Where(d => OpensOn(settings, d))];

    public static bool IsOpen(VillageSettings settings, DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, BusinessCalendar.Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return OpensOn(settings, local.DayOfWeek) && time >= settings.ShopOpensAt && time < settings.ShopClosesAt;
    }
}
