using Microsoft.Extensions.Localization;
using VillagePoints.Core;

namespace VillagePoints.Web.Activities;

/// <summary>A problem shown beside the field it is about (or at the top of the form when it is about no one field).</summary>
public sealed record ActivityFormError(string Message, string? Field);

public static class ActivityPageText
{
    /// <summary>The form field a problem code is about.</summary>
    public static string? FieldFor(string code) => code switch
    {
        "activity.title-invalid" => "activity-title",
        StoredTextCode => "activity-title",
        "activity.place-invalid" => "activity-place",
        "activity.date-out-of-range" => "activity-date",
        "activity.hours-invalid" => "activity-hours",
        "activity.capacity-invalid" => "activity-capacity",
        "activity.rule-not-allowed" or "rule.not-found" => "activity-rule",
        "activity.organiser-invalid" => "activity-organiser",
        "activity.reason-too-long" => "cancel-reason",
        "household.not-found" or "activity.household-required" => "roster-query",
        _ => null,
    };

    private const string StoredTextCode = Core.Data.StoredText.ForbiddenCode;

    public static ActivityFormError Error(IStringLocalizer text, DomainException ex, string? field = null)
    {
        var message = text[ex.Code];
        // The stored-text rule names the field in its message only; the place is the one other free-text field of the form.
        var target = field ?? (ex.Code == StoredTextCode && ex.Message.StartsWith("The place", StringComparison.Ordinal) ? "activity-place" : FieldFor(ex.Code));
        return new ActivityFormError(message.ResourceNotFound ? ex.Message : message.Value, target);
    }

    /// <summary>A form's idempotency key: the page's random form key, scoped to the action.</summary>
    public static string? Key(string? formKey, string action) =>
        formKey is { Length: > 0 and <= 64 } && formKey.All(char.IsAsciiLetterOrDigit) ? $"ui-{action}-{formKey}" : null;
}
