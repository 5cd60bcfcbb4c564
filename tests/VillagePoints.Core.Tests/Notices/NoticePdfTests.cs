using System.Diagnostics;
using System.Globalization;
using System.Text;
using SkiaSharp;
using UglyToad.PdfPig;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using Xunit.Abstractions;
using ZXing;
using ZXing.Common;

namespace VillagePoints.Core.Tests.Notices;

public sealed class NoticePdfTests(ITestOutputHelper output)
{
    private static byte[] Write(NoticeDocument doc, NoticePaper paper = NoticePaper.A4, string? url = NoticeSamples.VerificationUrl,
        string? culture = null, string? fontFolder = null)
    {
        using var stream = new MemoryStream();
        (fontFolder is null ? new NoticePdf() : new NoticePdf(fontFolder))
            .Write(doc, stream, paper, url, culture is null ? null : CultureInfo.GetCultureInfo(culture));
        return stream.ToArray();
    }

    /// <summary>Every letter of every page in drawing order, nothing between them, so a string drawn whole reads back whole.</summary>
    private static string Letters(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var text = new StringBuilder();
        foreach (var page in document.GetPages())
            foreach (var letter in page.Letters)
                text.Append(letter.Value);
        return text.ToString();
    }

    private static string No(int number) => number.ToString("D4", CultureInfo.InvariantCulture);

    [Fact]
    public void EachHouseholdRow_ReadsBackAsPrinted_NumberNameGroupMonthTotalCumulativeAndRanks()
    {
        var doc = NoticeSamples.Hostile();

        var text = Letters(Write(doc));

        // The cells of a row are drawn left to right, so the row reads back as one run of letters.
        Assert.Contains($"{No(1)}黄水生第一村民小组+151,23421", text);
        Assert.Contains($"{No(2)}<script>alert('x')</script>第二村民小组\u221254042", text);
        Assert.Contains($"{No(3)}黄*敏第一村民小组080032", text);
        Assert.Contains($"{No(4)}王😀芳第二村民小组+202,00011", text);
    }

    [Fact]
    public void EachEntryLine_ReadsBackAsPrinted_DateRuleOrReasonSignedPointsChannelAndObjectionMark()
    {
        var text = Letters(Write(NoticeSamples.Hostile()));

        Assert.Contains("11月3日环境卫生整治+10村民申报", text);
        Assert.Contains("11月9日帮邻居打扫卫生１２３次+5邻里推荐", text);
        Assert.Contains("11月12日乱堆乱放\u22125网格员巡查异议中", text);
        Assert.Contains("11月20日志愿服务+20小组检查异议驳回", text);
        Assert.Contains("11月21日冲正（冲正第 90 号）\u221220评分委员会", text);
    }

    [Fact]
    public void TheFirstPage_CarriesTitleStateWindowSummaryAndTheChainHeadAsNumberColonHash()
    {
        var pdf = Write(NoticeSamples.Hostile());

        using var document = PdfDocument.Open(pdf);
        var first = string.Concat(document.GetPage(1).Letters.Select(l => l.Value));
        Assert.StartsWith("水心村2026年11月积分公示公示中公示期：2026年12月1日 至 2026年12月8日", first);
        Assert.Contains("本月发放扣减兑换参与户数志愿服务人次552530312", first);
        Assert.Contains("4821:" + NoticeSamples.Hash, first);
        Assert.Contains(NoticeSamples.VerificationUrl, first);
    }

    [Fact]
    public void LateEntriesRedAndBlackListAndObjections_AreEachPrintedInTheirSection()
    {
        var text = Letters(Write(NoticeSamples.Hostile()));

        Assert.Contains("补充公示", text);
        Assert.Contains($"{No(3)} 黄*敏2026年10月28日垃圾分类村民申报+8", text);
        Assert.Contains($"红榜（本月加分最多）1{No(4)}王😀芳+202{No(1)}黄水生+15", text);
        Assert.Contains($"黑榜（本月扣分最多）1{No(2)}<script>alert('x')</script>\u22125", text);
        Assert.Contains($"第 7 号异议 · 流水号 103{No(2)} <script>alert('x')</script>\u22125待处理异议理由：路边的柴草不是我家的", text);
        Assert.Contains($"第 6 号异议 · 流水号 104{No(4)} 王😀芳+20异议驳回异议理由：时长记错了处理结果：签到记录为 2 小时，维持原分", text);
    }

    [Fact]
    public void WithoutABoard_NoRedOrBlackListIsPrinted()
    {
        var text = Letters(Write(NoticeSamples.Hostile() with { Boards = null }));

        Assert.DoesNotContain("红榜", text);
        Assert.DoesNotContain("黑榜", text);
        Assert.Contains("异议处理", text);
    }

