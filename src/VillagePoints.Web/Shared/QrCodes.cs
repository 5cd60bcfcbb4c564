using Microsoft.AspNetCore.Html;
using QRCoder;

namespace VillagePoints.Web.Shared;

/// <summary>
/// QR codes drawn as inline SVG, for door cards and activity posters: SVG prints sharp at any size and needs no
/// image request, so a printed sheet is one page load.
/// </summary>
public static class QrCodes
{
    /// <param name="text">What the code holds, usually an absolute link into the app.</param>
    /// <param name="label">The accessible name of the picture, read out by a screen reader.</param>
    public static IHtmlContent Svg(string text, string label)
    {
        using var generator = new QRCodeGenerator();
        // Level M survives a scuffed or rain-marked card and keeps the code coarse enough for old phone cameras.
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(new System.Drawing.Size(256, 256), "#000000", "#ffffff", drawQuietZones: true,
            sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
        var labelled = svg.Replace("<svg ", $"<svg role=\"img\" aria-label=\"{System.Net.WebUtility.HtmlEncode(label)}\" ", StringComparison.Ordinal);
        return new HtmlString(labelled);
    }
}
