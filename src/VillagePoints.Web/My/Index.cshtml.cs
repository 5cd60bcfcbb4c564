using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Households;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.My;

/// <summary>The villager's home: the household's points and, line by line, why they changed.</summary>
public sealed class MyHomeModel(VillageAccess access, VillagePointsDb db, HouseholdQueries households, LedgerQueries ledger, TimeProvider time) : PageModel
{
    public const int PageSize = 30;
    public const string Path = "/my";

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    /// <summary>Null when this login holds no villager role, e.g. a cadre without a household here.</summary>
    public HouseholdDetail? Household { get; private set; }

    public Village? Village { get; private set; }

    public LedgerLinesView? History { get; private set; }

    public bool IsStaff { get; private set; }

    public string? HouseholdPath { get; private set; }

    /// <summary>本月公示: the newest published notice, else last month's draft; null before the village's first month is over.</summary>
    public string? NoticePath { get; private set; }

    public string? NoticeMonth { get; private set; }

    public string ClaimsPath => $"/villages/{Uri.EscapeDataString(Village!.Code)}/claims";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var roles = await access.RolesAsync(User.UserId() ?? Guid.Empty, ct);
        IsStaff = VillageAccess.IsStaff(roles);
        var role = roles.Where(r => r is { Role: Role.Villager, HouseholdId: not null, VillageId: not null })
            .OrderBy(r => r.Id).FirstOrDefault();
        if (role is null)
            return Page();

        var villageId = role.VillageId!.Value;
        var household = await db.Households.AsNoTracking()
            .SingleOrDefaultAsync(h => h.VillageId == villageId && h.Id == role.HouseholdId, ct);
        Village = await db.Villages.AsNoTracking().SingleOrDefaultAsync(v => v.Id == villageId, ct);
        if (household is null || Village is null)
            return Page();

        // Phones stay masked here, as the API shows them to a villager.
        Household = await households.DetailAsync(household, new HouseholdDisclosure(Archive: true, FullPhones: false), ct);
        var page = await ledger.HistoryAsync(villageId, household.Id, household.Number, Before, PageSize, ct);
        History = new LedgerLinesView(page.Entries, Path, Before, page.NextBefore);
        HouseholdPath = $"/villages/{Uri.EscapeDataString(Village.Code)}/households/{household.Number}";
        var newest = await db.Notices.AsNoTracking().Where(n => n.VillageId == villageId).OrderByDescending(n => n.Month)
            .Select(n => (int?)n.Month).FirstOrDefaultAsync(ct);
        var month = newest ?? Core.Notices.NoticeMonth.Previous(Core.Notices.NoticeMonth.Of(BusinessCalendar.Today(time)));
        if (month >= Core.Notices.NoticeMonth.Of(Village.StartedOn))
        {
            NoticeMonth = Core.Notices.NoticeMonth.Format(month);
            NoticePath = $"/villages/{Uri.EscapeDataString(Village.Code)}/notices/{NoticeMonth}";
        }
        return Page();
    }
}