    [Fact]
    public void EveryPage_HasAFooterWithItsNumberAndThePageCount()
    {
        var pdf = Write(NoticeSamples.DemoSized(households: 120, entries: 300));

        using var document = PdfDocument.Open(pdf);
        var count = document.NumberOfPages;
        Assert.True(count > 3, $"{count} pages");
        foreach (var page in document.GetPages())
        {
            var text = string.Concat(page.Letters.Select(l => l.Value));
            Assert.EndsWith($"水心村2026年11月积分公示第 {page.Number} 页 / 共 {count} 页", text);
        }
    }

    [Fact]
    public void ADraft_SaysDraftAtTheFootOfEveryPage_AndItsWindowAsDaysFromPublication()
    {
        var doc = NoticeSamples.DemoSized(households: 60, entries: 150) with
        {
            State = NoticeDocument.Draft, PublishedAt = null, WindowClosesAt = null, ClosedAt = null,
        };

        var pdf = Write(doc);

        using var document = PdfDocument.Open(pdf);
        Assert.True(document.NumberOfPages > 1, $"{document.NumberOfPages} pages");
        foreach (var page in document.GetPages())
            Assert.EndsWith($"水心村2026年11月积分公示 · 草稿第 {page.Number} 页 / 共 {document.NumberOfPages} 页",
                string.Concat(page.Letters.Select(l => l.Value)));
        Assert.StartsWith("水心村2026年11月积分公示草稿公示期：发布之日起 7 天", string.Concat(document.GetPage(1).Letters.Select(l => l.Value)));
    }

    [Fact]
    public void TheTextLayer_GivesIdeographsNotKangxiRadicals_AndTheTrueMinusSign()
    {
        var text = Letters(Write(NoticeSamples.Hostile()));

        Assert.Contains("水心村", text);
        Assert.DoesNotContain('\u2F54', text); // ⽔ KANGXI RADICAL WATER
        Assert.DoesNotContain('\u2F1A', text); // ⼚ KANGXI RADICAL CLIFF, a look-alike of 厂
        Assert.Contains('\u2212', text);
    }

    [Fact]
    public void InEnglish_TheWordsAreEnglish_AndTheNamesAndFiguresUnchanged()
    {
        var text = Letters(Write(NoticeSamples.Hostile(), culture: "en-US"));

        Assert.StartsWith("水心村 points notice, November 2026Under publicityPublicity window: Dec 1, 2026 to Dec 8, 2026", text);
        Assert.Contains($"{No(1)}黄水生第一村民小组+151,23421", text);
        Assert.Contains("Nov 12乱堆乱放\u22125PatrolObjected", text);
        Assert.Contains("Page 1 of ", text);
        Assert.DoesNotContain("公示期", text);
    }

    [Fact]
    public void OnA3_ThePageIsA3_AndTheTextTheSame()
    {
        var a4 = Write(NoticeSamples.Hostile());
        var a3 = Write(NoticeSamples.Hostile(), NoticePaper.A3);

        using var document = PdfDocument.Open(a3);
        var page = document.GetPage(1);
        Assert.Equal(842, Math.Round(page.Width));
        Assert.Equal(1191, Math.Round(page.Height));
        using var a4Document = PdfDocument.Open(a4);
        Assert.Equal(595, Math.Round(a4Document.GetPage(1).Width));
        Assert.Equal(Letters(a4), Letters(a3));
    }

    [Fact]
    public void AMaskedNotice_ContainsNoUnmaskedName()
    {
        string[] names = ["黄水生", "李秀英", "欧阳建国"];
        var doc = NoticeSamples.Hostile();
        doc = doc with
        {
            Households = [.. doc.Households.Take(3).Select((h, i) => h with
            {
                Name = names[i],
                Entries = [.. h.Entries.Select(e => e with { HouseholdName = names[i] })],
            })],
            Late = [],
            Boards = new NoticeBoards([new NoticeBoardRow(1, names[0], 15)], [new NoticeBoardRow(2, names[1], 5)]),
            Objections = [.. doc.Objections.Select(o => o with { HouseholdName = names[2] })],
        };

        var text = Letters(Write(doc.Masked()));

        foreach (var name in names)
            Assert.DoesNotContain(name, text);
        Assert.Contains($"{No(1)}黄*生", text);
        Assert.Contains($"{No(3)}欧**国", text);
        Assert.Contains("户主姓名按本村隐私设置部分隐去。", text);
    }

