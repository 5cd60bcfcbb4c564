namespace VillagePoints.Core.Demo;

/// <summary>
/// Generated names: a weighted surname plus one or two given-name characters in the style of
/// the person's generation. Combinations are random, so they describe nobody in particular.
/// </summary>
internal static class DemoNames
{
    // Weighted towards the surnames most common in western Guangdong villages.
    private static readonly (string Surname, int Weight)[] Surnames =
    [
        ("黄", 12), ("陈", 12), ("李", 10), ("梁", 9), ("林", 8), ("张", 7), ("吴", 6), ("杨", 6),
        ("何", 5), ("罗", 5), ("刘", 4), ("邓", 4), ("谭", 3), ("冯", 3), ("钟", 3), ("莫", 3),
        ("王", 3), ("周", 2), ("蔡", 2), ("许", 2), ("邵", 2), ("崔", 2), ("庞", 2), ("车", 1),
    ];

    private static readonly int SurnameWeightTotal = Surnames.Sum(s => s.Weight);

    private const string MaleOlder = "国建华明志强德福荣光金永文平伟海春生成兴发桂清炳亚树汉培基进胜庆松林贵";
    private const string MaleYounger = "俊杰浩宇轩豪铭博涛鑫家伟嘉子晨锋健鹏凯睿泽诚皓文宏彬翔";
    private const string FemaleOlder = "秀英兰芳桂珍凤玉梅群娣妹莲琼燕霞红金银彩娥亚丽月珠";
    private const string FemaleYounger = "婷欣怡雯琳诗晓雅颖思佳嘉慧敏静丽洁薇蕾萱楠梓可彤";

    public static string Surname(Random rng)
    {
        var pick = rng.Next(SurnameWeightTotal);
        foreach (var (surname, weight) in Surnames)
        {
            if (pick < weight)
                return surname;
            pick -= weight;
        }
        return Surnames[0].Surname;
    }

    public static string OtherSurname(Random rng, string notThis)
    {
        while (true)
        {
            var s = Surname(rng);
            if (s != notThis)
                return s;
        }
    }

    public static string Given(Random rng, bool male, int birthYear)
    {
        // People born in the 1970s and 80s get a mix of both styles.
        var younger = birthYear >= 1990 || (birthYear >= 1970 && rng.Next(2) == 0);
        var pool = (male, younger) switch
        {
            (true, false) => MaleOlder,
            (true, true) => MaleYounger,
            (false, false) => FemaleOlder,
            (false, true) => FemaleYounger,
        };
        var first = pool[rng.Next(pool.Length)];
        if (rng.Next(4) == 0)
            return first.ToString();
        char second;
        do
            second = pool[rng.Next(pool.Length)];
        while (second == first);
        return string.Concat(first, second);
    }

    private static readonly string[] Numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

    /// <summary>1 → 一, 10 → 十; villager groups never exceed ten here.</summary>
    public static string Numeral(int n) => Numerals[n - 1];
}
