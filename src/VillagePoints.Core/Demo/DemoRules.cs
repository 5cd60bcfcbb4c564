using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Demo;

/// <summary>
/// The demo villages' 积分细则: the seed's six rules exactly, and a catalogue of the kind a Guangdong
/// village board publishes. Two rules changed their points during 2024 (one of the seed's six among them), so the
/// rule pages have a history and entries of both versions.
/// Ids come from their own seeded generator: the ledger's ids, and so the demo chain heads, stay as they were.
/// </summary>
internal static class DemoRules
{
    private static readonly ClaimChannel[] All =
        [ClaimChannel.SelfDeclaration, ClaimChannel.Patrol, ClaimChannel.NeighbourRecommendation, ClaimChannel.GroupInspection];
    private static readonly ClaimChannel[] Inspected = [ClaimChannel.Patrol, ClaimChannel.GroupInspection];
    private static readonly ClaimChannel[] Declared = [ClaimChannel.SelfDeclaration, ClaimChannel.NeighbourRecommendation, ClaimChannel.Patrol];

    private static readonly WeightLevel[] Difficulty =
        [new("low", "低", "low", 1m), new("medium", "中", "medium", 1.2m), new("high", "高", "high", 1.5m)];
    private static readonly WeightLevel[] Effect =
        [new("ordinary", "一般", "ordinary", 1m), new("good", "良好", "good", 1.2m), new("outstanding", "突出", "outstanding", 1.5m)];

    private sealed record Spec(string Category, string Code, string Zh, string En, int Points, ClaimChannel[] Channels,
        string Description = "", decimal? PerHour = null, bool Weighted = false, int? CapMonth = null, int? CapYear = null,
        bool Evidence = true, bool Honour = false, (DateOnly From, int Points)? ChangedTo = null);

    public static readonly (string Code, string Zh, string En)[] Categories =
    [
        ("env", "环境卫生", "Environment and sanitation"),
        ("volunteer", "志愿服务", "Volunteering"),
        ("customs", "移风易俗", "Changing old customs"),
        ("family", "家庭美德", "Family virtues"),
        ("law", "遵纪守法", "Law and order"),
        ("industry", "产业发展", "Local industry"),
        ("affairs", "村务参与", "Village affairs"),
    ];

