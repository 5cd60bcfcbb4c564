using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Review;

public sealed record InspectionRow(int Number, string Head);

public sealed record InspectionColumn(string Code, string Name, int Points, RuleDirection Direction);

/// <summary>
/// Group inspection (小组检查): the review group ticks a villager group's households against the checklist rules allowed on
/// the GroupInspection channel, and saves the whole grid at once as one batch of claims, or nothing if a mark is refused.
/// </summary>
[VillageScope(VillagePermission.ReviewClaims)]
public sealed class InspectionModel(GroupInspections inspections, VillagePointsDb db, TimeProvider time, IStringLocalizer<SharedResource> text)
    : PageModel
{
    [BindProperty(SupportsGet = true)] public int? Group { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? OccurredOn { get; set; }
    [BindProperty] public List<string> Marks { get; set; } = [];
    [BindProperty] public string FormKey { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>After saving: the inspection's number and how many claims it made.</summary>
    [BindProperty(SupportsGet = true)] public long? Done { get; set; }
    [BindProperty(SupportsGet = true)] public int? Count { get; set; }

    public Village Village { get; private set; } = null!;
    public IReadOnlyList<(int Number, string Name)> Groups { get; private set; } = [];
    public IReadOnlyList<InspectionRow> Rows { get; private set; } = [];
    public IReadOnlyList<InspectionColumn> Columns { get; private set; } = [];
    public string? Error { get; private set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public static string Mark(int householdNo, string ruleCode) => string.Create(CultureInfo.InvariantCulture, $"{householdNo}:{ruleCode}");

    public bool IsMarked(int householdNo, string ruleCode) => Marks.Contains(Mark(householdNo, ruleCode));

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var grant = HttpContext.Grant();
        var marks = new List<InspectionMark>();
        foreach (var m in Marks)
        {
            var parts = m.Split(':', 2);
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var household))
                marks.Add(new InspectionMark(household, parts[1]));
        }
        var key = FormKey is { Length: > 0 and <= 64 } k && k.All(char.IsAsciiLetterOrDigit) ? "ui-inspection-" + k : null;
        try
        {
            if (Group is not { } group)
                throw new DomainException("inspection.group-not-found", "No such villager group in this village.", DomainErrorKind.NotFound);
            var done = await inspections.RecordAsync(new RecordInspection(Village.Id, group, OccurredOn ?? BusinessCalendar.Today(time), marks,
                grant.UserId, key), ct);
            return Redirect(string.Create(CultureInfo.InvariantCulture,
                $"{VillagePath}/inspections/new?Group={group}&Done={done.InspectionNumber}&Count={done.Claims.Count}"));
        }
        catch (InspectionMarkException ex)
        {
            var reason = text[ex.Code];
            Error = text["inspection.mark", ex.Mark + 1, ex.What.HouseholdNo, ex.What.RuleCode, reason.ResourceNotFound ? ex.Message : reason.Value];
        }
        catch (DomainException ex)
        {
            var reason = text[ex.Code];
            Error = reason.ResourceNotFound ? ex.Message : reason.Value;
        }
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        OccurredOn ??= BusinessCalendar.Today(time);
        Groups = (await db.VillagerGroups.AsNoTracking().Where(g => g.VillageId == Village.Id).OrderBy(g => g.Number).ToListAsync(ct))
            .Select(g => (g.Number, g.Name)).ToList();
        Group ??= Groups.Count > 0 ? Groups[0].Number : null;
        var groupNo = Group;
        Rows = await db.Households.AsNoTracking().Where(h => h.VillageId == Village.Id)
            .Join(db.VillagerGroups.Where(g => g.VillageId == Village.Id && g.Number == groupNo), h => h.GroupId, g => g.Id, (h, g) => h)
            .OrderBy(h => h.Number).Select(h => new InspectionRow(h.Number, h.HeadName)).ToListAsync(ct);
        var rules = await db.Rules.AsNoTracking().Where(r => r.VillageId == Village.Id && r.RetiredAt == null).OrderBy(r => r.Code).ToListAsync(ct);
        var versions = (await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == Village.Id).ToListAsync(ct)).ToLookup(v => v.RuleId);
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        Columns = rules.Select(r => (Rule: r, Version: RuleBook.InForce(versions[r.Id], OccurredOn.Value)))
            .Where(x => x.Version is not null && x.Version.Channels.Contains(ClaimChannel.GroupInspection))
            .Select(x => new InspectionColumn(x.Rule.Code, english ? x.Rule.NameEn : x.Rule.NameZh, x.Version!.BasePoints, x.Rule.Direction)).ToList();
    }
}
