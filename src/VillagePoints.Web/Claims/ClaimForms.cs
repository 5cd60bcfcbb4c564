using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Rules;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Households;
using VillagePoints.Web.Rules;

namespace VillagePoints.Web.Claims;

/// <summary>A rule as a claim form offers it: its signed points and the inputs its version in force asks for.</summary>
public sealed record RuleChoice(
    string Code,
    string Name,
    string CategoryCode,
    string CategoryName,
    RuleDirection Direction,
    int Points,
    decimal? PointsPerHour,
    IReadOnlyList<WeightLevel> DifficultyLevels,
    IReadOnlyList<WeightLevel> EffectLevels,
    bool EvidenceRequired)
{
    public bool AsksHours => PointsPerHour is not null;
}

/// <summary>One line of the error summary at the top of a claim form, linking to the field it is about.</summary>
public sealed record FieldError(string Message, string? Target);

/// <summary>
/// What the claim pages share: the rules a channel may use, the field each problem belongs beside, and the
/// order in which a claim and its photos are written.
/// </summary>
public sealed class ClaimForms(VillagePointsDb db, ClaimDesk desk, EvidenceIntake intake, TimeProvider time, IStringLocalizer<SharedResource> text)
{
    public const int MaxPhotos = EvidencePhoto.MaxPhotosPerClaim;

    // Field ids, shared by the pages and their error summaries.
    public const string RuleField = "claim-rule";
    public const string HouseholdField = "claim-household";
    public const string DateField = "claim-date";
    public const string HoursField = "claim-hours";
    public const string DifficultyField = "claim-difficulty";
    public const string EffectField = "claim-effect";
    public const string NoteField = "claim-note";
    public const string PhotosField = "claim-photos";

