using VillagePoints.Core.Notices;

namespace VillagePoints.TestSupport;

/// <summary>Notice documents written by hand, as the builder would hand them to the outputs (PDF, pages).</summary>
public static class NoticeSamples
{
    public const string Hash = "3f9a0c27e5d1b8846a02f7c9e3d5b1a06c8e2f4d7b9a1c3e5f708192a3b4c5d6";
    public static readonly NoticeChainHead Head = new(4821, Hash);
    public const string VerificationUrl = "https://points.example.cn/public/villages/shuixin/verification?entry=4821&hash=" + Hash;

    private static readonly DateTimeOffset Generated = new(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);

    public static NoticeLine Line(long number, int household, string name, int day, int amount, string? rule, string reason,
        string channel = "SelfDeclaration", string? objection = null, long? reverses = null, int month = 11) =>
        new(number, household, name, new DateOnly(2026, month, day), amount, amount < 0 ? "Deduction" : "Award",
            rule is null ? null : "R" + number, rule, reason, channel, reverses, objection);

    /// <summary>A small month with awkward names and reasons: markup, emoji, full-width digits, a masked name.</summary>
    public static NoticeDocument Hostile()
    {
        NoticeHousehold Household(int number, string name, string group, long month, long cumulative, int rank, int groupRank,
            params NoticeLine[] entries) =>
            new(number, name, number % 2 + 1, group, month, entries.Where(e => e.Amount > 0).Sum(e => (long)e.Amount),
                -entries.Where(e => e.Amount < 0).Sum(e => (long)e.Amount), 0, cumulative, rank, groupRank, entries);

        var households = new List<NoticeHousehold>
        {
            Household(1, "黄水生", "第一村民小组", 15, 1234, 2, 1,
                Line(101, 1, "黄水生", 3, 10, "环境卫生整治", "门前三包"),
                Line(102, 1, "黄水生", 9, 5, null, "帮邻居打扫卫生１２３次", "NeighbourRecommendation")),
            Household(2, "<script>alert('x')</script>", "第二村民小组", -5, 40, 4, 2,
                Line(103, 2, "<script>alert('x')</script>", 12, -5, "乱堆乱放", "柴草堆在路边 & <b>未清理</b>", "Patrol", "open")),
            Household(3, "黄*敏", "第一村民小组", 0, 800, 3, 2),
            Household(4, "王😀芳", "第二村民小组", 20, 2000, 1, 1,
                Line(104, 4, "王😀芳", 20, 20, "志愿服务", "参加志愿活动 2 小时", "GroupInspection", "dismissed"),
                Line(105, 4, "王😀芳", 21, -20, null, "冲正", "committee", reverses: 90)),
        };
        return new NoticeDocument("shuixin", "水心村", "2026-11", NoticeDocument.Published, Generated,
            Generated.AddHours(1), Generated.AddDays(7), null, 7, NamesMasked: false,
            new NoticeSummary(55, 25, 30, 3, 12, 4, 6),
            households,
            [Line(106, 3, "黄*敏", 28, 8, "垃圾分类", "十月补录", month: 10)],
            new NoticeBoards([new NoticeBoardRow(4, "王😀芳", 20), new NoticeBoardRow(1, "黄水生", 15)],
                [new NoticeBoardRow(2, "<script>alert('x')</script>", 5)]),
            [new NoticeObjection(7, 103, 2, "<script>alert('x')</script>", -5, "路边的柴草不是我家的", "open",
                Generated.AddDays(-2), null, null, null, null),
             new NoticeObjection(6, 104, 4, "王😀芳", 20, "时长记错了", "dismissed", Generated.AddDays(-3),
                Generated.AddDays(-1), "签到记录为 2 小时，维持原分", null, null)],
            Head);
    }

    private static readonly string[] Surnames = ["黄", "李", "王", "张", "刘", "陈", "杨", "赵", "周", "吴", "郑", "孙"];
    private static readonly string[] Given = ["建国", "秀英", "水生", "桂兰", "志强", "丽华", "德明", "春梅", "永福", "海燕", "小敏", "国庆"];
    private static readonly (string Rule, int Points, string Channel)[] Rules =
    [
        ("门前三包环境卫生", 5, "SelfDeclaration"), ("志愿服务（每小时）", 2, "GroupInspection"), ("垃圾分类投放正确", 3, "Patrol"),
        ("乱堆乱放", -5, "Patrol"), ("孝老爱亲", 10, "NeighbourRecommendation"), ("参加村民代表会议", 4, "committee"),
        ("积分超市兑换", -30, "checkout"), ("移风易俗 婚事新办", 20, "committee"),
    ];

    /// <summary>A month the size of the demo village: 630 households in 12 groups and about 2,000 entries.</summary>
    public static NoticeDocument DemoSized(int households = 630, int entries = 2000)
    {
        var random = new Random(7);
        var lines = Enumerable.Range(0, entries).Select(i =>
        {
            var household = random.Next(1, households + 1);
            var (rule, points, channel) = Rules[random.Next(Rules.Length)];
            return Line(10_000 + i, household, Name(household), random.Next(1, 31), points, rule,
                $"第{household % 12 + 1}组 {rule}", channel, random.Next(40) == 0 ? "open" : null);
        }).GroupBy(l => l.HouseholdNumber).ToDictionary(g => g.Key, g => g.OrderBy(l => l.OccurredOn).ToList());
        var list = Enumerable.Range(1, households).Select(n =>
        {
            var own = lines.GetValueOrDefault(n) ?? [];
            var month = own.Sum(l => (long)l.Amount);
            return new NoticeHousehold(n, Name(n), n % 12 + 1, $"第{n % 12 + 1}村民小组", month,
                own.Where(l => l.Amount > 0).Sum(l => (long)l.Amount), 0, 0, 500 + n * 3 + month, households - n + 1, n / 12 + 1, own);
        }).ToList();
        return new NoticeDocument("shuixin", "水心村", "2026-11", NoticeDocument.Closed, Generated, Generated.AddHours(1),
            Generated.AddDays(7), Generated.AddDays(7), 7, NamesMasked: true,
            new NoticeSummary(9000, 800, 3000, 600, 240, households, entries),
            list, [],
            new NoticeBoards([.. list.OrderByDescending(h => h.MonthTotal).Take(10).Select(h => new NoticeBoardRow(h.Number, h.Name, h.MonthTotal))],
                [.. list.OrderBy(h => h.MonthTotal).Take(10).Select(h => new NoticeBoardRow(h.Number, h.Name, h.MonthTotal))]),
            [.. Enumerable.Range(1, 12).Select(i => new NoticeObjection(i, 10_000 + i, i, Name(i), 5, "我家没有乱堆乱放", "dismissed",
                Generated.AddDays(-5), Generated.AddDays(-1), "网格员照片为证，维持原分", null, null))],
            Head);
    }

    private static string Name(int household) =>
        NameMask.Mask(Surnames[household % Surnames.Length] + Given[household / Surnames.Length % Given.Length]);
}