    [Fact]
    public void TheQrCodeOnTheFirstPage_DecodesToTheVerificationUrl()
    {
        // Paint the first page exactly as the PDF draws it, onto a bitmap, and scan it.
        var pages = NoticeLayout.Pages(NoticeSamples.Hostile(), NoticeFonts.For(CjkFont.DefaultFontFolder).Session(),
            NoticeWords.Chinese, NoticeSamples.VerificationUrl);
        const float scale = 2f;
        var width = (int)(NoticeLayout.PageWidth * scale);
        var height = (int)(NoticeLayout.PageHeight * scale);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.Scale(scale);
            using var fonts = NoticeFonts.For(CjkFont.DefaultFontFolder).Session();
            NoticeLayout.Paint(canvas, pages[0], fonts);
        }

        var luminance = new RGBLuminanceSource(bitmap.GetPixelSpan().ToArray(), bitmap.RowBytes, height, RGBLuminanceSource.BitmapFormat.Gray8);
        var result = new ZXing.QrCode.QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(luminance)),
            new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true });

        Assert.NotNull(result);
        Assert.Equal(NoticeSamples.VerificationUrl, result.Text);
    }

    [Fact]
    public void TheVerificationPath_IsThePublicPageWithEntryAndHash()
    {
        Assert.Equal("/public/villages/shuixin/verification?entry=4821&hash=" + NoticeSamples.Hash,
            NoticePdf.VerificationPath("shuixin", NoticeSamples.Head));
    }

    [Fact]
    public void WithoutAVerificationUrl_TheChainHeadIsStillPrinted()
    {
        var text = Letters(Write(NoticeSamples.Hostile(), url: null));

        Assert.Contains("4821:" + NoticeSamples.Hash, text);
        Assert.DoesNotContain("https://", text);
    }

    [Fact]
    public void AMonthOfTheDemoVillage_630HouseholdsAnd2000Entries_StaysUnderTwoMegabytes_AndItsTimeIsReported()
    {
        var doc = NoticeSamples.DemoSized();
        Write(NoticeSamples.Hostile()); // font loading is paid once per process, not per notice

        var clock = Stopwatch.StartNew();
        var pdf = Write(doc);
        clock.Stop();
        var a3 = Write(doc, NoticePaper.A3);

        using var document = PdfDocument.Open(pdf);
        output.WriteLine($"A4: {pdf.Length:N0} bytes, {document.NumberOfPages} pages, {clock.ElapsedMilliseconds} ms; A3: {a3.Length:N0} bytes");
        Assert.True(pdf.Length < 2 * 1024 * 1024, $"{pdf.Length:N0} bytes");
        Assert.True(a3.Length < 2 * 1024 * 1024, $"{a3.Length:N0} bytes");
        // The time is reported, not asserted: a loaded build machine would make such a bound flaky.
        var text = Letters(pdf);
        foreach (var household in doc.Households.Where(h => h.Number % 50 == 0))
            Assert.Contains($"{No(household.Number)}{household.Name}{household.GroupName}", text);
    }

    [Fact]
    public void AVeryLongObjectionReason_ContinuesOnTheNextPage_AndReadsBackWhole()
    {
        var reason = string.Concat(Enumerable.Repeat("路边的柴草不是我家的，是邻村运输车卸下的。", 120));
        var doc = NoticeSamples.Hostile();
        doc = doc with { Objections = [doc.Objections[0] with { Reason = reason }] };

        var pdf = Write(doc);

        using var document = PdfDocument.Open(pdf);
        Assert.True(document.NumberOfPages >= 3, $"{document.NumberOfPages} pages");
        foreach (var page in document.GetPages())
            Assert.All(page.Letters, l => Assert.True(l.BoundingBox.Bottom > 20, $"page {page.Number}: '{l.Value}' drawn into the bottom edge"));
        // Each page ends with its footer, so the reason is whole once the footers are taken out.
        var withoutFooters = System.Text.RegularExpressions.Regex.Replace(Letters(pdf), "水心村2026年11月积分公示第 \\d+ 页 / 共 \\d+ 页", "");
        Assert.Contains("异议理由：" + reason, withoutFooters);
    }

    [Fact]
    public void NoticesWrittenAtTheSameTime_AreEachWhole()
    {
        var expected = Letters(Write(NoticeSamples.Hostile()));

        var texts = new string[4];
        Parallel.For(0, texts.Length, i => texts[i] = Letters(Write(NoticeSamples.Hostile())));

        Assert.All(texts, text => Assert.Equal(expected, text));
    }

    [Fact]
    public void WithNoChineseFontInstalled_WritingFails_NamingTheDebianPackageToInstall()
    {
        var empty = Directory.CreateTempSubdirectory("vp-fonts-");
        try
        {
            var error = Assert.Throws<CjkFontMissingException>(() => Write(NoticeSamples.Hostile(), fontFolder: empty.FullName));
            Assert.Contains("fonts-noto-cjk", error.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
