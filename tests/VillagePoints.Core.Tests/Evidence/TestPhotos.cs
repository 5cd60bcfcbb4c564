using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace VillagePoints.Core.Tests.Evidence;

/// <summary>Real picture files made in the test: SkiaSharp draws and encodes, the EXIF block is written by hand.</summary>
internal static class TestPhotos
{
    public static readonly SKColor Marker = SKColors.Red;
    public static readonly SKColor Ground = SKColors.Blue;

    /// <summary>A picture whose top-left quadrant is red and the rest blue, so turning it shows.</summary>
    public static byte[] Jpeg(int width, int height, int quality = 90) => Encode(width, height, SKEncodedImageFormat.Jpeg, quality);

    public static byte[] Png(int width, int height) => Encode(width, height, SKEncodedImageFormat.Png, 100);

    public static byte[] WebP(int width, int height) => Encode(width, height, SKEncodedImageFormat.Webp, 90);

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(Ground);
            using var paint = new SKPaint { Color = Marker };
            canvas.DrawRect(0, 0, width / 2f, height / 2f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>The JPEG with an APP1 Exif segment right after its start marker, as a phone camera writes it.</summary>
    public static byte[] WithExif(byte[] jpeg, byte[] tiff)
    {
        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), checked((ushort)(payload.Length + 2)));
        payload.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>
    /// A big-endian TIFF block: IFD0 with the camera's make and model, the orientation and a pointer to a GPS IFD
    /// holding a place (N 28° 30' 15", E 112° 45' 30").
    /// </summary>
    public static byte[] ExifTiff(ushort orientation, string make = "Huawei", string model = "Mate 60 Pro")
    {
        var makeBytes = Encoding.ASCII.GetBytes(make + "\0");
        var modelBytes = Encoding.ASCII.GetBytes(model + "\0");
        const int ifd0 = 8;
        const int ifd0Entries = 4;
        var makeAt = ifd0 + 2 + ifd0Entries * 12 + 4;
        var modelAt = makeAt + makeBytes.Length;
        var gpsAt = (modelAt + modelBytes.Length + 1) & ~1;
        const int gpsEntries = 4;
        var latitudeAt = gpsAt + 2 + gpsEntries * 12 + 4;
        var longitudeAt = latitudeAt + 3 * 8;
        var tiff = new byte[longitudeAt + 3 * 8];
        var s = tiff.AsSpan();
        "MM"u8.CopyTo(s);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], 42);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], ifd0);

        BinaryPrimitives.WriteUInt16BigEndian(s[ifd0..], ifd0Entries);
        var at = ifd0 + 2;
        Entry(s, ref at, 0x010F, 2, (uint)makeBytes.Length, (uint)makeAt);      // Make
        Entry(s, ref at, 0x0110, 2, (uint)modelBytes.Length, (uint)modelAt);    // Model
        Entry(s, ref at, 0x0112, 3, 1, (uint)orientation << 16);               // Orientation, a SHORT in the high half
        Entry(s, ref at, 0x8825, 4, 1, (uint)gpsAt);                            // GPS IFD pointer
        makeBytes.CopyTo(s[makeAt..]);
        modelBytes.CopyTo(s[modelAt..]);

        BinaryPrimitives.WriteUInt16BigEndian(s[gpsAt..], gpsEntries);
        at = gpsAt + 2;
        Entry(s, ref at, 0x0001, 2, 2, (uint)'N' << 24);                        // GPSLatitudeRef "N\0"
        Entry(s, ref at, 0x0002, 5, 3, (uint)latitudeAt);                       // GPSLatitude
        Entry(s, ref at, 0x0003, 2, 2, (uint)'E' << 24);                        // GPSLongitudeRef "E\0"
        Entry(s, ref at, 0x0004, 5, 3, (uint)longitudeAt);                      // GPSLongitude
        uint[] rationals = [28, 1, 30, 1, 15, 1, 112, 1, 45, 1, 30, 1];
        for (var i = 0; i < rationals.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(s[(latitudeAt + 4 * i)..], rationals[i]);
        return tiff;
    }

    private static void Entry(Span<byte> s, ref int at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(s[at..], tag);
        BinaryPrimitives.WriteUInt16BigEndian(s[(at + 2)..], type);
        BinaryPrimitives.WriteUInt32BigEndian(s[(at + 4)..], count);
        BinaryPrimitives.WriteUInt32BigEndian(s[(at + 8)..], value);
        at += 12;
        // The next-IFD offset after the entries stays zero.
    }

    /// <summary>A few hundred bytes of PNG whose header claims the given size: a decompression bomb's shape.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // RGB
        byte[] idat = [0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01];
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IDAT", idat), .. Chunk("IEND", [])];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>Does the file still hold an Exif block, or any of the camera's words?</summary>
    public static bool HoldsExifMarkers(byte[] file) =>
        file.AsSpan().IndexOf("Exif\0\0"u8) >= 0 || file.AsSpan().IndexOf("Huawei"u8) >= 0 || file.AsSpan().IndexOf("Mate 60"u8) >= 0;

    public static SKColor PixelAt(byte[] file, int x, int y)
    {
        using var bitmap = SKBitmap.Decode(file);
        return bitmap.GetPixel(x, y);
    }

    public static bool IsRed(SKColor c) => c.Red > 200 && c.Blue < 60;

    public static bool IsBlue(SKColor c) => c.Blue > 200 && c.Red < 60;
}

/// <summary>A stream of a given length that is never held in memory, and counts what was read of it.</summary>
internal sealed class CountingStream(long length, bool seekable, byte[] start) : Stream
{
    private long position;

    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => seekable;
    public override bool CanWrite => false;
    public override long Length => seekable ? length : throw new NotSupportedException();

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - position);
        for (var i = 0; i < n; i++)
            buffer[offset + i] = position + i < start.Length ? start[position + i] : (byte)0x55;
        position += n;
        BytesRead += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
