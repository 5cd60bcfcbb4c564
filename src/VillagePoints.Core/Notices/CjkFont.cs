using System.Buffers.Binary;

namespace VillagePoints.Core.Notices;

/// <summary>Thrown when no Chinese font is installed; the message names the Debian package that provides one.</summary>
public sealed class CjkFontMissingException(string message) : Exception(message)
{
    public const string DebianPackage = "fonts-noto-cjk";
}

/// <summary>
/// Finds Noto Sans CJK SC among the installed fonts and turns it into standalone font bytes fit for a PDF.
/// The collection is split into its single Simplified Chinese face, and the face's character map loses the
/// radical code points (⽔ U+2F54 and the like) that share a glyph with a unified ideograph (水 U+6C34):
/// a PDF writer that derives the text layer from the glyph would otherwise pick the radical, and copy or
/// search of the printed notice would fail.
/// </summary>
public static class CjkFont
{
    public const string DefaultFontFolder = "/usr/share/fonts";
    private const string FileName = "NotoSansCJK-Regular.ttc";
    private const string FamilyName = "Noto Sans CJK SC";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, byte[]> Cache = new(StringComparer.Ordinal);

    /// <summary>The prepared face bytes; built once per font folder and kept, since the collection is large.</summary>
    public static byte[] Load(string fontFolder)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue(fontFolder, out var cached))
                return cached;
            var path = Locate(fontFolder) ?? throw new CjkFontMissingException(
                $"No Chinese font ({FamilyName}) was found under {fontFolder}. Install the Debian package {CjkFontMissingException.DebianPackage} (apt-get install {CjkFontMissingException.DebianPackage}).");
            var face = Prepare(File.ReadAllBytes(path));
            Cache[fontFolder] = face;
            return face;
        }
    }

    private static string? Locate(string fontFolder) =>
        Directory.Exists(fontFolder)
            ? Directory.EnumerateFiles(fontFolder, FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;

    /// <summary>Extracts the SC face from a collection (or takes a single font as is) and cleans its character map.</summary>
    public static byte[] Prepare(byte[] file)
    {
        var faces = FaceOffsets(file);
        foreach (var offset in faces)
        {
            var tables = Tables(file, offset);
            if (faces.Count == 1 || NameContains(file, tables, FamilyName))
                return Build(file, offset, tables);
        }
        throw new CjkFontMissingException($"The font collection holds no {FamilyName} face. Install the Debian package {CjkFontMissingException.DebianPackage}.");
    }

    private static List<int> FaceOffsets(byte[] f)
    {
        if (Tag(f, 0) != "ttcf")
            return [0];
        var count = (int)U32(f, 8);
        return [.. Enumerable.Range(0, count).Select(i => (int)U32(f, 12 + 4 * i))];
    }

    private sealed record TableRecord(string Tag, int Offset, int Length);

    private static List<TableRecord> Tables(byte[] f, int faceOffset)
    {
        var count = U16(f, faceOffset + 4);
        var list = new List<TableRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var at = faceOffset + 12 + 16 * i;
            list.Add(new TableRecord(Tag(f, at), (int)U32(f, at + 8), (int)U32(f, at + 12)));
        }
        return list;
    }

    private static bool NameContains(byte[] f, List<TableRecord> tables, string family)
    {
        var name = tables.FirstOrDefault(t => t.Tag == "name");
        if (name is null)
            return false;
        var count = U16(f, name.Offset + 2);
        var strings = name.Offset + U16(f, name.Offset + 4);
        for (var i = 0; i < count; i++)
        {
            var at = name.Offset + 6 + 12 * i;
            var platform = U16(f, at);
            var nameId = U16(f, at + 6);
            if (platform != 3 || (nameId != 1 && nameId != 16))
                continue;
            var text = System.Text.Encoding.BigEndianUnicode.GetString(f, strings + U16(f, at + 10), U16(f, at + 8));
            if (text == family)
                return true;
        }
        return false;
    }

    private static byte[] Build(byte[] f, int faceOffset, List<TableRecord> tables)
    {
        var cmap = tables.Single(t => t.Tag == "cmap");
        var newCmap = CleanCmap(ReadCmap(f, cmap.Offset));
        var bodies = tables.Select(t => t.Tag == "cmap" ? newCmap : f.AsSpan(t.Offset, t.Length).ToArray()).ToList();

        var headerLength = 12 + 16 * tables.Count;
        var total = headerLength + bodies.Sum(b => (b.Length + 3) & ~3);
        var output = new byte[total];
        f.AsSpan(faceOffset, 4).CopyTo(output);
        var n = tables.Count;
        var power = 1;
        var log = 0;
        while (power * 2 <= n) { power *= 2; log++; }
        W16(output, 4, n);
        W16(output, 6, power * 16);
        W16(output, 8, log);
        W16(output, 10, n * 16 - power * 16);
        var position = headerLength;
        for (var i = 0; i < n; i++)
        {
            var at = 12 + 16 * i;
            System.Text.Encoding.ASCII.GetBytes(tables[i].Tag, output.AsSpan(at, 4));
            bodies[i].CopyTo(output, position);
            if (tables[i].Tag == "head")
                W32(output, position + 8, 0);
            W32(output, at + 4, Checksum(output.AsSpan(position, (bodies[i].Length + 3) & ~3)));
            W32(output, at + 8, (uint)position);
            W32(output, at + 12, (uint)bodies[i].Length);
            position += (bodies[i].Length + 3) & ~3;
        }
        var head = tables.FindIndex(t => t.Tag == "head");
        if (head >= 0)
            W32(output, (int)U32(output, 12 + 16 * head + 8) + 8, 0xB1B0AFBA - Checksum(output));
        return output;
    }

    private static SortedDictionary<int, int> ReadCmap(byte[] f, int cmap)
    {
        var count = U16(f, cmap + 2);
        int format12 = -1, format4 = -1;
        for (var i = 0; i < count; i++)
        {
            var at = cmap + 4 + 8 * i;
            var platform = U16(f, at);
            var encoding = U16(f, at + 2);
            var sub = cmap + (int)U32(f, at + 4);
            var format = U16(f, sub);
            if (format == 12 && (platform == 3 && encoding == 10 || platform == 0 && encoding == 4))
                format12 = sub;
            else if (format == 4 && (platform == 3 && encoding == 1 || platform == 0))
                format4 = sub;
        }
        var map = new SortedDictionary<int, int>();
        if (format12 >= 0)
        {
            var groups = (int)U32(f, format12 + 12);
            for (var g = 0; g < groups; g++)
            {
                var at = format12 + 16 + 12 * g;
                var start = (int)U32(f, at);
                var end = (int)U32(f, at + 4);
                var glyph = (int)U32(f, at + 8);
                for (var c = start; c <= end; c++)
                    map[c] = glyph + (c - start);
            }
            return map;
        }
        if (format4 < 0)
            throw new CjkFontMissingException($"The Chinese font has no Unicode character map. Reinstall the Debian package {CjkFontMissingException.DebianPackage}.");
        var segments = U16(f, format4 + 6) / 2;
        var ends = format4 + 14;
        var starts = ends + 2 * segments + 2;
        var deltas = starts + 2 * segments;
        var ranges = deltas + 2 * segments;
        for (var s = 0; s < segments; s++)
        {
            int end = U16(f, ends + 2 * s), start = U16(f, starts + 2 * s), delta = (short)U16(f, deltas + 2 * s), range = U16(f, ranges + 2 * s);
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                var glyph = range == 0 ? c + delta : U16(f, ranges + 2 * s + range + 2 * (c - start));
                if (range != 0 && glyph != 0)
                    glyph += delta;
                glyph &= 0xFFFF;
                if (glyph != 0)
                    map[c] = glyph;
            }
        }
        return map;
    }

    private static bool IsUnifiedIdeograph(int c) =>
        c is >= 0x3400 and <= 0x4DBF or >= 0x4E00 and <= 0x9FFF or >= 0x20000 and <= 0x3FFFF;

    /// <summary>Keeps every mapping except code points outside the unified ideographs that reuse an ideograph's glyph.</summary>
    private static byte[] CleanCmap(SortedDictionary<int, int> map)
    {
        var ideographGlyphs = map.Where(p => IsUnifiedIdeograph(p.Key)).Select(p => p.Value).ToHashSet();
        var kept = map.Where(p => IsUnifiedIdeograph(p.Key) || !ideographGlyphs.Contains(p.Value)).ToList();

        var groups = new List<(int Start, int End, int Glyph)>();
        foreach (var (c, g) in kept)
        {
            if (groups.Count > 0 && groups[^1].End == c - 1 && groups[^1].Glyph + (c - groups[^1].Start) == g)
                groups[^1] = groups[^1] with { End = c };
            else
                groups.Add((c, c, g));
        }
        var subtableLength = 16 + 12 * groups.Count;
        var bytes = new byte[4 + 8 * 2 + subtableLength];
        W16(bytes, 2, 2);
        // Both Unicode records point at the one full-repertoire subtable.
        W16(bytes, 4, 0); W16(bytes, 6, 4); W32(bytes, 8, 20);
        W16(bytes, 12, 3); W16(bytes, 14, 10); W32(bytes, 16, 20);
        W16(bytes, 20, 12);
        W32(bytes, 24, (uint)subtableLength);
        W32(bytes, 32, (uint)groups.Count);
        for (var i = 0; i < groups.Count; i++)
        {
            var at = 36 + 12 * i;
            W32(bytes, at, (uint)groups[i].Start);
            W32(bytes, at + 4, (uint)groups[i].End);
            W32(bytes, at + 8, (uint)groups[i].Glyph);
        }
        return bytes;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 4 <= data.Length; i += 4)
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        if (i < data.Length)
        {
            Span<byte> tail = stackalloc byte[4];
            data[i..].CopyTo(tail);
            sum += BinaryPrimitives.ReadUInt32BigEndian(tail);
        }
        return sum;
    }

    private static string Tag(byte[] f, int at) => System.Text.Encoding.ASCII.GetString(f, at, 4);
    private static int U16(byte[] f, int at) => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(at));
    private static uint U32(byte[] f, int at) => BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(at));
    private static void W16(byte[] f, int at, int value) => BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(at), (ushort)value);
    private static void W32(byte[] f, int at, uint value) => BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(at), value);
}
