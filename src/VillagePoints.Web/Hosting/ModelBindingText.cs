using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.Extensions.Localization;

namespace VillagePoints.Web.Hosting;

/// <summary>
/// The messages model binding writes when a form value cannot be read (a decimal where a whole
/// number is wanted, an empty required value), taken from the resources in the user's language.
/// The message sits beside its field, so it names the value, not the (English) property.
/// </summary>
public static class ModelBindingText
{
    public static void Localize(DefaultModelBindingMessageProvider messages, IStringLocalizer text)
    {
        messages.SetAttemptedValueIsInvalidAccessor((value, _) => text["Binding.ValueInvalid", value]);
        messages.SetNonPropertyAttemptedValueIsInvalidAccessor(value => text["Binding.ValueInvalid", value]);
        messages.SetUnknownValueIsInvalidAccessor(_ => text["Binding.Invalid"]);
        messages.SetNonPropertyUnknownValueIsInvalidAccessor(() => text["Binding.Invalid"]);
        messages.SetValueIsInvalidAccessor(value => text["Binding.ValueInvalid", value]);
        messages.SetValueMustBeANumberAccessor(_ => text["Binding.Number"]);
        messages.SetNonPropertyValueMustBeANumberAccessor(() => text["Binding.Number"]);
        messages.SetMissingBindRequiredValueAccessor(_ => text["Binding.Required"]);
        messages.SetMissingKeyOrValueAccessor(() => text["Binding.Required"]);
        messages.SetMissingRequestBodyRequiredValueAccessor(() => text["Binding.Required"]);
        messages.SetValueMustNotBeNullAccessor(_ => text["Binding.Required"]);
    }
}