    /// <summary>The village's rules that the version in force today lets this channel use, in category order.</summary>
    public async Task<List<RuleChoice>> RulesForAsync(Guid villageId, ClaimChannel channel, CancellationToken ct)
    {
        var rules = await db.Rules.AsNoTracking().Where(r => r.VillageId == villageId && r.RetiredAt == null).ToListAsync(ct);
        var versions = (await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == villageId).ToListAsync(ct)).ToLookup(v => v.RuleId);
        var categories = await db.RuleCategories.AsNoTracking().Where(c => c.VillageId == villageId).ToDictionaryAsync(c => c.Id, ct);
        var today = BusinessCalendar.Today(time);
        var choices = new List<(int Order, RuleChoice Choice)>();
        foreach (var r in rules)
        {
            var all = versions[r.Id].ToList();
            if (all.Count == 0)
                continue;
            var v = RuleBook.InForce(all, today) ?? all.MinBy(x => x.Number)!;
            if (!v.Channels.Contains(channel))
                continue;
            var category = categories[r.CategoryId];
            choices.Add((category.SortOrder, new RuleChoice(r.Code, RuleQueries.Localized(r.NameZh, r.NameEn), category.Code,
                RuleQueries.Localized(category.NameZh, category.NameEn), r.Direction, RuleQueries.Signed(v.BasePoints, r.Direction),
                v.PointsPerHour, v.DifficultyLevels, v.EffectLevels, v.EvidenceRequired)));
        }
        return choices.OrderBy(c => c.Order).ThenBy(c => c.Choice.CategoryCode, StringComparer.Ordinal)
            .ThenBy(c => c.Choice.Direction).ThenBy(c => c.Choice.Code, StringComparer.Ordinal).Select(c => c.Choice).ToList();
    }

    /// <summary>
    /// Checks and processes every chosen photo before anything is written: one bad photo refuses the whole form,
    /// so a renamed PDF or a 50 MB file never leaves a claim without its evidence behind.
    /// </summary>
    public static async Task<List<ProcessedPhoto>> PreparePhotosAsync(IReadOnlyList<IFormFile> files, int existing, CancellationToken ct)
    {
        // A browser sends an empty part when no file was chosen.
        var chosen = files.Where(f => f.Length > 0 || !string.IsNullOrEmpty(f.FileName)).ToList();
        if (existing + chosen.Count > MaxPhotos)
            throw new DomainException(EvidenceErrors.TooManyPhotos, $"At most {MaxPhotos} photos per claim.", DomainErrorKind.Conflict);
        var photos = new List<ProcessedPhoto>();
        foreach (var file in chosen)
        {
            if (file.Length > PhotoProcessing.MaxBytes)
                throw new DomainException(EvidenceErrors.TooLarge, "The photo is too large.");
            await using var content = file.OpenReadStream();
            photos.Add(await EvidenceIntake.PrepareAsync(content, ct));
        }
        return photos;
    }

    /// <summary>
    /// Writes the claim, then its photos, which were all checked already. A resent form (double tap, weak signal)
    /// gets the same claim back and adds no photos twice. Should storing a photo fail (a full disk), the claim is
    /// withdrawn again, so no claim waits for review without the evidence its submitter sent.
    /// </summary>
    public async Task<Claim> SubmitAsync(SubmitClaim command, IReadOnlyList<ProcessedPhoto> photos, CancellationToken ct)
    {
        var claim = await desk.SubmitAsync(command, ct);
        var upload = Upload(claim, command.SubmittedBy);
        if (photos.Count == 0 || claim.State != ClaimState.Submitted || await intake.CountAsync(upload, ct) > 0)
            return claim;
        try
        {
            foreach (var photo in photos)
                await intake.StoreAsync(upload, photo, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            await desk.WithdrawAsync(new WithdrawClaim(claim.VillageId, claim.Number, command.SubmittedBy), CancellationToken.None);
            throw;
        }
        return claim;
    }

    public async Task StorePhotosAsync(Claim claim, Guid uploadedBy, IReadOnlyList<ProcessedPhoto> photos, CancellationToken ct)
    {
        foreach (var photo in photos)
            await intake.StoreAsync(Upload(claim, uploadedBy), photo, ct);
    }

    public Task<int> PhotoCountAsync(Claim claim, CancellationToken ct) => intake.CountAsync(Upload(claim, Guid.Empty), ct);

    private static EvidenceUpload Upload(Claim claim, Guid by) =>
        new(claim.VillageId, ClaimDesk.EvidenceOwnerKind, claim.Number.ToString(CultureInfo.InvariantCulture), by);

    /// <summary>The field a problem is shown beside; null puts it in the summary only.</summary>
    public static string? FieldFor(string code) => code switch
    {
        _ when code.StartsWith("evidence.", StringComparison.Ordinal) => PhotosField,
        "claim.photo-needed" => PhotosField,
        "claim.hours-invalid" or "claim.hours-needed" or "rule.hours-required" or "rule.hours-invalid" => HoursField,
        "rule.difficulty-required" or "rule.difficulty-unknown" => DifficultyField,
        "rule.effect-required" or "rule.effect-unknown" => EffectField,
        _ when code.StartsWith("entry.occurred-on", StringComparison.Ordinal) || code == "claim.date-needed" => DateField,
        _ when code.StartsWith("claim.note", StringComparison.Ordinal) || code.StartsWith("text.", StringComparison.Ordinal) => NoteField,
        "household.not-found" or "claim.recommend-own-household" or "claim.not-own-household" or "claim.household-needed" => HouseholdField,
        "claim.difficulty-invalid" => DifficultyField,
        "claim.effect-invalid" => EffectField,
        _ when code.StartsWith("rule.", StringComparison.Ordinal) || code is "claim.channel-not-allowed" or "claim.rule-retired"
            or "claim.cap-reached" or "claim.rule-needed" => RuleField,
        _ => null,
    };

    /// <summary>The message for a problem code in the user's language; the core's own words when the resources lack the code.</summary>
    public FieldError Error(string code, string fallback) => Error(code, FieldFor(code), fallback);

    public FieldError Error(string code, string? target, string fallback)
    {
        var message = text[code];
        return new FieldError(message.ResourceNotFound ? fallback : message.Value, target);
    }

    /// <summary>A value the form could not read (letters as hours, a malformed date), in the user's language.</summary>
    public static string? BindingError(ModelStateDictionary state, string key) =>
        state.TryGetValue(key, out var entry) && entry.ValidationState == ModelValidationState.Invalid
            ? entry.Errors.Select(e => e.ErrorMessage).FirstOrDefault(m => !string.IsNullOrEmpty(m)) ?? ""
            : null;

    public static bool IsFormKey(string? key) => key is { Length: > 0 and <= 64 } && key.All(char.IsAsciiLetterOrDigit);

    public static string NewFormKey() => Guid.NewGuid().ToString("N");

    /// <summary>Whether this person may record patrols here: the grid worker's work, and the committee's.</summary>
    public static bool CanPatrol(IEnumerable<RoleAssignment> roles, Guid villageId) =>
        roles.Any(r => r.VillageId == villageId && r.Role is Role.GridWorker or Role.CommitteeMember or Role.CommitteeChair);
}

/// <summary>What the result card after a submission shows, and where it leads next.</summary>
public sealed record ClaimResultView(ClaimView Claim, string MyClaimsPath, string AgainPath, string AgainText);

/// <summary>The rule buttons of a channel and where each leads.</summary>
public sealed record RulePickerView(IReadOnlyList<RuleChoice> Rules, Func<string, string> Link, Func<RuleChoice, string> Points);

/// <summary>A household search on a claim page: what was typed, what was found, and where a result leads.</summary>
public sealed record HouseholdPickerView(string Heading, string? Query, IReadOnlyList<HouseholdSummary>? Results, Func<int, string> Link, string? Error);
