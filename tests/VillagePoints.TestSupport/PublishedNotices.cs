using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;

namespace VillagePoints.TestSupport;

/// <summary>
/// Puts a village's notice of a month on the board as a row, the way publishing freezes it, so tests of what happens
/// during and after a publicity window arrange their own notice.
/// </summary>
public static class PublishedNotices
{
    /// <summary>The month before today's in the village's calendar (yyyymm), and a day in it.</summary>
    public static int LastMonth => NoticeMonth.Previous(NoticeMonth.Of(BusinessCalendar.Today(TimeProvider.System)));

    public static DateOnly DayOfLastMonth => NoticeMonth.FirstDay(LastMonth).AddDays(2);

    /// <summary>Publishes <paramref name="month"/> as the ledger stands now, with its window closing at <paramref name="windowClosesAt"/>.</summary>
    public static async Task<Notice> PublishAsync(VillagePointsDb db, Guid villageId, int month, DateTimeOffset windowClosesAt,
        NoticeState state = NoticeState.Published)
    {
        var doc = await new NoticeBuilder(db, TimeProvider.System).BuildDraftAsync(villageId, month);
        var previous = await db.Notices.AsNoTracking().Where(n => n.VillageId == villageId).OrderByDescending(n => n.Month).FirstOrDefaultAsync();
        var json = NoticeBook.Serialize(doc);
        var now = BusinessCalendar.Truncate(DateTimeOffset.UtcNow);
        var notice = new Notice
        {
            VillageId = villageId, Id = Ids.New(), Month = month, State = state, HeadNumber = doc.ChainHead.EntryNumber,
            HeadHash = doc.ChainHead.Hash, PreviousMonth = previous?.Month ?? 0, PreviousHeadNumber = previous?.HeadNumber ?? 0,
            PublishedAt = now, WindowClosesAt = windowClosesAt, ClosedAt = state == NoticeState.Closed ? now : null,
            Document = json, DocumentHash = NoticeBook.Hash(json),
        };
        db.Notices.Add(notice);
        await db.SaveChangesAsync();
        return notice;
    }

    public static async Task<Notice> PublishAsync(TestDatabase database, Guid villageId, int month, DateTimeOffset windowClosesAt,
        NoticeState state = NoticeState.Published)
    {
        await using var db = database.NewContext();
        return await PublishAsync(db, villageId, month, windowClosesAt, state);
    }

    /// <summary>Closes the window as the closing job would leave the notice row (its entries are made effective separately).</summary>
    public static async Task CloseAsync(TestDatabase database, Guid villageId, int month)
    {
        await using var db = database.NewContext();
        var notice = await db.Notices.SingleAsync(n => n.VillageId == villageId && n.Month == month);
        notice.State = NoticeState.Closed;
        notice.ClosedAt = BusinessCalendar.Truncate(DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
    }
}
