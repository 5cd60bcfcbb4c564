using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;

namespace VillagePoints.Web.Cli;

/// <summary>
/// <c>notice publish|close --village CODE --month YYYY-MM</c>: what the committee does on the notices page, for an
/// operator or a cron line. Exit codes: 0 done; 1 the command could not be understood (an unknown village, a month not
/// written yyyy-MM); 2 the notice's state refused it (published already, not published, closed already, month not over).
/// </summary>
public static class NoticeVerbs
{
    public static Command Create(Func<Func<VillagePointsDb, TimeProvider, Task<int>>, Task<int>> withDb, TextWriter stdout, TextWriter stderr)
    {
        var villageOption = new Option<string>("--village") { Description = "The village's code, e.g. shuixin.", Required = true };
        var monthOption = new Option<string>("--month") { Description = "The notice's month, yyyy-MM, e.g. 2026-10.", Required = true };

        var publish = new Command("publish", "Publish a month's notice: freeze it and open its publicity window.") { villageOption, monthOption };
        publish.SetAction((parse, ct) => withDb(async (db, time) =>
        {
            if (await ResolveAsync(db, parse.GetValue(villageOption)!, parse.GetValue(monthOption)!, stderr, ct) is not { } target)
                return 1;
            try
            {
                var notice = await Desk(db, time).PublishAsync(new PublishNotice(target.VillageId, target.Month, null), ct);
                var doc = NoticeBook.Thaw(notice);
                var closes = TimeZoneInfo.ConvertTime(notice.WindowClosesAt, BusinessCalendar.Zone);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Published {target.Code} {NoticeMonth.Format(target.Month)}: {doc.Summary.Households:N0} households, {doc.Summary.Entries:N0} entries, "
                    + $"head {notice.HeadNumber}:{notice.HeadHash[..12]}…; window closes {closes:yyyy-MM-dd HH:mm} ({BusinessCalendar.Zone.Id})."));
                return 0;
            }
            catch (DomainException ex)
            {
                stderr.WriteLine($"Not published: {target.Code} {NoticeMonth.Format(target.Month)}: {ex.Message}");
                return 2;
            }
        }));

        var close = new Command("close", "Close a published notice's publicity window now: its entries become effective.") { villageOption, monthOption };
        close.SetAction((parse, ct) => withDb(async (db, time) =>
        {
            if (await ResolveAsync(db, parse.GetValue(villageOption)!, parse.GetValue(monthOption)!, stderr, ct) is not { } target)
                return 1;
            var printed = $"{target.Code} {NoticeMonth.Format(target.Month)}";
            try
            {
                // No actor, as for the scheduled job: a notice the job closed first comes back as null.
                var closing = await Desk(db, time).CloseAsync(new CloseNotice(target.VillageId, target.Month, null), ct);
                if (closing is null)
                {
                    stderr.WriteLine($"Not closed: {printed}: that month's notice is closed already.");
                    return 2;
                }
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Closed {printed}: {closing.MadeEffective:N0} entries effective, {closing.HeldByObjections:N0} held by open objections."));
                return 0;
            }
            catch (DomainException ex)
            {
                stderr.WriteLine($"Not closed: {printed}: {ex.Message}");
                return 2;
            }
        }));

        return new Command("notice", "Publish a month's notice, or close its publicity window.") { publish, close };
    }

    private static NoticeDesk Desk(VillagePointsDb db, TimeProvider time) =>
        new(db, new NoticeBuilder(db, time), new LedgerPosting(db, time), time);

    private sealed record Target(Guid VillageId, string Code, int Month);

    private static async Task<Target?> ResolveAsync(VillagePointsDb db, string code, string month, TextWriter stderr, CancellationToken ct)
    {
        int parsed;
        try
        {
            parsed = NoticeMonth.Parse(month);
        }
        catch (DomainException)
        {
            stderr.WriteLine($"--month takes yyyy-MM in ASCII digits, e.g. 2026-10; '{month}' is not that.");
            return null;
        }
        var id = await db.Villages.AsNoTracking().Where(v => v.Code == code).Select(v => (Guid?)v.Id).SingleOrDefaultAsync(ct);
        if (id is null)
        {
            stderr.WriteLine($"No village with code '{code}'.");
            return null;
        }
        return new Target(id.Value, code, parsed);
    }
}
