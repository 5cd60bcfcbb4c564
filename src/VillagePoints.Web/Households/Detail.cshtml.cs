using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.Households;

/// <summary>One household's archive and its full ledger. Villagers may open their own; staff any in their village.</summary>
public sealed class HouseholdDetailModel(
    VillageAccess access, HouseholdQueries households, LedgerQueries ledger, LedgerPosting posting, IStringLocalizer<SharedResource> text) : PageModel
{
    public const int PageSize = 30;
    public static readonly EntryKind[] RecordableKinds = [EntryKind.Award, EntryKind.Deduction, EntryKind.Adjustment];

    /// <summary>
    /// Made when the form is shown and sent back with it, so a double tap or a resend on a weak
    /// signal records the change once.
    /// </summary>
    [BindProperty]
    public string FormKey { get; set; } = "";

    [BindProperty]
    public int? Amount { get; set; }

    [BindProperty]
    public EntryKind Kind { get; set; } = EntryKind.Award;

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public long? EntryNumber { get; set; }

    [BindProperty]
    public string? ReverseReason { get; set; }

    /// <summary>The entry just written, shown as a confirmation after the redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Done { get; set; }

    public bool CanRecord { get; private set; }

    public bool CanReverse { get; private set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public Village Village { get; private set; } = null!;

    public HouseholdDetail Household { get; private set; } = null!;

    public LedgerLinesView History { get; private set; } = null!;

    /// <summary>Staff came from the village register; a villager came from their own home page.</summary>
    public bool FromRegister { get; private set; }

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public async Task<IActionResult> OnGetAsync(string villageCode, int householdNo, CancellationToken ct)
    {
        FormKey = Guid.NewGuid().ToString("N");
        return await LoadAsync(villageCode, householdNo, ct) is { } missing ? missing : Page();
    }

    /// <summary>A committee member records an award, deduction or adjustment directly.</summary>
    public async Task<IActionResult> OnPostRecordAsync(string villageCode, int householdNo, CancellationToken ct)
    {
        if (await LoadAsync(villageCode, householdNo, ct) is { } missing)
            return missing;
        if (!CanRecord)
            return Forbid();
        if (!ModelState.IsValid || Amount is null || !RecordableKinds.Contains(Kind))
        {
            ModelState.AddModelError(nameof(Amount), text["entry.amount-range"]);
            return Page();
        }
        return await WriteAsync(nameof(Amount), nameof(Reason), async grant => await posting.PostAsync(new PostEntry(grant.Village.Id, householdId, Amount.Value, Kind,
            Reason ?? "", SourceKinds.Committee, SubmittedBy: grant.UserId, ApprovedBy: grant.UserId, IdempotencyKey: Key("record")), ct));
    }

    /// <summary>A committee member corrects one of this household's entries by reversing it.</summary>
    public async Task<IActionResult> OnPostReverseAsync(string villageCode, int householdNo, CancellationToken ct)
    {
        if (await LoadAsync(villageCode, householdNo, ct) is { } missing)
            return missing;
        if (!CanReverse)
            return Forbid();
        if (EntryNumber is not { } number || !await ledger.BelongsToAsync(Village.Id, householdId, number, ct))
        {
            ModelState.AddModelError(nameof(EntryNumber), text["entry.not-found"]);
            return Page();
        }
        return await WriteAsync(nameof(EntryNumber), nameof(ReverseReason), async grant =>
            await posting.ReverseAsync(new ReverseEntry(grant.Village.Id, number, ReverseReason ?? "", grant.UserId, Key("reverse")), ct));
    }

    private VillageGrant grant = null!;
    private Guid householdId;

    private string? Key(string action) =>
        FormKey.Length is > 0 and <= 64 && FormKey.All(char.IsAsciiLetterOrDigit) ? $"ui-{action}-{FormKey}" : null;

    /// <summary>Runs the write; a broken rule is shown beside the field it is about, in the user's language.</summary>
    private async Task<IActionResult> WriteAsync(string field, string reasonField, Func<VillageGrant, Task<LedgerEntry>> write)
    {
        try
        {
            var entry = await write(grant);
            return Redirect($"{VillagePath}/households/{Household.Number}?done={entry.Number}#entry-{entry.Number}");
        }
        catch (DomainException ex)
        {
            var message = text[ex.Code];
            var about = ex.Code.StartsWith("entry.reason", StringComparison.Ordinal) ? reasonField : field;
            ModelState.AddModelError(about, message.ResourceNotFound ? ex.Message : message.Value);
            return Page();
        }
    }

    /// <summary>Null when the page can be shown; otherwise the not-found answer.</summary>
    private async Task<IActionResult?> LoadAsync(string villageCode, int householdNo, CancellationToken ct)
    {
        var found = await access.GrantAsync(User, villageCode, ct);
        if (found is null)
            return NotFound();
        var household = await households.FindAsync(found.Village.Id, householdNo, ct);
        if (household is null || !found.CanReadHousehold(household.Id))
            return NotFound();

        grant = found;
        householdId = household.Id;
        CanRecord = grant.Has(VillagePermission.RecordEntries);
        CanReverse = grant.Has(VillagePermission.ReverseEntries);
        Village = grant.Village;
        FromRegister = grant.Has(VillagePermission.ReadHouseholds);
        Household = await households.DetailAsync(household, HouseholdDisclosure.For(grant, household.Id), ct);
        var page = await ledger.HistoryAsync(Village.Id, household.Id, household.Number, Before, PageSize, ct);
        History = new LedgerLinesView(page.Entries, $"{VillagePath}/households/{household.Number}", Before, page.NextBefore);
        return null;
    }
}
