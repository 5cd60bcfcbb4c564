using System.Security.Cryptography;
using System.Text;

namespace VillagePoints.Core.Shop;

/// <summary>
/// Voucher codes: 16 symbols of Crockford's base-32 (80 random bits), printed in groups of four
/// (<c>7K2M-QX9D-…</c>). Typing is forgiving: case, spaces and dashes do not matter, and the letters
/// people confuse with digits (O, I, L) read as the digits.
/// </summary>
public static class VoucherCodes
{
    public const int Length = 16;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        var text = new StringBuilder(Length);
        foreach (var b in bytes)
            text.Append(Alphabet[b & 31]);
        return text.ToString();
    }

    /// <summary>The stored form of what someone typed or scanned, or null when it cannot be a voucher code.</summary>
    public static string? Normalise(string? typed)
    {
        if (string.IsNullOrEmpty(typed) || typed.Length > 64)
            return null;
        var text = new StringBuilder(Length);
        foreach (var raw in typed)
        {
            if (raw is ' ' or '-' or '\u3000')
                continue;
            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (!Alphabet.Contains(c) || text.Length == Length)
                return null;
            text.Append(c);
        }
        return text.Length == Length ? text.ToString() : null;
    }

    /// <summary>The printed form, in groups of four.</summary>
    public static string Display(string code) =>
        code.Length == Length ? string.Join('-', Enumerable.Range(0, 4).Select(i => code.Substring(i * 4, 4))) : code;
}
