using VillagePoints.Core.Shop;

namespace VillagePoints.Core.Demo;

/// <summary>One item of the demo shop's catalogue, with what the demo needs to replay its history.</summary>
/// <param name="CostFen">What the shop pays a supplier for one unit, in fen; for a voucher, its settlement price.</param>
/// <param name="Weight">How often villagers pick it, relative to the other items.</param>
/// <param name="Batch">How many units one purchase receipt brings in (for a voucher: the quota the merchant tops up).</param>
/// <param name="Since">The first day it was on the shelf; the shop itself opened on <see cref="DemoShop.Opening"/>.</param>
/// <param name="Season">For a seasonal item: the months it is sold in; it is inactive outside them.</param>
/// <param name="RunsLow">Not restocked over the last weeks, so it ends the demo under its threshold for the clerk's alert.</param>
internal sealed record DemoItemSpec(
    string Code,
    ItemCategory Category,
    string NameZh,
    string NameEn,
    string Unit,
    int Price,
    long CostFen,
    int Weight,
    int Batch,
    int Threshold,
    int? Limit = null,
    LimitPeriod Period = LimitPeriod.Month,
    string? Merchant = null,
    int? ValidDays = null,
    DateOnly? Since = null,
    int[]? Season = null,
    bool RunsLow = false);

/// <summary>
/// The points supermarket of 水心村 as the demo stocks it. One point buys about one yuan of goods at village
/// shop prices (a 5 kg bag of rice is 55 points), and the shop buys in at wholesale, a little under that:
/// the funding view compares the two. Local specialities of Maoming and Dianbai came on the shelf in
/// autumn 2024, the partner merchants' service vouchers in 2025.
/// </summary>
internal static class DemoShop
{
    public static readonly DateOnly Opening = new(2023, 3, 3);
    public static readonly DateOnly ProduceSince = new(2024, 9, 3);

    public const string Barber = "yongqiang-barber";
    public const string CarWash = "zhihua-carwash";

    public static readonly (string Code, string Name)[] Merchants =
    [
        (Barber, "永强理发店"),
        (CarWash, "志华洗车行"),
    ];

    /// <summary>Tuesday, Friday and Sunday, 08:30 to 17:30: the days the clerk is at the shop by the village office.</summary>
    public static readonly DayOfWeek[] Days = [DayOfWeek.Tuesday, DayOfWeek.Friday, DayOfWeek.Sunday];
    public static readonly TimeOnly OpensAt = new(8, 30);
    public static readonly TimeOnly ClosesAt = new(17, 30);

    private const string Staples = "沙琅镇粮油批发部";
    private const string Daily = "电白区日用百货批发市场";
    private const string Produce = "茂名市电白区农产品专业合作社";

    public static string SupplierOf(DemoItemSpec item) => item.Category switch
    {
        ItemCategory.Staples => Staples,
        ItemCategory.LocalProduce => Produce,
        ItemCategory.ServiceVoucher => Merchants.Single(m => m.Code == item.Merchant).Name,
        _ => Daily,
    };