    private static readonly Spec[] Specs =
    [
        // The seed's six.
        new("env", "env-clean-corner", "清理卫生死角", "Clearing a neglected corner", 5, Declared, "主动清理房前屋后、巷道的卫生死角。", CapMonth: 20),
        new("volunteer", "volunteer-service", "志愿服务", "Volunteer service", 10, All, "参加村里组织的志愿服务，每次计分。", CapMonth: 40),
        new("customs", "customs-simple-ceremony", "红白事简办", "A simple wedding or funeral", 10, [ClaimChannel.SelfDeclaration, ClaimChannel.Patrol],
            "红白事从简操办，不铺张、不攀比。", CapYear: 20),
        // Dumping was −3 until the village tightened it in spring 2024 (动态调整): today's figure is the seed's −5.
        new("env", "env-litter", "乱倒垃圾", "Dumping rubbish", 3, Inspected, "垃圾未按规定投放、倒入河道或路边。",
            ChangedTo: (new DateOnly(2024, 4, 1), 5)),
        new("env", "env-free-range-poultry", "家禽散养", "Free-ranging poultry", 10, Inspected, "家禽家畜未圈养，影响村容村貌。"),
        new("customs", "customs-lavish-ceremony", "婚丧嫁娶大操大办", "A lavish wedding or funeral", 10, Inspected, "婚丧嫁娶大操大办、铺张浪费。"),
        // The catalogue.
        new("env", "env-front-door", "门前三包", "Keeping one's frontage clean", 3, Inspected, "门前卫生、秩序、绿化保持良好。", CapMonth: 6,
            ChangedTo: (new DateOnly(2024, 7, 1), 4)),
        new("env", "env-sorting", "垃圾分类示范户", "Model household in waste sorting", 5, Inspected, "月度检查垃圾分类到位。", CapMonth: 5),
        new("env", "env-courtyard", "美丽庭院", "Beautiful courtyard", 10, [ClaimChannel.GroupInspection], "庭院整洁、绿化美化，经小组评定。", Weighted: true, CapYear: 30),
        new("env", "env-river-patrol", "护河巡河", "River patrol", 0, Declared, "参与河道保洁、巡河护河，按时长计分。", PerHour: 4m, CapMonth: 40),
        new("env", "env-burning", "焚烧秸秆垃圾", "Burning straw or rubbish", 10, Inspected, "露天焚烧秸秆、垃圾。"),
        new("env", "env-sewage", "污水乱排", "Discharging sewage", 5, Inspected, "生活污水直排沟渠、路面。"),
        new("env", "env-stacking", "乱堆乱放", "Cluttering public space", 3, Inspected, "柴草、杂物、建材乱堆乱放。"),
        new("volunteer", "volunteer-hours", "志愿服务（按时长）", "Volunteer service by the hour", 0, All, "长时间志愿服务按时长和难度计分。",
            PerHour: 4m, Weighted: true, CapMonth: 60),
        new("volunteer", "volunteer-elderly", "关爱孤寡老人", "Caring for elderly living alone", 5, Declared, "探望、帮扶孤寡老人和留守儿童。", CapMonth: 20),
        new("volunteer", "volunteer-emergency", "抢险救灾", "Flood and storm relief", 20, All, "台风、洪涝等抢险救灾中出力。", Weighted: true, Honour: true),
        new("volunteer", "volunteer-blood", "无偿献血", "Donating blood", 10, [ClaimChannel.SelfDeclaration], "凭献血证申报。", CapYear: 20, Honour: true),
        new("customs", "customs-no-gambling", "拒绝赌博", "Refusing gambling", 5, [ClaimChannel.NeighbourRecommendation, ClaimChannel.Patrol],
            "劝阻、举报赌博行为。", CapYear: 10),
        new("customs", "customs-gift-money", "人情礼金超标", "Excessive gift money", 5, Inspected, "人情往来礼金超过村规民约标准。"),
        new("customs", "customs-superstition", "封建迷信活动", "Superstitious practices", 5, Inspected, "组织或参与封建迷信活动。"),
        new("family", "family-filial", "孝老爱亲", "Filial piety", 10, [ClaimChannel.NeighbourRecommendation, ClaimChannel.GroupInspection],
            "孝敬老人、家庭和睦，经邻里推荐。", CapYear: 20, Honour: true),
        new("family", "family-good-family", "文明家庭", "Civilised family", 20, [ClaimChannel.GroupInspection], "年度评选文明家庭。", CapYear: 20, Honour: true),
        new("family", "family-education", "子女升学", "A child admitted to university", 10, [ClaimChannel.SelfDeclaration], "子女考入大学本科及以上。",
            CapYear: 10, Honour: true),
        new("family", "family-neglect", "不赡养老人", "Neglecting elderly parents", 10, Inspected, "不履行赡养义务，经调解无效。"),
        new("law", "law-mediation", "协助调解纠纷", "Helping settle a dispute", 5, Declared, "协助化解邻里矛盾纠纷。", CapMonth: 10),
        new("law", "law-fire-safety", "消防安全隐患", "Fire hazard", 5, Inspected, "私拉乱接电线、堵塞消防通道。"),
        new("law", "law-illegal-building", "违章搭建", "Unauthorised building", 10, Inspected, "未经审批乱搭乱建。"),
        new("law", "law-anti-fraud", "反诈宣传", "Spreading anti-fraud advice", 2, Declared, "参与反诈骗宣传、安装反诈软件。", CapYear: 4),
        new("industry", "industry-cooperative", "加入合作社", "Joining the cooperative", 10, [ClaimChannel.SelfDeclaration], "加入村集体经济合作社。",
            CapYear: 10),
        new("industry", "industry-training", "参加技能培训", "Attending skills training", 3, [ClaimChannel.SelfDeclaration], "参加农业技术、电商等培训。",
            CapMonth: 6),
        new("industry", "industry-lychee", "荔枝标准化种植", "Standardised lychee growing", 5, [ClaimChannel.GroupInspection], "按标准化要求种植管护荔枝园。",
            Weighted: true, CapYear: 15),
        new("affairs", "affairs-meeting", "参加村民会议", "Attending a villagers' meeting", 2, [ClaimChannel.Patrol, ClaimChannel.GroupInspection],
            "参加村民大会、户代表会议。", CapMonth: 4, Evidence: false),
        new("affairs", "affairs-suggestion", "建言献策被采纳", "An adopted suggestion", 5, [ClaimChannel.SelfDeclaration], "对村务提出建议并被采纳。",
            CapYear: 15),
        new("affairs", "affairs-insurance", "按时缴纳医保", "Paying health insurance on time", 2, [ClaimChannel.SelfDeclaration], "按时缴纳城乡居民医保。",
            CapYear: 2),
    ];

