using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Claims;
using VillagePoints.Web.Ledger;

namespace VillagePoints.Web.Notices;

/// <summary>What the objection pages share: the village, the form key, messages beside their fields.</summary>
public abstract class ObjectionPageModel(IStringLocalizer<SharedResource> text) : PageModel
{
    public const string ReasonField = "objection-reason";
    public const string PhotoField = "objection-photo";
    public const string AmountField = "objection-amount";
    public const string DecisionField = "objection-decision";

    /// <summary>Made when the form is shown; the write's idempotency key, so a resent form writes once.</summary>
    [BindProperty]
    public string FormKey { get; set; } = "";

    protected IStringLocalizer<SharedResource> Text => text;

    public Village Village { get; protected set; } = null!;
    public VillageGrant Grant { get; protected set; } = null!;
    public List<FieldError> Errors { get; } = [];

    public string VillagePath => $"/villages/{Uri.EscapeDataString(Village.Code)}";

    public string ObjectionPath(int number) => string.Create(CultureInfo.InvariantCulture, $"{VillagePath}/objections/{number}");

    public string EntryLabel(ObjectionEntry e)
    {
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        return (english ? e.RuleNameEn : e.RuleNameZh) ?? e.Reason;
    }

    public string? ErrorFor(string target) => Errors.FirstOrDefault(e => e.Target == target)?.Message;

    protected void Load()
    {
        Grant = HttpContext.Grant();
        Village = Grant.Village;
        if (!ClaimForms.IsFormKey(FormKey))
            FormKey = ClaimForms.NewFormKey();
    }

    protected void AddError(DomainException ex, string? target)
    {
        var message = text[ex.Code];
        Errors.Add(new FieldError(message.ResourceNotFound ? ex.Message : message.Value, target));
    }

    /// <summary>A form sent again with other values: a fresh key lets the user send the new values on purpose.</summary>
    protected void RenewKey()
    {
        FormKey = ClaimForms.NewFormKey();
        ModelState.Remove(nameof(FormKey));
    }
}

