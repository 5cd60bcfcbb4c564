namespace VillagePoints.Core.Demo;

internal sealed record PlannedPerson(string Name, string Relation, string? Phone, int BirthYear);

internal sealed record PlannedHousehold(int Number, int GroupNumber, string Address, string? Phone, IReadOnlyList<PlannedPerson> Members)
{
    public PlannedPerson Head => Members[0];
}

internal sealed record PlannedGroup(int Number, string Name);

internal sealed record PlannedVillage(string Code, string Name, IReadOnlyList<PlannedGroup> Groups, IReadOnlyList<PlannedHousehold> Households);

/// <summary>
/// The demo villages' people, generated from a fixed seed and independent of the clock, so the
/// account list can name real demo households before anything is written.
/// </summary>
internal sealed record DemoPopulation(PlannedVillage Shuixin, PlannedVillage Gaocun)
{
    public const int Seed = 2023;
    public const int ShuixinHouseholds = 630;
    public const int ShuixinPeople = 2214;
    public const int GaocunHouseholds = 20;
    public const int GaocunPeople = 71;

    private static readonly Lazy<DemoPopulation> Cached = new(Create);

    public static DemoPopulation Instance => Cached.Value;

    private static DemoPopulation Create()
    {
        var generator = new PopulationGenerator(new Random(Seed));
        var shuixin = generator.Village(DemoVillage.VillageCode, "水心村", groups: 10, ShuixinHouseholds, ShuixinPeople);
        var gaocun = generator.Village(DemoVillage.GaocunCode, "高村", groups: 2, GaocunHouseholds, GaocunPeople);
        return new DemoPopulation(shuixin, gaocun);
    }
}

internal sealed class PopulationGenerator(Random rng)
{
    // Youngest birth year generated, so that the population does not depend on today's date.
    private const int LatestBirthYear = 2024;

    // Household sizes 1..7; the mean is about 3.5, as in the article's 2,200 people in 630 households.
    private static readonly int[] SizeWeights = [10, 18, 24, 24, 14, 7, 3];

