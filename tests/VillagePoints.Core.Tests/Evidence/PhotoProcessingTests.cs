using System.Security.Cryptography;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using VillagePoints.Core.Evidence;
using static VillagePoints.Core.Tests.Evidence.TestPhotos;

namespace VillagePoints.Core.Tests.Evidence;

public sealed class PhotoProcessingTests
{
    // One 12-megapixel camera photo for the whole class: encoding it takes a moment.
    private static readonly Lazy<byte[]> CameraPhoto = new(() => Jpeg(4000, 3000));

    [Fact]
    public void A12MegapixelCameraPhoto_IsShrunkTo1600By1200_WithAThumbnail()
    {
        var photo = PhotoProcessing.Process(CameraPhoto.Value);

        Assert.Equal((1600, 1200), (photo.Width, photo.Height));
        Assert.Equal((320, 240), (photo.ThumbnailWidth, photo.ThumbnailHeight));
        Assert.Equal(PhotoType.Jpeg, photo.OriginalType);
        Assert.Equal(PhotoType.Jpeg, PhotoProcessing.Sniff(photo.Content));
        Assert.True(IsRed(PixelAt(photo.Content, 10, 10)));
        Assert.True(IsBlue(PixelAt(photo.Content, 1590, 1190)));
        Assert.Equal((320, 240), (SkiaSharp.SKBitmap.Decode(photo.Thumbnail).Width, SkiaSharp.SKBitmap.Decode(photo.Thumbnail).Height));
    }

    [Fact]
    public void APhotoWithExifGpsAndCameraTags_IsTurnedUpright_AndKeepsNoneOfTheTags()
    {
        // Orientation 6: the camera was held upright, the sensor stored the picture turned a quarter to the left.
        var upload = WithExif(CameraPhoto.Value, ExifTiff(orientation: 6));
        var before = ImageMetadataReader.ReadMetadata(new MemoryStream(upload));
        Assert.NotNull(before.OfType<GpsDirectory>().SingleOrDefault()?.GetGeoLocation());
        Assert.Equal("Huawei", before.OfType<ExifIfd0Directory>().Single().GetDescription(ExifDirectoryBase.TagMake));

        var photo = PhotoProcessing.Process(upload);

        Assert.Equal((1200, 1600), (photo.Width, photo.Height));
        Assert.Equal((240, 320), (photo.ThumbnailWidth, photo.ThumbnailHeight));
        // The stored picture's top-left quadrant is now at the top right.
        Assert.True(IsRed(PixelAt(photo.Content, 1190, 10)));
        Assert.True(IsBlue(PixelAt(photo.Content, 10, 10)));
        Assert.True(IsBlue(PixelAt(photo.Content, 1190, 1590)));
        foreach (var stored in new[] { photo.Content, photo.Thumbnail })
        {
            var after = ImageMetadataReader.ReadMetadata(new MemoryStream(stored));
            Assert.Empty(after.OfType<GpsDirectory>());
            Assert.Empty(after.OfType<ExifDirectoryBase>());
            Assert.False(HoldsExifMarkers(stored));
        }
    }

    /// <summary>Each of the eight EXIF orientations: where the stored picture's top-left quadrant ends up, and the upright size.</summary>
    [Theory]
    [InlineData(1, false, false, 400, 300)]
    [InlineData(2, true, false, 400, 300)]
    [InlineData(3, true, true, 400, 300)]
    [InlineData(4, false, true, 400, 300)]
    [InlineData(5, false, false, 300, 400)]
    [InlineData(6, true, false, 300, 400)]
    [InlineData(7, true, true, 300, 400)]
    [InlineData(8, false, true, 300, 400)]
    public void EveryExifOrientation_IsApplied(ushort orientation, bool markerRight, bool markerBottom, int width, int height)
    {
        var photo = PhotoProcessing.Process(WithExif(Jpeg(400, 300), ExifTiff(orientation)));

        Assert.Equal((width, height), (photo.Width, photo.Height));
        var (x, y) = (markerRight ? width - 10 : 10, markerBottom ? height - 10 : 10);
        Assert.True(IsRed(PixelAt(photo.Content, x, y)), $"orientation {orientation}: no marker at ({x}, {y})");
        Assert.True(IsBlue(PixelAt(photo.Content, width - 1 - x, height - 1 - y)));
    }