/// <summary>A villager objects (提出异议) to one entry of a published notice, with a reason and an optional photo.</summary>
public sealed class ObjectionNewModel(ObjectionDesk desk, ObjectionQueries queries, EvidenceIntake intake, IStringLocalizer<SharedResource> text)
    : ObjectionPageModel(text)
{
    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public IFormFile? Photo { get; set; }

    public ObjectableEntry Entry { get; private set; } = null!;

    public bool IsVillager => Grant.OwnHouseholds.Count > 0;

    public async Task<IActionResult> OnGetAsync(long entryNo, CancellationToken ct)
    {
        Load();
        return await LoadEntryAsync(entryNo, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(long entryNo, CancellationToken ct)
    {
        Load();
        if (!await LoadEntryAsync(entryNo, ct))
            return NotFound();
        // Objecting is a villager's right through their household; staff without one are refused before anything is stored.
        if (!IsVillager)
            return StatusCode(StatusCodes.Status403Forbidden);
        try
        {
            var photoId = await StorePhotoAsync(ct);
            var objection = await desk.RaiseAsync(new RaiseObjection(Village.Id, entryNo, Grant.UserId, Reason, photoId, $"ui-objection-{FormKey}"), ct);
            return Redirect($"{VillagePath}/objections/mine?raised={objection.Number.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (DomainException ex)
        {
            if (ex.Code == "idempotency.conflict")
                RenewKey();
            AddError(ex, ex.Code.StartsWith("evidence.", StringComparison.Ordinal) || ex.Code.StartsWith("objection.photo", StringComparison.Ordinal)
                ? PhotoField
                : ex.Code.StartsWith("objection.reason", StringComparison.Ordinal) || ex.Code.StartsWith("text.", StringComparison.Ordinal) ? ReasonField : null);
            return Page();
        }
    }

    /// <summary>
    /// The photo is checked and stored before the objection, under an id made from the form key, so a resent form finds
    /// the photo it stored and raises the same objection again (a replay), never a second photo.
    /// </summary>
    private async Task<Guid?> StorePhotoAsync(CancellationToken ct)
    {
        if (Photo is null || (Photo.Length == 0 && string.IsNullOrEmpty(Photo.FileName)))
            return null;
        var photos = await ClaimForms.PreparePhotosAsync([Photo], 0, ct);
        // The form key is the user's to choose; the id is made from it with the village and the user, so it names this form's photo only.
        var id = new Guid(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"objection-photo|{Village.Id:N}|{Grant.UserId:N}|{FormKey}")).AsSpan(0, 16));
        var upload = new EvidenceUpload(Village.Id, ObjectionEvidence.OwnerKind, id.ToString("N"), Grant.UserId, id);
        if (await intake.CountAsync(upload, ct) == 0)
            await intake.StoreAsync(upload, photos[0], ct);
        return id;
    }

    private async Task<bool> LoadEntryAsync(long entryNo, CancellationToken ct)
    {
        var entry = await queries.EntryAsync(Village.Id, entryNo, ct);
        if (entry is null)
            return false;
        Entry = entry;
        return true;
    }
}

/// <summary>Where objection photos are filed among the village's evidence.</summary>
public static class ObjectionEvidence
{
    public const string OwnerKind = ObjectionDesk.EvidenceOwnerKind;
}

/// <summary>The objections a villager's household raised, or that are about it, with what became of them.</summary>
public sealed class MyObjectionsModel(ObjectionQueries queries, IStringLocalizer<SharedResource> text) : ObjectionPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public int? Raised { get; set; }

    public IReadOnlyList<ObjectionView> Objections { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Load();
        Objections = await queries.MineAsync(Village.Id, Grant.UserId, Grant.OwnHouseholds.ToList(), ct);
    }
}

/// <summary>The committee's list of objections: open ones first.</summary>
[VillageScope(VillagePermission.DecideObjections)]
public sealed class ObjectionsModel(ObjectionQueries queries, IStringLocalizer<SharedResource> text) : ObjectionPageModel(text)
{
    public IReadOnlyList<ObjectionView> Objections { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Load();
        Objections = await queries.ListAsync(Village.Id, null, 200, ct);
    }
}

/// <summary>
/// One objection: the entry, the objector's reason (never who they are or their phone) and the decision. A committee
/// member upholds or dismisses it here, with a reason and, when upheld, an optional corrected amount.
/// </summary>
public sealed class ObjectionDetailModel(ObjectionDesk desk, ObjectionQueries queries, IStringLocalizer<SharedResource> text)
    : ObjectionPageModel(text)
{
    [BindProperty]
    public string? Decision { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public int? CorrectedAmount { get; set; }

    public ObjectionView Objection { get; private set; } = null!;

    public bool CanDecide => Grant.Has(VillagePermission.DecideObjections) && Objection.State == ObjectionState.Open;

    /// <summary>Objection photos are evidence: the village's staff and the two households see them, as with claim photos.</summary>
    public bool CanSeePhoto => Objection.PhotoId is not null && (Grant.Has(VillagePermission.ReadHouseholdRecords) || IsOwn);

    /// <summary>The reader's household raised the objection or is the one it is about (the evidence API lets them see its photo too).</summary>
    public bool IsOwn { get; private set; }

    public string EvidencePath(Guid id) => $"/api/v1/villages/{Uri.EscapeDataString(Village.Code)}/evidence/{id}";

    public async Task<IActionResult> OnGetAsync(int objectionNo, CancellationToken ct)
    {
        Load();
        return await LoadObjectionAsync(objectionNo, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(int objectionNo, CancellationToken ct)
    {
        Load();
        if (!await LoadObjectionAsync(objectionNo, ct))
            return NotFound();
        if (!Grant.Has(VillagePermission.DecideObjections))
            return StatusCode(StatusCodes.Status403Forbidden);
        if (ModelState[nameof(CorrectedAmount)] is { Errors.Count: > 0 })
        {
            ModelState.Remove(nameof(CorrectedAmount));
            Errors.Add(new FieldError(Text["Objection.AmountInvalid"].Value, AmountField));
            return Page();
        }
        if (Decision is not ("uphold" or "dismiss"))
        {
            Errors.Add(new FieldError(Text["objection.decision-required"].Value, DecisionField));
            return Page();
        }
        try
        {
            await desk.DecideAsync(new DecideObjection(Village.Id, objectionNo, Grant.UserId, Decision == "uphold", Reason,
                Decision == "uphold" ? CorrectedAmount : null, $"ui-objection-decision-{FormKey}"), ct);
            return Redirect(ObjectionPath(objectionNo));
        }
        catch (DomainException ex)
        {
            if (ex.Code == "idempotency.conflict")
                RenewKey();
            AddError(ex, ex.Code.StartsWith("objection.decision-reason", StringComparison.Ordinal) || ex.Code.StartsWith("text.", StringComparison.Ordinal)
                ? ReasonField
                : ex.Code.StartsWith("entry.amount", StringComparison.Ordinal) ? AmountField : null);
            await LoadObjectionAsync(objectionNo, ct);
            return Page();
        }
    }

    private async Task<bool> LoadObjectionAsync(int number, CancellationToken ct)
    {
        var found = await queries.FindAsync(Village.Id, number, ct);
        if (found is null)
            return false;
        Objection = found;
        IsOwn = await queries.IsOwnAsync(Village.Id, number, Grant.UserId, Grant.OwnHouseholds.ToList(), ct);
        return true;
    }
}

/// <summary>How an objection's state and points read on its pages.</summary>
public static class ObjectionWording
{
    public static string StateKey(ObjectionState state) => "Objection.State." + state;

    public static string Badge(ObjectionState state) => state switch
    {
        ObjectionState.Open => "badge-publicised",
        ObjectionState.Upheld => "badge-upheld",
        _ => "badge-effective",
    };

    public static string Points(int amount) => Wording.Signed(amount);
}

/// <summary>A list of objections and the village they belong to, for the shared list partial.</summary>
public sealed record ObjectionListView(IReadOnlyList<ObjectionView> Objections, string VillagePath);
