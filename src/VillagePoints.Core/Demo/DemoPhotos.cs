using System.Globalization;
using SkiaSharp;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Demo;

/// <summary>
/// Evidence photos for the demo claims that still wait for review under a rule asking for evidence, so a
/// reviewer has pictures to look at. Each is drawn (a lane between houses under the sky, a heap or a bin,
/// a figure) and then goes through <see cref="PhotoProcessing"/> and the store exactly as an upload does.
/// Older claims have no photos: they would fill the disk for nothing anyone looks at again.
/// </summary>
internal static class DemoPhotos
{
    public const int Width = 640;
    public const int Height = 480;

    public static async Task<List<EvidencePhoto>> StoreAsync(IEvidenceStore store, IEnumerable<Claim> claims, IReadOnlyList<RuleVersion> versions,
        CancellationToken ct)
    {
        var needsEvidence = versions.Where(v => v.EvidenceRequired).Select(v => (v.RuleId, v.Number)).ToHashSet();
        var rows = new List<EvidencePhoto>();
        var files = new List<(string Key, byte[] Content)>();
        foreach (var claim in claims.Where(c => c.Waiting && needsEvidence.Contains((c.RuleId, c.RuleVersion))))
        {
            var random = new Random(unchecked((int)claim.Number * 7919 + claim.HouseholdId.GetHashCode()));
            var ids = new DemoIds(random.Next());
            var count = 1 + (int)(claim.Number % 2);
            for (var i = 0; i < count; i++)
            {
                var photo = PhotoProcessing.Process(Draw(random, claim.Points < 0));
                var uploadedAt = claim.SubmittedAt.AddSeconds(20 * (i + 1));
                var id = ids.New(uploadedAt);
                var row = new EvidencePhoto
                {
                    VillageId = claim.VillageId, Id = id, OwnerKind = ClaimDesk.EvidenceOwnerKind,
                    OwnerRef = claim.Number.ToString(CultureInfo.InvariantCulture), ContentKey = EvidenceKeys.NewPhoto(id),
                    ThumbnailKey = EvidenceKeys.NewThumbnail(id), Width = photo.Width, Height = photo.Height, ByteSize = photo.Content.LongLength,
                    Sha256 = photo.Sha256, OriginalType = photo.OriginalType, UploadedBy = claim.SubmittedBy, UploadedAt = uploadedAt,
                };
                files.Add((row.ContentKey, photo.Content));
                files.Add((row.ThumbnailKey, photo.Thumbnail));
                rows.Add(row);
            }
        }
        // The store flushes every file to disk; waiting for those one by one would take seconds.
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (file, token) => await store.SaveAsync(file.Key, file.Content, token));
        return rows;
    }

    /// <summary>A plausible village snapshot: a heap of rubbish for a deduction, a swept lane with a bin for an award.</summary>
    public static byte[] Draw(Random random, bool deduction)
    {
        using var bitmap = new SKBitmap(Width, Height);
        using (var canvas = new SKCanvas(bitmap))
        {
            var horizon = Height * (0.35f + 0.1f * (float)random.NextDouble());
            using (var sky = new SKPaint { Shader = SKShader.CreateLinearGradient(new(0, 0), new(0, horizon),
                       [new SKColor(150, 190, 235), new SKColor(215, 230, 245)], SKShaderTileMode.Clamp) })
                canvas.DrawRect(0, 0, Width, horizon, sky);
            using (var ground = new SKPaint { Color = new SKColor(150, 140, 120) })
                canvas.DrawRect(0, horizon, Width, Height - horizon, ground);

            // Houses along the lane, grey brick with dark roofs.
            using var wall = new SKPaint { IsAntialias = true };
            using var roof = new SKPaint { IsAntialias = true, Color = new SKColor(70, 60, 55) };
            var x = -20f;
            while (x < Width)
            {
                var w = 120 + random.Next(80);
                var h = 90 + random.Next(70);
                var grey = (byte)(165 + random.Next(50));
                wall.Color = new SKColor(grey, (byte)(grey - 10), (byte)(grey - 25));
                canvas.DrawRect(x, horizon - h, w - 8, h, wall);
                // The eaves: a dark band of tiles over the wall.
                canvas.DrawRect(x - 6, horizon - h - 18, w + 4, 20, roof);
                x += w;
            }

            using var paint = new SKPaint { IsAntialias = true };
            if (deduction)
            {
                // A heap of rubbish bags and scraps at the roadside.
                for (var i = 0; i < 14; i++)
                {
                    paint.Color = new SKColor((byte)random.Next(30, 200), (byte)random.Next(30, 160), (byte)random.Next(20, 140));
                    canvas.DrawOval(250 + random.Next(300), Height - 170 + random.Next(90), 20 + random.Next(40), 14 + random.Next(25), paint);
                }
            }
            else
            {
                // A green bin and a broom on a swept lane.
                paint.Color = new SKColor(40, 130, 70);
                canvas.DrawRoundRect(520, Height - 230, 90, 130, 8, 8, paint);
                paint.Color = new SKColor(120, 80, 40);
                paint.StrokeWidth = 8;
                canvas.DrawLine(300, Height - 260, 360, Height - 110, paint);
                paint.Color = new SKColor(200, 170, 90);
                canvas.DrawOval(362, Height - 105, 40, 14, paint);
            }
            // Someone at work, in a red vest.
            paint.Color = new SKColor(200, 50, 40);
            canvas.DrawRect(170, Height - 280, 50, 90, paint);
            paint.Color = new SKColor(230, 190, 160);
            canvas.DrawCircle(195, Height - 300, 20, paint);
            paint.Color = new SKColor(40, 50, 80);
            canvas.DrawRect(172, Height - 190, 20, 80, paint);
            canvas.DrawRect(198, Height - 190, 20, 80, paint);

            // Grain, so the picture compresses like a photo and not like a drawing; specks are far cheaper than a noise shader.
            using var speck = new SKPaint();
            for (var i = 0; i < 2_000; i++)
            {
                var shade = (byte)random.Next(256);
                speck.Color = new SKColor(shade, shade, shade, 40);
                canvas.DrawRect(random.Next(Width), random.Next(Height), 2 + random.Next(4), 2 + random.Next(4), speck);
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 88);
        return data.ToArray();
    }
}
