using System.Security.Cryptography;
using SkiaSharp;

namespace VillagePoints.Core.Evidence;

/// <summary>The kinds of photo a phone sends, told apart by their first bytes.</summary>
public enum PhotoType
{
    Jpeg,
    Png,
    WebP,
    Heic,
}

/// <summary>A photo made ready to store: a re-encoded JPEG and its thumbnail, with no metadata left.</summary>
public sealed record ProcessedPhoto(byte[] Content, int Width, int Height, byte[] Thumbnail, int ThumbnailWidth, int ThumbnailHeight,
    string Sha256, PhotoType OriginalType);

/// <summary>
/// Turns an uploaded photo into evidence fit to keep and show: checks what it really is, refuses files
/// and pixel counts that would exhaust the server before doing any decoding work, turns it upright,
/// shrinks it and re-encodes it as JPEG. Re-encoding from pixels drops every EXIF, GPS and device tag.
/// </summary>
public static class PhotoProcessing
{
    public const long MaxBytes = 15 * 1024 * 1024;
    public const long MaxPixels = 50_000_000;
    public const int MaxSide = 1600;
    public const int ThumbnailSide = 320;
    public const int JpegQuality = 82;
    public const int ThumbnailQuality = 75;

    /// <summary>Reads at most <see cref="MaxBytes"/> + 1 bytes, whatever the stream claims, then processes them.</summary>
    public static async Task<ProcessedPhoto> ProcessAsync(Stream upload, CancellationToken ct = default)
    {
        var bytes = await ReadCappedAsync(upload, ct);
        return Process(bytes);
    }

    public static ProcessedPhoto Process(byte[] bytes)
    {
        if (bytes.LongLength > MaxBytes)
            throw TooLarge();
        var type = Sniff(bytes) ?? throw new DomainException(EvidenceErrors.NotAnImage,
            "The file is not a photo: only JPEG, PNG and WebP pictures are accepted.");

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            // Skia on this platform has no HEIF decoder: say so plainly rather than calling the photo broken.
            if (type == PhotoType.Heic)
                throw new DomainException(EvidenceErrors.UnsupportedFormat,
                    "HEIC photos cannot be read yet; set the camera to \"Most compatible\" (JPEG) or send a screenshot.");
            throw Unreadable();
        }

        // The header's size, before a single pixel is decoded: a small file can claim a huge picture.
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
            throw Unreadable();
        if ((long)info.Width * info.Height > MaxPixels)
            throw new DomainException(EvidenceErrors.TooManyPixels,
                $"The picture has more than {MaxPixels / 1_000_000} megapixels.");

        using var decoded = Decode(codec);
        var origin = codec.EncodedOrigin;
        var (width, height) = Fit(Upright(info.Width, info.Height, origin), MaxSide);
        var content = Render(decoded, origin, width, height, JpegQuality);
        var (thumbWidth, thumbHeight) = Fit((width, height), ThumbnailSide);
        var thumbnail = Render(decoded, origin, thumbWidth, thumbHeight, ThumbnailQuality);
        return new ProcessedPhoto(content, width, height, thumbnail, thumbWidth, thumbHeight,
            Convert.ToHexStringLower(SHA256.HashData(content)), type);
    }

    /// <summary>The real type from the magic bytes; the file name and the client's content type are not trusted.</summary>
    public static PhotoType? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
            return PhotoType.Jpeg;
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return PhotoType.Png;
        if (b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8))
            return PhotoType.WebP;
        if (b.Length >= 12 && b[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = b[8..12];
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("hevc"u8)
                || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8))
                return PhotoType.Heic;
        }
        return null;
    }

    internal static async Task<byte[]> ReadCappedAsync(Stream upload, CancellationToken ct)
    {
        if (upload.CanSeek && upload.Length - upload.Position > MaxBytes)
            throw TooLarge();
        // The cap holds even when the length is unknown or wrong: never more than one byte past the limit is read.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var room = (int)Math.Min(chunk.Length, MaxBytes + 1 - buffer.Length);
            var read = await upload.ReadAsync(chunk.AsMemory(0, room), ct);
            if (read == 0)
                break;
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes)
                throw TooLarge();
        }
        return buffer.ToArray();
    }

    private static SKBitmap Decode(SKCodec codec)
    {
        // A JPEG can be decoded straight at a fraction of its size (1/2, 1/4, ...), which is far faster than
        // decoding every pixel and shrinking afterwards; never below the size we keep.
        var info = codec.Info;
        var longest = Math.Max(info.Width, info.Height);
        var size = info.Size;
        if (longest > MaxSide)
        {
            var scaled = codec.GetScaledDimensions((float)MaxSide / longest);
            if (Math.Max(scaled.Width, scaled.Height) >= MaxSide)
                size = scaled;
        }
        var target = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap(target);
        var result = codec.GetPixels(target, bitmap.GetPixels());
        // A truncated or corrupt file decodes partly (IncompleteInput, filled with grey): that is not evidence.
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw Unreadable();
        }
        // Immutable, so each rendering shares these pixels instead of copying them.
        bitmap.SetImmutable();
        return bitmap;
    }

    private static byte[] Render(SKBitmap source, SKEncodedOrigin origin, int width, int height, int quality)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var surface = SKSurface.Create(info) ?? throw Unreadable();
        var canvas = surface.Canvas;
        // Photos with transparency (PNG, WebP) get a white ground, as JPEG has no alpha.
        canvas.Clear(SKColors.White);
        canvas.SetMatrix(OrientationMatrix(origin, width, height));
        var rotated = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (drawWidth, drawHeight) = rotated ? (height, width) : (width, height);
        using var image = SKImage.FromBitmap(source);
        using var paint = new SKPaint();
        // Cubic sampling is sharpest for modest reductions but skips pixels (aliasing) beyond halving, where
        // averaging through mipmaps is the better filter: thumbnails, and large PNG or WebP pictures.
        var sampling = drawWidth < source.Width / 2f
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);
        canvas.DrawImage(image, new SKRect(0, 0, drawWidth, drawHeight), sampling, paint);
        canvas.Flush();
        using var snapshot = surface.Snapshot();
        using var encoded = snapshot.Encode(SKEncodedImageFormat.Jpeg, quality) ?? throw Unreadable();
        return encoded.ToArray();
    }

    /// <summary>Maps the stored (sideways or mirrored) picture onto an upright canvas of the given size.</summary>
    private static SKMatrix OrientationMatrix(SKEncodedOrigin origin, float w, float h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, w, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, w, -1, 0, h, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, h, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static (int Width, int Height) Upright(int width, int height, SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom
            ? (height, width)
            : (width, height);

    private static (int Width, int Height) Fit((int Width, int Height) size, int maxSide)
    {
        var longest = Math.Max(size.Width, size.Height);
        if (longest <= maxSide)
            return size;
        var scale = (double)maxSide / longest;
        return (Math.Max(1, (int)Math.Round(size.Width * scale)), Math.Max(1, (int)Math.Round(size.Height * scale)));
    }

    private static DomainException TooLarge() =>
        new(EvidenceErrors.TooLarge, $"The photo is larger than {MaxBytes / (1024 * 1024)} MB.");

    private static DomainException Unreadable() =>
        new(EvidenceErrors.Unreadable, "The photo could not be read; it may be damaged or cut short.");
}
