using System.Text;

namespace VillagePoints.Core.Accounts;

/// <summary>Villagers type phone numbers with full-width digits, spaces, dashes and +86.</summary>
public static class PhoneNumber
{
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40)
            return null;
        var normalized = input.Normalize(NormalizationForm.FormKC);
        var digits = new StringBuilder(16);
        foreach (var ch in normalized)
        {
            if (ch is >= '0' and <= '9')
                digits.Append(ch);
            else if (ch is not (' ' or '-' or '+' or '(' or ')' or '\u00a0' or '\u3000'))
                return null;
        }
        var s = digits.ToString();
        if (s.Length == 13 && s.StartsWith("86", StringComparison.Ordinal))
            s = s[2..];
        return s.Length == 11 && s[0] == '1' ? s : null;
    }

    /// <summary>Shows only the first three and last four digits, e.g. 138****5678.</summary>
    public static string Mask(string phone) => phone.Length == 11 ? $"{phone[..3]}****{phone[7..]}" : "***";
}