    private static readonly string[] MobilePrefixes =
        ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
         "150", "151", "152", "153", "155", "156", "157", "158", "159",
         "180", "181", "182", "183", "184", "185", "186", "187", "188", "189"];

    private readonly HashSet<string> phones = [];

    public PlannedVillage Village(string code, string name, int groups, int households, int people)
    {
        var groupSizes = Split(households, groups);
        var sizes = HouseholdSizes(households, people);
        var plannedGroups = Enumerable.Range(1, groups)
            .Select(g => new PlannedGroup(g, $"第{DemoNames.Numeral(g)}村民小组"))
            .ToList();

        var result = new List<PlannedHousehold>(households);
        var number = 1;
        for (var g = 1; g <= groups; g++)
        {
            var door = 0;
            for (var i = 0; i < groupSizes[g - 1]; i++, number++)
            {
                door += 1 + (rng.Next(4) == 0 ? rng.Next(1, 3) : 0);
                // Households 1 and 2 always have a phone: the demo villager logins are theirs.
                var phone = number <= 2 || rng.Next(10) != 0 ? NewPhone() : null;
                var members = Members(sizes[number - 1], phone);
                result.Add(new PlannedHousehold(number, g, $"{name}{plannedGroups[g - 1].Name} {door} 号", phone, members));
            }
        }
        return new PlannedVillage(code, name, plannedGroups, result);
    }

    private int[] Split(int total, int parts)
    {
        var weights = Enumerable.Range(0, parts).Select(_ => 0.8 + 0.4 * rng.NextDouble()).ToArray();
        var sum = weights.Sum();
        var sizes = weights.Select(w => (int)(total * w / sum)).ToArray();
        for (var i = 0; sizes.Sum() < total; i = (i + 1) % parts)
            sizes[i]++;
        return sizes;
    }

    private int[] HouseholdSizes(int count, int people)
    {
        var total = SizeWeights.Sum();
        var sizes = new int[count];
        for (var i = 0; i < count; i++)
        {
            var pick = rng.Next(total);
            var size = 1;
            while (pick >= SizeWeights[size - 1])
                pick -= SizeWeights[size++ - 1];
            sizes[i] = size;
        }

        // Nudge random households until the village has exactly the intended number of people.
        var sum = sizes.Sum();
        while (sum != people)
        {
            var i = rng.Next(count);
            if (sum < people && sizes[i] < SizeWeights.Length)
            {
                sizes[i]++;
                sum++;
            }
            else if (sum > people && sizes[i] > 1)
            {
                sizes[i]--;
                sum--;
            }
        }
        return sizes;
    }

    private List<PlannedPerson> Members(int size, string? householdPhone)
    {
        var members = new List<PlannedPerson>(size);
        var surname = DemoNames.Surname(rng);

        // Single-person households are mostly the elderly; widows often head them.
        var headMale = rng.Next(100) < (size == 1 ? 60 : 88);
        var headBorn = size == 1
            ? (rng.Next(10) < 6 ? 1940 + rng.Next(21) : 1961 + rng.Next(35))
            : 1950 + rng.Next(43);
        members.Add(new PlannedPerson(surname + DemoNames.Given(rng, headMale, headBorn), "户主", householdPhone, headBorn));
        var slots = size - 1;

        // Children carry the father's surname, whichever of the couple heads the household.
        var familySurname = surname;
        if (slots > 0 && rng.Next(100) < 92)
        {
            var spouseBorn = Math.Min(LatestBirthYear - 18, headBorn + (headMale ? rng.Next(-1, 6) : -rng.Next(-1, 6)));
            var spouseSurname = DemoNames.OtherSurname(rng, surname);
            if (!headMale)
                familySurname = spouseSurname;
            members.Add(new PlannedPerson(spouseSurname + DemoNames.Given(rng, !headMale, spouseBorn), "配偶",
                MaybePhone(householdPhone, 45), spouseBorn));
            slots--;
        }

        if (slots > 0 && headBorn >= 1966 && rng.Next(100) < 45)
        {
            var parents = Math.Min(slots, 1 + rng.Next(2));
            var fatherBorn = headBorn - 24 - rng.Next(9);
            var motherBorn = fatherBorn + rng.Next(-1, 5);
            // A lone surviving parent is more often the mother.
            var withFather = parents == 2 || rng.Next(10) < 3;
            if (withFather)
                members.Add(new PlannedPerson(surname + DemoNames.Given(rng, true, fatherBorn), "父母", MaybePhone(householdPhone, 15), fatherBorn));
            if (parents == 2 || !withFather)
                members.Add(new PlannedPerson(DemoNames.OtherSurname(rng, surname) + DemoNames.Given(rng, false, motherBorn), "父母",
                    MaybePhone(householdPhone, 15), motherBorn));
            slots -= parents;
        }

        if (slots == 0)
            return members;

        // Older heads often live with grandchildren as well as a child; otherwise the rest are children.
        var grandchildren = headBorn <= 1970 && slots >= 2 && rng.Next(10) < 7 ? rng.Next(1, slots) : 0;
        var children = slots - grandchildren;
        var firstChildBorn = Math.Min(LatestBirthYear, headBorn + 22 + rng.Next(8));
        for (var i = 0; i < children; i++)
        {
            var born = Math.Min(LatestBirthYear, firstChildBorn + i * (1 + rng.Next(4)));
            members.Add(new PlannedPerson(familySurname + DemoNames.Given(rng, rng.Next(2) == 0, born), "子女",
                born <= 2004 ? MaybePhone(householdPhone, 35) : null, born));
        }
        var firstGrandchildBorn = Math.Min(LatestBirthYear, firstChildBorn + 23 + rng.Next(8));
        for (var i = 0; i < grandchildren; i++)
        {
            var born = Math.Min(LatestBirthYear, firstGrandchildBorn + i * (1 + rng.Next(3)));
            members.Add(new PlannedPerson(familySurname + DemoNames.Given(rng, rng.Next(2) == 0, born), "孙辈",
                born <= 2004 ? MaybePhone(householdPhone, 20) : null, born));
        }
        return members;
    }

    private string? MaybePhone(string? householdPhone, int percent) =>
        householdPhone is not null && rng.Next(100) < percent ? NewPhone() : null;

    private string NewPhone()
    {
        while (true)
        {
            var phone = MobilePrefixes[rng.Next(MobilePrefixes.Length)] + rng.Next(100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            // 1390000xxxx is kept for the demo cadre accounts.
            if (!phone.StartsWith(DemoVillage.StaffPhonePrefix, StringComparison.Ordinal) && phones.Add(phone))
                return phone;
        }
    }
}
