using System.Text;
using UglyToad.PdfPig;
using VillagePoints.Core.Notices;

namespace VillagePoints.Core.Tests.Notices;

public sealed class NoticePdfTests
{
    private static readonly string[] SampleRows =
    [
        "黄建国 水心村 积分 公示",
        "黄*敏 第3组 +10 −5 合计 1234",
        "环境卫生 积极参与 志愿服务 垃圾分类 水 永 火 山 石 田 土 木",
        "链头 #4821 3f9a0c27e5d1b8846a02f7c9e3d5b1a06c8e2f4d7b9a1c3e5f708192a3b4c5d6",
        "ABC xyz 0123456789 (2026-11) 第一名：李秀英",
    ];

    private static string ExtractedText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var text = new StringBuilder();
        foreach (var page in document.GetPages())
            foreach (var letter in page.Letters)
                text.Append(letter.Value);
        return text.ToString();
    }

    private static byte[] Write(string title, IReadOnlyList<string> rows, string? fontFolder = null)
    {
        using var stream = new MemoryStream();
        (fontFolder is null ? new NoticePdf() : new NoticePdf(fontFolder)).Write(title, rows, stream);
        return stream.ToArray();
    }

    [Fact]
    public void TheTextLayer_GivesBackEveryCharacterAsWritten_IdeographsNotRadicals_DigitsLatinAndTheMinusSign()
    {
        const string title = "水心村 2026年11月 积分公示";

        var pdf = Write(title, SampleRows);

        // Letters only (no separators) so that wrapping at the margin does not matter; nothing is normalised.
        var expected = title + string.Concat(SampleRows);
        var actual = ExtractedText(pdf);
        Assert.Equal(expected, actual);
        Assert.DoesNotContain('\u2F54', actual); // ⽔ KANGXI RADICAL WATER
        Assert.Contains('\u2212', actual);
    }

    [Fact]
    public void SixHundredRowsOfNamesAndFigures_RunOverSeveralPages_AndStayWellUnderTwoMegabytes()
    {
        string[] surnames = ["黄", "李", "王", "张", "刘", "陈", "杨", "赵", "周", "吴"];
        string[] given = ["建国", "秀英", "水生", "桂兰", "志强", "丽华", "德明", "春梅", "永福", "海燕"];
        var rows = Enumerable.Range(1, 600)
            .Select(i => $"{i,3} {surnames[i % 10]}{given[i / 10 % 10]} 第{i % 7 + 1}组 本月 {(i % 3 == 0 ? "−5" : "+10")} 累计 {i * 37} 排名 {i}")
            .ToList();

        var pdf = Write("水心村 2026年11月 积分公示", rows);

        using var document = PdfDocument.Open(pdf);
        Assert.True(document.NumberOfPages > 10, $"{document.NumberOfPages} pages");
        Assert.True(pdf.Length < 2 * 1024 * 1024 / 4, $"{pdf.Length} bytes");
        Assert.Equal("水心村 2026年11月 积分公示" + string.Concat(rows), ExtractedText(pdf));
    }

    [Fact]
    public void WithNoChineseFontInstalled_WritingFails_NamingTheDebianPackageToInstall()
    {
        var empty = Directory.CreateTempSubdirectory("vp-fonts-");
        try
        {
            var error = Assert.Throws<CjkFontMissingException>(() => Write("公示", ["黄建国"], empty.FullName));
            Assert.Contains("fonts-noto-cjk", error.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
