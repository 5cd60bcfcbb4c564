using System.Globalization;
using SkiaSharp;

namespace VillagePoints.Core.Notices;

/// <summary>The sheet a notice is printed on for the village board.</summary>
public enum NoticePaper
{
    A4,
    A3,
}

/// <summary>
/// Writes a month's notice as a PDF ready to pin on the village board: title, state and publicity window, the
/// summary figures, the chain head with a QR code to the public verification page, every household with its
/// entries, late entries, the red and black list, and the objections. The font is embedded as a subset, so a
/// month stays small, and every string is drawn whole so the text layer gives back exactly what the notice says.
/// Only what the document holds is printed; names arrive already masked when the village asks for it.
/// </summary>
public sealed class NoticePdf(string fontFolder = CjkFont.DefaultFontFolder)
{
    /// <summary>
    /// Writes the notice. The layout is made for A4 and scaled up whole for A3, so a board copy is simply larger type.
    /// </summary>
    /// <param name="verificationUrl">The absolute link the QR code holds, built by the caller, which knows the host
    /// (see <see cref="VerificationPath"/>). Without it the chain head is printed with no QR code.</param>
    /// <param name="culture">The language of the printed words: Chinese by default, English for an English culture.</param>
    public void Write(NoticeDocument doc, Stream output, NoticePaper paper = NoticePaper.A4, string? verificationUrl = null,
        CultureInfo? culture = null)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(output);

        using var fonts = NoticeFonts.For(fontFolder).Session();
        var words = NoticeWords.For(culture);
        var pages = NoticeLayout.Pages(doc, fonts, words, verificationUrl);
        var (width, height) = Size(paper);
        var scale = width / NoticeLayout.PageWidth;

        using var pdf = SKDocument.CreatePdf(output, new SKDocumentPdfMetadata
        {
            Title = words.Title(doc.VillageName, doc.Month),
            Creator = "VillagePoints",
            Creation = doc.GeneratedAt.UtcDateTime,
            Modified = doc.GeneratedAt.UtcDateTime,
        });
        foreach (var page in pages)
        {
            var canvas = pdf.BeginPage(width, height);
            canvas.Scale(scale);
            NoticeLayout.Paint(canvas, page, fonts);
            pdf.EndPage();
        }
        pdf.Close();
    }

    /// <summary>The page size in PDF points (1/72 inch).</summary>
    public static (float Width, float Height) Size(NoticePaper paper) => paper switch
    {
        NoticePaper.A3 => (841.89f, 1190.55f),
        _ => (595.28f, 841.89f),
    };

    /// <summary>Where the public verification page answers for a chain head; the caller puts its host in front.</summary>
    public static string VerificationPath(string villageCode, NoticeChainHead head)
        => PublicVerification.PathFor(villageCode, head);
}
