namespace VillagePoints.Core.Places;

public sealed class District
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public List<Town> Towns { get; set; } = [];
}

public sealed class Town
{
    public Guid Id { get; set; }
    public Guid DistrictId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public District? District { get; set; }
    public List<Village> Villages { get; set; } = [];
}

public sealed class Village
{
    public Guid Id { get; set; }
    public Guid TownId { get; set; }

    /// <summary>Short code used in URLs and on printed cards, e.g. <c>shuixin</c>.</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }

    /// <summary>
    /// The first day the village's points archive covers (积分制启动日). No entry may have occurred before
    /// it. Set when the village adopts the scheme; moved earlier only to bring in older paper records.
    /// </summary>
    public required DateOnly StartedOn { get; set; }
    public Town? Town { get; set; }
    public VillageSettings Settings { get; set; } = new();
}

/// <summary>Per-village policy, with the defaults most villages start from.</summary>
public sealed class VillageSettings
{
    public int BasePoints { get; set; } = 100;
    public int PublicityWindowDays { get; set; } = 7;
    public bool AllowSpendBeforeEffective { get; set; }
    public bool TwoStepReview { get; set; } = true;

    /// <summary>Awards above this many points need two reviewers.</summary>
    public int TwoReviewerThreshold { get; set; } = 20;

    /// <summary>
    /// The most one direct committee record may change a household by, either way. Direct records skip
    /// the claim's evidence and first review, so they are for everyday amounts: 100 is a household's whole
    /// base grant, more than any single rule awards. Anything larger goes through a claim.
    /// </summary>
    public int MaxDirectRecordAmount { get; set; } = 100;

    /// <summary>
    /// Whether public pages, the print layout and the PDF mask household names (黄*敏). Signed-in members of the
    /// village always see full names. On by default: a public page can be read by anyone.
    /// </summary>
    public bool MaskNamesInPublic { get; set; } = true;

    /// <summary>Whether the monthly notice carries a red and black list (红黑榜). Off by default: a village decides to name and shame.</summary>
    public bool RedBlackList { get; set; }

    /// <summary>The days the points supermarket opens, as <see cref="Shop.ShopHours"/> encodes them (Monday is bit 0).</summary>
    public int ShopDays { get; set; } = Shop.ShopHours.EveryDay;
    public TimeOnly ShopOpensAt { get; set; } = new(8, 0);
    public TimeOnly ShopClosesAt { get; set; } = new(18, 0);
}

public sealed class VillagerGroup
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }
    public int Number { get; set; }
    public required string Name { get; set; }
}

public sealed class Household
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }

    /// <summary>The short number villagers see, unique within the village.</summary>
    public int Number { get; set; }
    public Guid GroupId { get; set; }
    public required string HeadName { get; set; }
    public string? Address { get; set; }
    public string? Phone { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<Person> Members { get; set; } = [];
}

public sealed class Person
{
    public Guid VillageId { get; set; }
    public Guid Id { get; set; }
    public Guid HouseholdId { get; set; }
    public required string Name { get; set; }

    /// <summary>Relation to the household head: 户主, 配偶, 子女, 父母, 孙辈, 其他.</summary>
    public required string Relation { get; set; }
    public string? Phone { get; set; }
    public int? BirthYear { get; set; }
}