    public static readonly IReadOnlySet<string> Deductions = new HashSet<string>(StringComparer.Ordinal)
    {
        "env-litter", "env-free-range-poultry", "customs-lavish-ceremony", "env-burning", "env-sewage", "env-stacking",
        "customs-gift-money", "customs-superstition", "family-neglect", "law-fire-safety", "law-illegal-building",
    };

    public static int Count => Specs.Length;

    /// <summary>The catalogue for one village, effective from its opening (a change dated before the opening is folded in).</summary>
    public static (List<RuleCategory> Categories, List<Rule> Rules, List<RuleVersion> Versions) For(Guid villageId, DateOnly opening,
        DateTimeOffset at, Guid publishedBy, int seed)
    {
        var ids = new DemoIds(seed);
        var categories = Categories.Select((c, i) => new RuleCategory
        {
            VillageId = villageId, Id = ids.New(at), Code = c.Code, NameZh = c.Zh, NameEn = c.En, SortOrder = i + 1,
        }).ToList();
        var rules = new List<Rule>();
        var versions = new List<RuleVersion>();
        foreach (var s in Specs)
        {
            var rule = new Rule
            {
                VillageId = villageId, Id = ids.New(at), CategoryId = categories.Single(c => c.Code == s.Category).Id, Code = s.Code,
                NameZh = s.Zh, NameEn = s.En, Description = s.Description,
                Direction = Deductions.Contains(s.Code) ? RuleDirection.Deduction : RuleDirection.Award, CreatedAt = at, CreatedBy = publishedBy,
            };
            rules.Add(rule);
            var first = Version(s, rule, 1, opening, s.Points, at, publishedBy);
            if (s.ChangedTo is { } change && change.From > opening)
            {
                versions.Add(first);
                versions.Add(Version(s, rule, 2, change.From, change.Points, at, publishedBy));
            }
            else
            {
                versions.Add(s.ChangedTo is { } folded ? Version(s, rule, 1, opening, folded.Points, at, publishedBy) : first);
            }
        }
        return (categories, rules, versions);
    }

    private static RuleVersion Version(Spec s, Rule rule, int number, DateOnly from, int points, DateTimeOffset at, Guid by)
    {
        var v = RuleBook.Draft(new RuleTerms(points, s.Channels, PointsPerHour: s.PerHour,
            DifficultyLevels: s.Weighted ? Difficulty : null, EffectLevels: s.Weighted ? Effect : null,
            CapPerMonth: s.CapMonth, CapPerYear: s.CapYear, EvidenceRequired: s.Evidence, HonourPoints: s.Honour));
        v.VillageId = rule.VillageId;
        v.RuleId = rule.Id;
        v.Number = number;
        v.EffectiveFrom = from;
        v.PublishedAt = at;
        v.PublishedBy = by;
        return v;
    }
}
