using SkiaSharp;

namespace VillagePoints.Core.Notices;

/// <summary>
/// Writes a notice as an A4 PDF in large type for the village board: a title, then one line per row, wrapped
/// at the margin and continued on as many pages as needed. The font is embedded as a subset, so a month stays small,
/// and the text layer gives back exactly the characters written.
/// </summary>
public sealed class NoticePdf(string fontFolder = CjkFont.DefaultFontFolder)
{
    private const float PageWidth = 595f;   // A4 in points
    private const float PageHeight = 842f;
    private const float Margin = 48f;
    private const float TitleSize = 28f;
    private const float RowSize = 18f;
    private const float RowGap = 8f;

    public void Write(string title, IReadOnlyList<string> rows, Stream output)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);

        using var data = SKData.CreateCopy(CjkFont.Load(fontFolder));
        using var typeface = SKTypeface.FromData(data)
            ?? throw new CjkFontMissingException($"The Chinese font could not be read. Reinstall the Debian package {CjkFontMissingException.DebianPackage}.");
        using var titleFont = new SKFont(typeface, TitleSize);
        using var rowFont = new SKFont(typeface, RowSize);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var document = SKDocument.CreatePdf(output, new SKDocumentPdfMetadata { Title = title, Creator = "VillagePoints" });

        var width = PageWidth - 2 * Margin;
        var canvas = document.BeginPage(PageWidth, PageHeight);
        var y = Margin;
        foreach (var line in Wrap(title, titleFont, width))
        {
            y += TitleSize;
            canvas.DrawText(line, Margin, y, SKTextAlign.Left, titleFont, paint);
            y += RowGap;
        }
        y += RowGap * 2;

        foreach (var row in rows)
        {
            foreach (var line in Wrap(row, rowFont, width))
            {
                if (y + RowSize > PageHeight - Margin)
                {
                    document.EndPage();
                    canvas = document.BeginPage(PageWidth, PageHeight);
                    y = Margin;
                }
                y += RowSize;
                canvas.DrawText(line, Margin, y, SKTextAlign.Left, rowFont, paint);
                y += RowGap;
            }
        }
        document.EndPage();
        document.Close();
    }

    /// <summary>Breaks a row into pieces that fit the width; Chinese has no spaces, so breaks fall between any two characters.</summary>
    private static IEnumerable<string> Wrap(string text, SKFont font, float width)
    {
        var start = 0;
        var enumerator = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        var lastEnd = 0;
        while (enumerator.MoveNext())
        {
            var end = enumerator.ElementIndex + enumerator.GetTextElement().Length;
            if (end - start > 1 && font.MeasureText(text.AsSpan(start, end - start)) > width && lastEnd > start)
            {
                yield return text[start..lastEnd];
                start = lastEnd;
            }
            lastEnd = end;
        }
        if (start < text.Length || text.Length == 0)
            yield return text[start..];
    }
}
