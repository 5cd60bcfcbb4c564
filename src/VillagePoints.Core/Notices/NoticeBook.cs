using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Notices;

/// <summary>One line of a village's list of notices.</summary>
/// <param name="State">draft, published or closed.</param>
public sealed record NoticeListItem(string Month, string State, DateTimeOffset? PublishedAt, DateTimeOffset? WindowClosesAt,
    DateTimeOffset? ClosedAt, long? HeadNumber);

/// <summary>
/// Reads notices: a published one from its frozen document (fast, and exactly what was on the board), a draft by
/// building it. Public readers get only published notices, with names masked where the village says so.
/// </summary>
public sealed class NoticeBook(VillagePointsDb db, NoticeBuilder builder, TimeProvider time)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(NoticeDocument doc) => JsonSerializer.Serialize(doc, Json);

    public static string Hash(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));

    /// <summary>A village's notice of <paramref name="month"/>, for its members: the draft when the month is not published yet.</summary>
    public async Task<NoticeDocument> ReadAsync(Guid villageId, int month, CancellationToken ct = default)
    {
        var notice = await db.Notices.AsNoTracking().SingleOrDefaultAsync(n => n.VillageId == villageId && n.Month == month, ct);
        return notice is null ? await builder.BuildDraftAsync(villageId, month, ct) : Thaw(notice);
    }

    /// <summary>A published notice for anyone, masked as the village's privacy setting says; null when there is none.</summary>
    public async Task<NoticeDocument?> ReadPublicAsync(string villageCode, string month, CancellationToken ct = default)
    {
        var m = NoticeMonth.Parse(month);
        var village = await db.Villages.AsNoTracking().Where(v => v.Code == villageCode)
            .Select(v => new { v.Id, v.Settings.MaskNamesInPublic }).SingleOrDefaultAsync(ct);
        if (village is null)
            return null;
        var notice = await db.Notices.AsNoTracking().SingleOrDefaultAsync(n => n.VillageId == village.Id && n.Month == m, ct);
        if (notice is null)
            return null;
        var doc = Thaw(notice);
        return village.MaskNamesInPublic ? doc.Masked() : doc;
    }

    /// <summary>
    /// A village's notices, newest first. With <paramref name="includeDrafts"/>, the months after the latest published
    /// one up to this month are listed as drafts.
    /// </summary>
    public async Task<IReadOnlyList<NoticeListItem>> ListAsync(Guid villageId, bool includeDrafts, CancellationToken ct = default)
    {
        var notices = await db.Notices.AsNoTracking().Where(n => n.VillageId == villageId).OrderByDescending(n => n.Month)
            .Select(n => new { n.Month, n.State, n.PublishedAt, n.WindowClosesAt, n.ClosedAt, n.HeadNumber }).ToListAsync(ct);
        var list = new List<NoticeListItem>();
        if (includeDrafts)
        {
            var started = await db.Villages.AsNoTracking().Where(v => v.Id == villageId).Select(v => v.StartedOn).SingleAsync(ct);
            var from = notices.Count > 0 ? NoticeMonth.Next(notices[0].Month) : NoticeMonth.Of(started);
            for (var m = NoticeMonth.Of(BusinessCalendar.Today(time)); m >= from; m = NoticeMonth.Previous(m))
                list.Add(new NoticeListItem(NoticeMonth.Format(m), NoticeDocument.Draft, null, null, null, null));
        }
        list.AddRange(notices.Select(n => new NoticeListItem(NoticeMonth.Format(n.Month), StateWord(n.State), n.PublishedAt, n.WindowClosesAt,
            n.ClosedAt, n.HeadNumber)));
        return list;
    }

    public static string StateWord(NoticeState state) => state == NoticeState.Closed ? NoticeDocument.Closed : NoticeDocument.Published;

    /// <summary>The frozen document, with the lifecycle as it stands now.</summary>
    public static NoticeDocument Thaw(Notice notice)
    {
        var doc = JsonSerializer.Deserialize<NoticeDocument>(notice.Document, Json)
            ?? throw new InvalidOperationException($"Notice {notice.Id} has an empty document.");
        return doc with
        {
            State = StateWord(notice.State),
            PublishedAt = notice.PublishedAt,
            WindowClosesAt = notice.WindowClosesAt,
            ClosedAt = notice.ClosedAt,
        };
    }
}
