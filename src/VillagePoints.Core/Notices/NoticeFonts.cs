using System.Text;
using SkiaSharp;

namespace VillagePoints.Core.Notices;

/// <summary>
/// The faces a notice is set in: Noto Sans CJK SC for everything it can draw, then DejaVu Sans (when installed)
/// for the few characters it lacks, such as some symbols people put in names. A string is drawn as runs, one per
/// face, in order, so the text layer still gives the string back whole.
/// </summary>
internal sealed class NoticeFonts : IDisposable
{
    private const string FallbackFileName = "DejaVuSans.ttf";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, NoticeFonts> Cache = new(StringComparer.Ordinal);

    private readonly SKTypeface[] faces;
    private readonly Dictionary<(int Face, float Size), SKFont> fonts = [];

    private NoticeFonts(SKTypeface[] faces) => this.faces = faces;

    /// <summary>The faces for a font folder, read once and kept: reading the CJK collection costs more than a whole notice.</summary>
    public static NoticeFonts For(string fontFolder)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue(fontFolder, out var cached))
                return cached;
            var data = SKData.CreateCopy(CjkFont.Load(fontFolder));
            var cjk = SKTypeface.FromData(data)
                ?? throw new CjkFontMissingException($"The Chinese font could not be read. Reinstall the Debian package {CjkFontMissingException.DebianPackage}.");
            var faces = new List<SKTypeface> { cjk };
            var fallback = Directory.EnumerateFiles(fontFolder, FallbackFileName, SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal).FirstOrDefault();
            if (fallback is not null && SKTypeface.FromFile(fallback) is { } dejaVu)
                faces.Add(dejaVu);
            var loaded = new NoticeFonts([.. faces]);
            Cache[fontFolder] = loaded;
            return loaded;
        }
    }

    /// <summary>A font of one face and size; SKFont is not thread-safe, so each writer takes its own copy of the set.</summary>
    public SKFont Font(int face, float size)
    {
        if (!fonts.TryGetValue((face, size), out var font))
        {
            font = new SKFont(faces[face], size) { Subpixel = true };
            fonts[(face, size)] = font;
        }
        return font;
    }

    /// <summary>A fresh set over the same (shared, read-only) faces, for one writer.</summary>
    public NoticeFonts Session() => new(faces);

    /// <summary>
    /// The text split into runs of one face each. A character no face can draw stays in the first face's run:
    /// it prints as an empty box, which is honest, rather than vanishing from the notice.
    /// </summary>
    public List<(int Face, string Text)> Runs(string text)
    {
        var runs = new List<(int Face, string Text)>();
        var current = -1;
        var run = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var face = FaceFor(rune.Value, current);
            if (face != current && run.Length > 0)
            {
                runs.Add((current, run.ToString()));
                run.Clear();
            }
            current = face;
            run.Append(rune.ToString());
        }
        if (run.Length > 0)
            runs.Add((current, run.ToString()));
        return runs;
    }

    private readonly Dictionary<int, int> faceOf = [];

    private int FaceFor(int codePoint, int current)
    {
        // Marks that only modify what precedes them (variation selectors, joiners) stay with their base character.
        if (current >= 0 && codePoint is >= 0xFE00 and <= 0xFE0F or 0x200D)
            return current;
        if (faceOf.TryGetValue(codePoint, out var known))
            return known;
        var face = 0;
        for (var i = 0; i < faces.Length; i++)
        {
            if (Font(i, 12f).ContainsGlyph(codePoint))
            {
                face = i;
                break;
            }
        }
        faceOf[codePoint] = face;
        return face;
    }

    /// <summary>True when the first face draws every character, as it does for nearly every string on a notice.</summary>
    private bool FirstFaceOnly(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (FaceFor(rune.Value, 0) != 0)
                return false;
        }
        return true;
    }

    public void Dispose()
    {
        foreach (var font in fonts.Values)
            font.Dispose();
        fonts.Clear();
    }

    public float Measure(string text, float size)
    {
        if (FirstFaceOnly(text))
            return Font(0, size).MeasureText(text);
        var width = 0f;
        foreach (var (face, part) in Runs(text))
            width += Font(face, size).MeasureText(part);
        return width;
    }

    public void Draw(SKCanvas canvas, string text, float x, float baseline, float size, SKPaint paint)
    {
        if (FirstFaceOnly(text))
        {
            canvas.DrawText(text, x, baseline, SKTextAlign.Left, Font(0, size), paint);
            return;
        }
        foreach (var (face, part) in Runs(text))
        {
            var font = Font(face, size);
            canvas.DrawText(part, x, baseline, SKTextAlign.Left, font, paint);
            x += font.MeasureText(part);
        }
    }
}
