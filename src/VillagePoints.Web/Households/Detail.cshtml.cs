using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.Households;

/// <summary>What the committee member is asked to confirm before a direct record is written.</summary>
/// <param name="Twin">The same member's identical record of a moment ago, which must be confirmed again on purpose.</param>
/// <param name="OwnHousehold">It waits because the member's role links them to this household, whatever the amount.</param>
public sealed record RecordPreview(int Amount, EntryKind Kind, string Reason, bool NeedsSecondMember, bool OwnHousehold, int Threshold, RecentTwin? Twin);

/// <summary>One line of the error summary at the top of the page, linking to the field it is about.</summary>
public sealed record ErrorLink(string Message, string? Target);

/// <summary>
/// One household's archive and its full ledger. Villagers may open their own; staff any in their village.
/// Committee members record directly (after a confirmation step), review each other's larger records,
/// and reverse a line from the line itself.
/// </summary>
public sealed class HouseholdDetailModel(
    VillageAccess access, HouseholdQueries households, LedgerQueries ledger, LedgerPosting posting, DirectRecording recording,
    DirectRecordQueries directRecords, IStringLocalizer<SharedResource> text) : PageModel
{
    public const int PageSize = 30;
    public static readonly EntryKind[] RecordableKinds = DirectRecording.Kinds;

    /// <summary>
    /// Made when the form is shown and carried through the confirmation step (whose address holds it), so a
    /// double tap, a resend on a weak signal or going back to the confirmation records the change once.
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public string FormKey { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public int? Amount { get; set; }

    [BindProperty(SupportsGet = true)]
    public EntryKind Kind { get; set; } = EntryKind.Award;

    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    /// <summary>
    /// Ticked to record the same change again on purpose. A browser refills a form when going back to it but
    /// makes the page afresh, with a new key; an identical record by the same member within
    /// <see cref="TwinWindow"/> is therefore written only with this.
    /// </summary>
    [BindProperty]
    public string? Again { get; set; }

    public static readonly TimeSpan TwinWindow = TimeSpan.FromMinutes(30);

    /// <summary>The entry a committee member chose to reverse from its ledger line.</summary>
    [BindProperty(SupportsGet = true, Name = "reverse")]
    public long? EntryNumber { get; set; }

    [BindProperty]
    public string? ReverseReason { get; set; }

    [BindProperty]
    public long? DirectRecordNumber { get; set; }

    [BindProperty]
    public string? RejectReason { get; set; }

    /// <summary>The entry just written, shown as a confirmation after the redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Done { get; set; }

    /// <summary>The direct record just submitted or resolved, shown after the redirect.</summary>
    [BindProperty(SupportsGet = true, Name = "record")]
    public long? RecordDone { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public bool CanRecord { get; private set; }

    public bool CanReverse { get; private set; }

    public RecordPreview? Preview { get; private set; }

    public LedgerLine? ReverseTarget { get; private set; }

    public DirectRecordView? ResolvedRecord { get; private set; }

    public IReadOnlyList<PendingDirectRecord> Pending { get; private set; } = [];

    public List<ErrorLink> Errors { get; } = [];

    public string? ErrorFor(string target) => Errors.FirstOrDefault(e => e.Target == target)?.Message;

    public Village Village { get; private set; } = null!;

    public HouseholdDetail Household { get; private set; } = null!;

    public LedgerLinesView History { get; private set; } = null!;

    /// <summary>Staff came from the village register; a villager came from their own home page.</summary>
    public bool FromRegister { get; private set; }

    public Guid UserId => grant.UserId;

    /// <summary>A record on one's own household is for someone else to review.</summary>
    public bool OwnHousehold => grant.OwnHouseholds.Contains(householdId);

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string HouseholdPath => string.Create(CultureInfo.InvariantCulture, $"{VillagePath}/households/{Household.Number}");

    /// <summary>Back to the record form with what was typed, to change it before confirming.</summary>
    public string EditLink => $"{HouseholdPath}?Kind={Kind}&Amount={Amount?.ToString(CultureInfo.InvariantCulture)}&Reason={Uri.EscapeDataString(Reason ?? "")}#record-form";

    public async Task<IActionResult> OnGetAsync(string villageCode, int householdNo, CancellationToken ct)
    {
        FormKey = NewFormKey();
        if (await LoadAsync(villageCode, householdNo, ct) is { } missing)
            return missing;
        if (EntryNumber is { } number && CanReverse)
            await LoadReverseTargetAsync(number, forWrite: false, ct);
        return Page();
    }

    /// <summary>
    /// The confirmation step: checks the record and shows what will be written, without writing.
    /// A GET, so going back to it is harmless and its key travels in its own address.
    /// </summary>
    public async Task<IActionResult> OnGetPreviewAsync(string villageCode, int householdNo, CancellationToken ct)
    {
        if (!IsFormKey(FormKey))
            FormKey = NewFormKey();
        if (await LoadAsync(villageCode, householdNo, ct) is { } missing)
            return missing;
        if (!CanRecord)
            return Forbid();
        if (!AmountIsReadable())
            return Page();
        try
        {
            await ShowPreviewAsync(ct);
        }
        catch (DomainException ex)
        {
            AddError(ex.Code, FieldFor(ex.Code), ex.Message);
        }
        return Page();
    }

    /// <summary>A committee member confirms a direct record: it posts, or waits for a second member above the threshold.</summary>
    public async Task<IActionResult> OnPostRecordAsync(string villageCode, int householdNo, CancellationToken ct)
    {
        if (await LoadAsync(villageCode, householdNo, ct) is { } missing)
            return missing;
        if (!CanRecord)
            return Forbid();
        if (!AmountIsReadable())
            return Page();
        try
        {
            var command = Command() with { IdempotencyKey = Key("record") };
            if (await recording.RecentTwinAsync(command, TwinWindow, ct) is { } twin && Again != twin.Marker)
            {
                await ShowPreviewAsync(ct);
                AddError("Committee.TwinNotRecorded", "record-again", "");
                return Page();
            }
            var outcome = await recording.RecordAsync(command, ct);
            return outcome.Waiting is { } waiting
                ? Redirect(string.Create(CultureInfo.InvariantCulture, $"{HouseholdPath}?record={waiting.Number}"))
                : Redirect(string.Create(CultureInfo.InvariantCulture, $"{HouseholdPath}?done={outcome.Entry!.Number}"));
        }
        catch (DomainException ex)
        {
            if (ex.Code == "idempotency.conflict")
            {
                // The form was sent once already with other values (refilled after going back, then changed):
                // a fresh form lets the member check and send the new values on purpose.
                FormKey = NewFormKey();
                ModelState.Remove(nameof(FormKey));
                AddError("Committee.FormUsed", "record-amount", "");
            }
            else
            {
                AddError(ex.Code, FieldFor(ex.Code), ex.Message);
            }
            return Page();
        }
    }

    /// <summary>A committee member corrects one of this household's entries by reversing it, from the line's own action.</summary>
    public async Task<IActionResult> OnPostReverseAsync(string villageCode, int householdNo, CancellationToken ct)
    {
        if (await LoadAsync(villageCode, householdNo, ct) is { } missing)
            return missing;
        if (!CanReverse)
            return Forbid();
        // Whether it is reversed already is for the ledger to say: a double tap then gets the first reversal back.
        if (EntryNumber is not { } number || !await LoadReverseTargetAsync(number, forWrite: true, ct))
            return Page();
        try
        {
            var entry = await posting.ReverseAsync(new ReverseEntry(grant.Village.Id, number, ReverseReason ?? "", grant.UserId, Key("reverse")), ct);
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{HouseholdPath}?done={entry.Number}"));
        }
        catch (DomainException ex)
        {
            var aboutReason = ex.Code.StartsWith("entry.reason", StringComparison.Ordinal);
            if (!aboutReason)
                ReverseTarget = null;
            AddError(ex.Code, aboutReason ? "reverse-reason" : null, ex.Message);
            return Page();
        }
    }

    public Task<IActionResult> OnPostApproveAsync(string villageCode, int householdNo, CancellationToken ct) =>
        ResolveAsync(villageCode, householdNo, (c, token) => recording.ApproveAsync(c, token), ct);

    public Task<IActionResult> OnPostRejectAsync(string villageCode, int householdNo, CancellationToken ct) =>
        ResolveAsync(villageCode, householdNo, (c, token) => recording.RejectAsync(c with { Note = RejectReason }, token), ct);

    public Task<IActionResult> OnPostWithdrawAsync(string villageCode, int householdNo, CancellationToken ct) =>
        ResolveAsync(villageCode, householdNo, (c, token) => recording.WithdrawAsync(c, token), ct);

    private VillageGrant grant = null!;
    private Guid householdId;

    private async Task<IActionResult> ResolveAsync(string villageCode, int householdNo,
        Func<ResolveDirectRecord, CancellationToken, Task<DirectRecord>> resolve, CancellationToken ct)
    {
        if (await LoadAsync(villageCode, householdNo, ct) is { } missing)
            return missing;
        if (!CanRecord)
            return Forbid();
        // Only this household's records are acted on from its page.
        if (DirectRecordNumber is not { } number || await directRecords.FindAsync(Village.Id, number, ct) is not { } found
            || found.HouseholdNumber != Household.Number)
        {
            AddError("direct-record.not-found", null, "");
            return Page();
        }
        try
        {
            var record = await resolve(new ResolveDirectRecord(grant.Village.Id, number, grant.UserId), ct);
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"{HouseholdPath}?record={record.Number}"));
        }
        catch (DomainException ex)
        {
            var target = ex.Code is "direct-record.reason-required" or "entry.reason-too-long"
                ? string.Create(CultureInfo.InvariantCulture, $"reject-reason-{number}")
                : string.Create(CultureInfo.InvariantCulture, $"direct-record-{number}");
            AddError(ex.Code, target, ex.Message);
            return Page();
        }
    }

    private async Task ShowPreviewAsync(CancellationToken ct)
    {
        var command = Command() with { IdempotencyKey = Key("record") };
        var check = await recording.CheckAsync(command, ct);
        Preview = new RecordPreview(Amount!.Value, Kind, Reason!.Trim(), check.WaitsForSecondMember, check.OwnHousehold && !check.AboveThreshold,
            check.Settings.TwoReviewerThreshold, await recording.RecentTwinAsync(command, TwinWindow, ct));
    }

    private RecordDirectly Command() => new(grant.Village.Id, householdId, Amount ?? 0, Kind, Reason ?? "", grant.UserId);

    /// <summary>
    /// A value the form could not read (10.5 or letters as the amount, an unknown kind) is reported beside its field in the
    /// user's language, naming the value typed (model binding's message, localized at start-up); an empty amount asks for one.
    /// </summary>
    private bool AmountIsReadable()
    {
        var amountInvalid = ModelState.GetFieldValidationState(nameof(Amount)) == ModelValidationState.Invalid;
        var kindInvalid = ModelState.GetFieldValidationState(nameof(Kind)) == ModelValidationState.Invalid;
        if (Amount is not null && !amountInvalid && !kindInvalid)
            return true;
        var amountMessage = BindingError(nameof(Amount));
        var kindMessage = BindingError(nameof(Kind));
        ModelState.Remove(nameof(Amount));
        ModelState.Remove(nameof(Kind));
        if (amountMessage is not null)
            Errors.Add(new ErrorLink(amountMessage, "record-amount"));
        else if (amountInvalid || Amount is null)
            AddError("Committee.AmountUnreadable", "record-amount", "");
        if (kindInvalid)
        {
            if (kindMessage is not null)
                Errors.Add(new ErrorLink(kindMessage, "record-kind"));
            else
                AddError("Binding.Invalid", "record-kind", "");
        }
        return false;
    }

    private string? BindingError(string key) =>
        ModelState.TryGetValue(key, out var entry) ? entry.Errors.Select(e => e.ErrorMessage).FirstOrDefault(m => !string.IsNullOrEmpty(m)) : null;

    private bool IsFormKey(string? key) => key is { Length: > 0 and <= 64 } && key.All(char.IsAsciiLetterOrDigit);

    private static string NewFormKey() => Guid.NewGuid().ToString("N");

    private string? Key(string action) => IsFormKey(FormKey) ? $"ui-{action}-{FormKey}" : null;

    private static string FieldFor(string code) => code switch
    {
        _ when code.StartsWith("entry.reason", StringComparison.Ordinal) => "record-reason",
        "entry.kind-not-allowed" => "record-kind",
        _ => "record-amount",
    };

    private void AddError(string code, string? target, string fallback)
    {
        var message = text[code];
        Errors.Add(new ErrorLink(message.ResourceNotFound ? fallback : message.Value, target));
    }

    /// <summary>
    /// The entry can be reversed from this page: it is this household's, and (when only showing the form) not a
    /// reversal and not reversed yet.
    /// </summary>
    private async Task<bool> LoadReverseTargetAsync(long number, bool forWrite, CancellationToken ct)
    {
        ReverseTarget = null;
        if (!await ledger.BelongsToAsync(Village.Id, householdId, number, ct))
        {
            AddError("entry.not-found", null, "");
            return false;
        }
        var line = History.Lines.FirstOrDefault(l => l.Number == number)
            ?? (await ledger.HistoryAsync(Village.Id, householdId, Household.Number, number + 1, 1, ct)).Entries.Single();
        if (forWrite)
            ReverseTarget = line;
        else if (line.Kind == EntryKind.Reversal)
            AddError("entry.reverse-reversal", null, "");
        else if (line.ReversedByEntry is not null)
            AddError("entry.already-reversed", null, "");
        else
            ReverseTarget = line;
        return ReverseTarget is not null;
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
        History = new LedgerLinesView(page.Entries, HouseholdPath, Before, page.NextBefore);
        if (CanRecord)
        {
            Pending = await directRecords.PendingForHouseholdAsync(Village.Id, household.Id, ct);
            if (RecordDone is { } n && await directRecords.FindAsync(Village.Id, n, ct) is { } record && record.HouseholdNumber == household.Number)
                ResolvedRecord = record;
        }
        return null;
    }
}
