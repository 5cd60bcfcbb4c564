using System.Text;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;

namespace VillagePoints.Web.Tests.Notices;

/// <summary>A village with last month's entries to publish: household 1 is 黄小敏, whose phone must never reach a public notice.</summary>
internal static class NoticeTestKit
{
    public const string Phone = "13800001234";
    public const string FullName = "黄小敏";
    public const string MaskedName = "黄*敏";

    public static readonly DateOnly Today = BusinessCalendar.Today(TimeProvider.System);
    public static readonly DateOnly LastMonthDay = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1);
    public static readonly int LastMonth = NoticeMonth.Of(LastMonthDay);
    public static readonly string LastMonthText = NoticeMonth.Format(LastMonth);
    public static readonly int ThisMonth = NoticeMonth.Of(Today);

    /// <summary>Two households; last month an award for 黄小敏 (its reason carrying her phone) and a deduction for household 2.</summary>
    public static async Task<ArrangedVillage> ArrangeLastMonthAsync(TestDatabase database)
    {
        var v = await VillageBuilder.ArrangeAsync(database, 2);
        await using var db = database.NewContext();
        var household = await db.Households.SingleAsync(h => h.VillageId == v.VillageId && h.Id == v.HouseholdIds[0]);
        household.HeadName = FullName;
        household.Phone = Phone;
        await db.SaveChangesAsync();
        var posting = new LedgerPosting(db, TimeProvider.System);
        await posting.PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[0], 10, EntryKind.Award, $"清理河道，联系电话{Phone}", SourceKinds.Committee,
            OccurredOn: LastMonthDay));
        await posting.PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[1], -3, EntryKind.Deduction, "乱堆杂物", SourceKinds.Patrol,
            OccurredOn: LastMonthDay.AddDays(1)));
        return v;
    }

    public static async Task<Notice> PublishAsync(TestDatabase database, ArrangedVillage v, int month)
    {
        await using var db = database.NewContext();
        return await new NoticeDesk(db, new NoticeBuilder(db, TimeProvider.System), new LedgerPosting(db, TimeProvider.System), TimeProvider.System)
            .PublishAsync(new PublishNotice(v.VillageId, month, null));
    }

    /// <summary>Moves the notice's window end, as if it had been published that long ago.</summary>
    public static async Task SetWindowClosesAtAsync(TestDatabase database, ArrangedVillage v, int month, DateTimeOffset closes)
    {
        await using var db = database.NewContext();
        var utc = closes.ToUniversalTime();
        await db.Notices.Where(n => n.VillageId == v.VillageId && n.Month == month)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.WindowClosesAt, utc));
    }

    public static async Task SetMaskNamesAsync(TestDatabase database, ArrangedVillage v, bool mask)
    {
        await using var db = database.NewContext();
        var village = await db.Villages.SingleAsync(x => x.Id == v.VillageId);
        village.Settings.MaskNamesInPublic = mask;
        await db.SaveChangesAsync();
    }

    /// <summary>Every character of the PDF's text layer, in order, wrapped lines run together.</summary>
    public static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var text = new StringBuilder();
        foreach (var page in document.GetPages())
            foreach (var letter in page.Letters)
                text.Append(letter.Value);
        return text.ToString();
    }

    public static async Task<List<LedgerEntry>> EntriesAsync(TestDatabase database, ArrangedVillage v)
    {
        await using var db = database.NewContext();
        return await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == v.VillageId).OrderBy(e => e.Number).ToListAsync();
    }
}