    [Fact]
    public void TheHash_IsTheSha256OfTheStoredBytes()
    {
        var photo = PhotoProcessing.Process(Jpeg(800, 600));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(photo.Content)), photo.Sha256);
        Assert.Equal((800, 600), (photo.Width, photo.Height));
    }

    [Fact]
    public void PngAndWebP_AreAccepted_AndStoredAsJpeg()
    {
        var png = PhotoProcessing.Process(Png(640, 480));
        var webp = PhotoProcessing.Process(WebP(640, 480));

        Assert.Equal((PhotoType.Png, PhotoType.Jpeg), (png.OriginalType, PhotoProcessing.Sniff(png.Content)));
        Assert.Equal((PhotoType.WebP, PhotoType.Jpeg), (webp.OriginalType, PhotoProcessing.Sniff(webp.Content)));
    }

    [Fact]
    public void ARenamedPdf_IsNotAnImage()
    {
        var pdf = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

        var refused = Assert.Throws<DomainException>(() => PhotoProcessing.Process(pdf));

        Assert.Equal(EvidenceErrors.NotAnImage, refused.Code);
    }

    [Fact]
    public void AHeicPhoto_IsRefusedPlainly_WhenThisPlatformCannotDecodeIt()
    {
        // The start of an iPhone HEIC file: an ISO box of type ftyp with brand heic, and nothing Skia here can decode.
        byte[] heic = [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8, .. new byte[64]];

        var refused = Assert.Throws<DomainException>(() => PhotoProcessing.Process(heic));

        Assert.Equal(EvidenceErrors.UnsupportedFormat, refused.Code);
    }

    [Fact]
    public async Task A50MegabyteUpload_IsTooLarge_WithoutBeingReadToTheEnd()
    {
        var fiftyMegabytes = 50L * 1024 * 1024;
        var unknownLength = new CountingStream(fiftyMegabytes, seekable: false, start: CameraPhoto.Value[..16]);

        var refused = await Assert.ThrowsAsync<DomainException>(() => PhotoProcessing.ProcessAsync(unknownLength));

        Assert.Equal(EvidenceErrors.TooLarge, refused.Code);
        Assert.True(unknownLength.BytesRead <= PhotoProcessing.MaxBytes + 1, $"read {unknownLength.BytesRead} bytes");
    }

    [Fact]
    public async Task A50MegabyteFileOfKnownLength_IsTooLarge_BeforeAnyByteIsRead()
    {
        var known = new CountingStream(50L * 1024 * 1024, seekable: true, start: CameraPhoto.Value[..16]);

        var refused = await Assert.ThrowsAsync<DomainException>(() => PhotoProcessing.ProcessAsync(known));

        Assert.Equal(EvidenceErrors.TooLarge, refused.Code);
        Assert.Equal(0, known.BytesRead);
    }

    [Fact]
    public void AnImageBomb_IsRefusedFromItsHeader_WithoutAllocatingThePicture()
    {
        var bomb = PngBomb(30000, 30000);
        Assert.True(bomb.Length < 200);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var refused = Assert.Throws<DomainException>(() => PhotoProcessing.Process(bomb));

        Assert.Equal(EvidenceErrors.TooManyPixels, refused.Code);
        // 900 megapixels would need 3.6 GB; the refusal costs next to nothing.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 1024 * 1024);
    }

    [Fact]
    public void ATruncatedJpeg_IsUnreadable()
    {
        var photo = Jpeg(1200, 900);
        var truncated = photo[..(photo.Length * 6 / 10)];

        var refused = Assert.Throws<DomainException>(() => PhotoProcessing.Process(truncated));

        Assert.Equal(EvidenceErrors.Unreadable, refused.Code);
    }

    [Fact]
    public void AJpegStartWithGarbageAfterIt_IsUnreadable()
    {
        byte[] garbage = [0xFF, 0xD8, 0xFF, 0xE0, .. Enumerable.Repeat((byte)0x42, 500)];

        var refused = Assert.Throws<DomainException>(() => PhotoProcessing.Process(garbage));

        Assert.Equal(EvidenceErrors.Unreadable, refused.Code);
    }
}
