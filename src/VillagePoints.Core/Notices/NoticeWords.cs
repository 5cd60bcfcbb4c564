using System.Globalization;

namespace VillagePoints.Core.Notices;

/// <summary>
/// The words printed on a notice PDF, in Chinese (the default) or English. The web pages take theirs from the
/// resources; the PDF is made in Core, away from them, so it carries this small table of its own.
/// </summary>
public sealed class NoticeWords
{
    public static readonly NoticeWords Chinese = new(CultureInfo.GetCultureInfo("zh-CN"), new Dictionary<string, string>
    {
        ["Title"] = "{0}{1}积分公示",
        ["Month"] = "yyyy年M月",
        ["Date"] = "yyyy年M月d日",
        ["ShortDate"] = "M月d日",
        ["State.draft"] = "草稿",
        ["State.published"] = "公示中",
        ["State.closed"] = "已结束",
        ["Window"] = "公示期：{0} 至 {1}",
        ["WindowPending"] = "公示期：发布之日起 {0} 天",
        ["Generated"] = "生成于 {0}",
        ["NamesMasked"] = "户主姓名按本村隐私设置部分隐去。",
        ["Summary"] = "本月概况",
        ["Issued"] = "本月发放",
        ["Deducted"] = "扣减",
        ["Redeemed"] = "兑换",
        ["Participating"] = "参与户数",
        ["PersonTimes"] = "志愿服务人次",
        ["Households"] = "各户积分",
        ["Col.Number"] = "户号",
        ["Col.Name"] = "户主",
        ["Col.Group"] = "村民小组",
        ["Col.Month"] = "本月",
        ["Col.Cumulative"] = "累计",
        ["Col.VillageRank"] = "村排名",
        ["Col.GroupRank"] = "组排名",
        ["Late"] = "补充公示",
        ["LateIntro"] = "以下记录属于以前月份，在该月公示发布后才记入账本。",
        ["Red"] = "红榜（本月加分最多）",
        ["Black"] = "黑榜（本月扣分最多）",
        ["Objections"] = "异议处理",
        ["ObjectionLine"] = "第 {0} 号异议 · 流水号 {1}",
        ["ObjectionReason"] = "异议理由：{0}",
        ["Decision"] = "处理结果：{0}",
        ["Objection.open"] = "待处理",
        ["Objection.upheld"] = "异议成立",
        ["Objection.dismissed"] = "异议驳回",
        ["Mark.open"] = "异议中",
        ["Mark.upheld"] = "已更正",
        ["Mark.dismissed"] = "异议驳回",
        ["Reversal"] = "冲正第 {0} 号",
        ["ReversalEntry"] = "冲正流水号 {0}",
        ["CorrectionEntry"] = "更正流水号 {0}",
        ["None"] = "无",
        ["ChainHead"] = "账本链头（流水号:哈希）",
        ["Verify"] = "扫码核验：账本截至该流水号是否未被改动",
        ["Page"] = "第 {0} 页 / 共 {1} 页",
        ["Points"] = "分",
        ["Channel.selfdeclaration"] = "村民申报",
        ["Channel.selfdeclared"] = "村民申报",
        ["Channel.claim"] = "申报",
        ["Channel.neighbourrecommendation"] = "邻里推荐",
        ["Channel.recommended"] = "邻里推荐",
        ["Channel.patrol"] = "网格员巡查",
        ["Channel.groupinspection"] = "小组检查",
        ["Channel.committee"] = "评分委员会",
        ["Channel.checkout"] = "积分超市",
        ["Channel.opening"] = "开户基础分",
        ["Channel.objection"] = "异议处理",
        ["Channel.import"] = "导入",
        ["Channel.demo"] = "演示",
    });

