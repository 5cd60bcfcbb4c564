namespace VillagePoints.Core.Notices;

/// <summary>
/// Masks a person's name for public pages the way Chinese notices do: the family name and the last character stay,
/// what lies between becomes *, so 黄小敏 reads 黄*敏 and 黄敏 reads 黄*.
/// </summary>
public static class NameMask
{
    public static string Mask(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var letters = System.Globalization.StringInfo.ParseCombiningCharacters(name.Trim());
        var trimmed = name.Trim();
        var count = letters.Length;
        if (count == 0)
            return "*";
        string At(int i) => i + 1 < count ? trimmed[letters[i]..letters[i + 1]] : trimmed[letters[i]..];
        if (count == 1)
            return At(0);
        if (count == 2)
            return At(0) + "*";
        return At(0) + new string('*', count - 2) + At(count - 1);
    }
}