    public static readonly DemoItemSpec[] Items =
    [
        new("rice-5kg", ItemCategory.Staples, "丝苗米 5kg", "Simiao rice, 5 kg", "袋", 55, 4_300, 12, 60, 10),
        new("rice-10kg", ItemCategory.Staples, "丝苗米 10kg", "Simiao rice, 10 kg", "袋", 105, 8_300, 4, 30, 5, Limit: 1),
        new("flour-2.5kg", ItemCategory.Staples, "中筋面粉 2.5kg", "Plain flour, 2.5 kg", "袋", 22, 1_650, 3, 30, 5),
        new("peanut-oil-5l", ItemCategory.Staples, "压榨花生油 5L", "Pressed peanut oil, 5 L", "桶", 138, 11_200, 2, 20, 4, Limit: 1),
        new("peanut-oil-1.8l", ItemCategory.Staples, "压榨花生油 1.8L", "Pressed peanut oil, 1.8 L", "瓶", 58, 4_700, 5, 30, 6, Limit: 2,
            RunsLow: true),
        new("blend-oil-5l", ItemCategory.Staples, "食用调和油 5L", "Blended cooking oil, 5 L", "桶", 75, 6_100, 3, 20, 4),
        new("noodles-1kg", ItemCategory.Staples, "挂面 1kg", "Dried noodles, 1 kg", "包", 12, 880, 7, 60, 10),
        new("rice-noodles-1kg", ItemCategory.Staples, "干米粉 1kg", "Dried rice noodles, 1 kg", "包", 15, 1_100, 4, 40, 8),
        new("soy-sauce-500ml", ItemCategory.Staples, "生抽酱油 500ml", "Light soy sauce, 500 ml", "瓶", 12, 860, 5, 48, 8),
        new("salt-400g", ItemCategory.Staples, "食用盐 400g", "Table salt, 400 g", "包", 3, 190, 3, 60, 10),
        new("sugar-1kg", ItemCategory.Staples, "白砂糖 1kg", "White sugar, 1 kg", "包", 10, 740, 2, 30, 5),
        new("mung-beans-500g", ItemCategory.Staples, "绿豆 500g", "Mung beans, 500 g", "包", 9, 640, 2, 30, 5),
        new("laundry-powder-1.5kg", ItemCategory.DailyGoods, "洗衣粉 1.5kg", "Washing powder, 1.5 kg", "袋", 18, 1_300, 6, 40, 8),
        new("laundry-liquid-2kg", ItemCategory.DailyGoods, "洗衣液 2kg", "Laundry liquid, 2 kg", "瓶", 25, 1_850, 4, 30, 6),
        new("dish-soap-1.5kg", ItemCategory.DailyGoods, "洗洁精 1.5kg", "Dish soap, 1.5 kg", "瓶", 12, 850, 5, 40, 8, RunsLow: true),
        new("toothpaste-120g", ItemCategory.DailyGoods, "牙膏 120g", "Toothpaste, 120 g", "支", 8, 560, 5, 48, 8),
        new("toothbrush-2", ItemCategory.DailyGoods, "牙刷（2支装）", "Toothbrushes, pack of 2", "盒", 6, 400, 3, 40, 6),
        new("towel", ItemCategory.DailyGoods, "纯棉毛巾", "Cotton towel", "条", 10, 700, 4, 40, 6),
        new("laundry-soap", ItemCategory.DailyGoods, "洗衣皂", "Laundry soap bar", "块", 3, 210, 4, 60, 10),
        new("toilet-paper-10", ItemCategory.DailyGoods, "卫生纸（10卷）", "Toilet paper, 10 rolls", "提", 20, 1_450, 8, 50, 8),
        new("tissues-6", ItemCategory.DailyGoods, "抽纸（6包）", "Facial tissues, 6 packs", "提", 15, 1_050, 4, 40, 6),
        new("shampoo-400ml", ItemCategory.DailyGoods, "洗发水 400ml", "Shampoo, 400 ml", "瓶", 22, 1_600, 2, 24, 4),
        new("mosquito-coils", ItemCategory.DailyGoods, "蚊香（40盘）", "Mosquito coils, 40", "盒", 10, 700, 3, 40, 6),
        new("garbage-bags", ItemCategory.DailyGoods, "加厚垃圾袋（100只）", "Rubbish bags, 100", "卷", 6, 420, 4, 50, 8),
        new("broom-set", ItemCategory.DailyGoods, "扫把簸箕套装", "Broom and dustpan", "套", 18, 1_300, 1, 12, 3),
        new("thermos", ItemCategory.DailyGoods, "保温壶 2L", "Vacuum flask, 2 L", "个", 35, 2_600, 1, 10, 2),
        new("umbrella", ItemCategory.DailyGoods, "雨伞", "Umbrella", "把", 25, 1_800, 1, 12, 3),
        new("wash-basin", ItemCategory.DailyGoods, "塑料脸盆", "Plastic wash basin", "个", 8, 550, 1, 20, 4),
        new("lychee-dried-500g", ItemCategory.LocalProduce, "茂名荔枝干 500g", "Maoming dried lychees, 500 g", "袋", 35, 2_800, 3, 24, 5,
            Since: ProduceSince, RunsLow: true),
        new("longan-dried-500g", ItemCategory.LocalProduce, "龙眼干 500g", "Dried longans, 500 g", "袋", 30, 2_400, 3, 24, 5, Since: ProduceSince),
        new("huajuhong-100g", ItemCategory.LocalProduce, "化橘红切片 100g", "Huajuhong pomelo peel, 100 g", "盒", 48, 3_800, 1, 12, 3,
            Since: ProduceSince),
        new("dried-shrimp-250g", ItemCategory.LocalProduce, "电白虾米 250g", "Dianbai dried shrimps, 250 g", "袋", 38, 3_000, 2, 20, 4,
            Since: ProduceSince),
        new("salted-fish-500g", ItemCategory.LocalProduce, "博贺马鲛咸鱼 500g", "Bohe salted mackerel, 500 g", "袋", 32, 2_500, 1, 16, 3,
            Since: ProduceSince),
        new("lychee-honey-500g", ItemCategory.LocalProduce, "荔枝蜜 500g", "Lychee honey, 500 g", "瓶", 45, 3_600, 1, 12, 3, Since: ProduceSince),
        new("peanuts-1kg", ItemCategory.LocalProduce, "本地花生 1kg", "Local peanuts, 1 kg", "袋", 18, 1_350, 3, 30, 5, Since: ProduceSince),
        new("shrimp-paste-250g", ItemCategory.LocalProduce, "电白虾酱 250g", "Dianbai shrimp paste, 250 g", "瓶", 12, 850, 1, 20, 4,
            Since: ProduceSince),
        new("mooncakes", ItemCategory.Other, "中秋月饼礼盒", "Mid-Autumn mooncake box", "盒", 40, 3_200, 6, 24, 5, Limit: 1, Period: LimitPeriod.Year,
            Season: [8, 9]),
        new("haircut", ItemCategory.ServiceVoucher, "理发券（永强理发店）", "Haircut voucher (Yongqiang barber)", "张", 15, 1_500, 4, 40, 8,
            Limit: 2, Merchant: Barber, ValidDays: 90, Since: new DateOnly(2025, 6, 3)),
        new("haircut-home", ItemCategory.ServiceVoucher, "长者上门理发券（永强理发店）", "Home haircut for elders (Yongqiang barber)", "张", 25, 2_500, 1,
            20, 4, Limit: 1, Merchant: Barber, ValidDays: 90, Since: new DateOnly(2026, 3, 3)),
        new("car-wash", ItemCategory.ServiceVoucher, "洗车券（志华洗车行）", "Car wash voucher (Zhihua car wash)", "张", 20, 2_000, 2, 30, 6,
            Limit: 2, Merchant: CarWash, ValidDays: 90, Since: new DateOnly(2025, 9, 2)),
    ];

    /// <summary>Goods donated or sponsored for the shop, before the Spring Festival and the Mid-Autumn Festival.</summary>
    /// <param name="Declared">The donor's declared value is on the receipt; a few donors gave no value.</param>
    public static readonly (DateOnly Day, string Item, int Quantity, string Donor, bool Declared)[] Donations =
    [
        (new(2023, 9, 22), "rice-5kg", 100, "水心村外出乡贤联谊会", true),
        (new(2024, 1, 30), "peanut-oil-1.8l", 60, "沙琅镇商会", true),
        (new(2024, 9, 10), "laundry-powder-1.5kg", 80, "电白区爱心企业（匿名）", false),
        (new(2025, 1, 21), "rice-10kg", 50, "乡贤陈国华先生", true),
        (new(2025, 9, 30), "toilet-paper-10", 100, "沙琅镇商会", true),
        (new(2026, 2, 6), "rice-5kg", 120, "水心村外出乡贤联谊会", true),
        (new(2026, 9, 18), "longan-dried-500g", 40, "茂名市电白区农产品专业合作社", false),
    ];

    public static readonly string[] CancelReasons = ["村民改换其他商品", "扫错户号，撤销重新结算", "数量录入有误"];
}