    public static readonly NoticeWords English = new(CultureInfo.GetCultureInfo("en-US"), new Dictionary<string, string>
    {
        ["Title"] = "{0} points notice, {1}",
        ["Month"] = "MMMM yyyy",
        ["Date"] = "MMM d, yyyy",
        ["ShortDate"] = "MMM d",
        ["State.draft"] = "Draft",
        ["State.published"] = "Under publicity",
        ["State.closed"] = "Closed",
        ["Window"] = "Publicity window: {0} to {1}",
        ["WindowPending"] = "Publicity window: {0} days from publication",
        ["Generated"] = "Generated {0}",
        ["NamesMasked"] = "Household names are partly hidden, as the village's privacy setting asks.",
        ["Summary"] = "This month",
        ["Issued"] = "Issued",
        ["Deducted"] = "Deducted",
        ["Redeemed"] = "Redeemed",
        ["Participating"] = "Households taking part",
        ["PersonTimes"] = "Volunteer attendances",
        ["Households"] = "Households",
        ["Col.Number"] = "No.",
        ["Col.Name"] = "Head",
        ["Col.Group"] = "Group",
        ["Col.Month"] = "Month",
        ["Col.Cumulative"] = "Total",
        ["Col.VillageRank"] = "Village",
        ["Col.GroupRank"] = "Group",
        ["Late"] = "Late entries",
        ["LateIntro"] = "These entries belong to earlier months and were recorded after that month's notice was published.",
        ["Red"] = "Red list (most points awarded)",
        ["Black"] = "Black list (most points deducted)",
        ["Objections"] = "Objections",
        ["ObjectionLine"] = "Objection {0} · entry {1}",
        ["ObjectionReason"] = "Reason: {0}",
        ["Decision"] = "Decision: {0}",
        ["Objection.open"] = "Open",
        ["Objection.upheld"] = "Upheld",
        ["Objection.dismissed"] = "Dismissed",
        ["Mark.open"] = "Objected",
        ["Mark.upheld"] = "Corrected",
        ["Mark.dismissed"] = "Dismissed",
        ["Reversal"] = "reverses {0}",
        ["ReversalEntry"] = "reversal entry {0}",
        ["CorrectionEntry"] = "corrected entry {0}",
        ["None"] = "None",
        ["ChainHead"] = "Ledger chain head (entry:hash)",
        ["Verify"] = "Scan to check that the ledger up to this entry is unchanged",
        ["Page"] = "Page {0} of {1}",
        ["Points"] = "pts",
        ["Channel.selfdeclaration"] = "Self-declaration",
        ["Channel.selfdeclared"] = "Self-declaration",
        ["Channel.claim"] = "Claim",
        ["Channel.neighbourrecommendation"] = "Recommendation",
        ["Channel.recommended"] = "Recommendation",
        ["Channel.patrol"] = "Patrol",
        ["Channel.groupinspection"] = "Group inspection",
        ["Channel.committee"] = "Committee",
        ["Channel.checkout"] = "Supermarket",
        ["Channel.opening"] = "Opening grant",
        ["Channel.objection"] = "Objection",
        ["Channel.import"] = "Import",
        ["Channel.demo"] = "Demo",
    });

    private readonly Dictionary<string, string> words;

    private NoticeWords(CultureInfo culture, Dictionary<string, string> words)
    {
        Culture = culture;
        this.words = words;
    }

    public CultureInfo Culture { get; }

    /// <summary>English for an English culture, Chinese for everything else.</summary>
    public static NoticeWords For(CultureInfo? culture) =>
        culture is not null && culture.TwoLetterISOLanguageName == "en" ? English : Chinese;

    public string this[string key] => words.TryGetValue(key, out var word) ? word : key;

    public string Format(string key, params object[] values) => string.Format(Culture, this[key], values);

    public string Title(string villageName, string month) => Format("Title", villageName, MonthName(month));

    /// <summary>yyyy-MM as it reads in a title: 2026年11月, November 2026. Anything else is printed as given.</summary>
    public string MonthName(string month) =>
        DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            ? first.ToString(this["Month"], Culture)
            : month;

    public string State(string state) => words.TryGetValue("State." + state, out var word) ? word : state;

    /// <summary>The word for where an entry came from; the stored code itself when the table does not know it.</summary>
    public string Channel(string channel) =>
        words.TryGetValue("Channel." + channel.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), out var word) ? word : channel;

    public string ObjectionState(string state) => words.TryGetValue("Objection." + state, out var word) ? word : state;

    /// <summary>The short mark beside an entry someone objected to.</summary>
    public string? Mark(string? objection) =>
        objection is null ? null : words.TryGetValue("Mark." + objection, out var word) ? word : objection;

    public string Date(DateOnly date) => date.ToString(this["Date"], Culture);

    public string ShortDate(DateOnly date) => date.ToString(this["ShortDate"], Culture);

    /// <summary>An instant as the village's calendar date (Asia/Shanghai).</summary>
    public string Date(DateTimeOffset instant) => Date(Data.BusinessCalendar.DateOf(instant));

    public string Number(long value) => value.ToString("N0", Culture);

    /// <summary>Always signed, with a true minus sign, as on the pages.</summary>
    public string Signed(long value) => value switch
    {
        > 0 => "+" + Number(value),
        < 0 => "\u2212" + Number(Math.Abs(value)),
        _ => "0",
    };
}
