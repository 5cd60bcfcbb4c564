using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.TestSupport;
using System.Security.Cryptography;

namespace VillagePoints.Core.Tests.Evidence;

public sealed class EvidenceIntakeTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vp-evidence-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    private EvidenceIntake Intake(VillagePointsDb db) => new(db, new LocalFolderEvidenceStore(folder), TimeProvider.System);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AnAcceptedPhoto_IsStoredWithItsThumbnail_AndItsRowMatchesTheStoredBytes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var uploader = Ids.New();

        await using (var db = database.NewContext())
            await Intake(db).AcceptAsync(new EvidenceUpload(v.VillageId, "claim", "17", uploader), new MemoryStream(TestPhotos.Jpeg(2400, 1800)));

        await using var check = database.NewContext();
        var row = await check.EvidencePhotos.SingleAsync(p => p.VillageId == v.VillageId);
        var store = new LocalFolderEvidenceStore(folder);
        var stored = await ReadAllAsync(store, row.ContentKey);
        Assert.Equal((1600, 1200, (long)stored.Length), (row.Width, row.Height, row.ByteSize));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), row.Sha256);
        Assert.Equal((PhotoType.Jpeg, "claim", "17", uploader), (row.OriginalType, row.OwnerKind, row.OwnerRef, row.UploadedBy));
        Assert.Equal(PhotoType.Jpeg, PhotoProcessing.Sniff(await ReadAllAsync(store, row.ThumbnailKey)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ASeventhPhoto_ForOneClaim_IsRefused_AndNothingMoreIsStored(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var upload = new EvidenceUpload(v.VillageId, "claim", "3", Ids.New());
        var small = TestPhotos.Jpeg(64, 48);
        await using (var db = database.NewContext())
        {
            for (var i = 0; i < EvidencePhoto.MaxPhotosPerClaim; i++)
                await Intake(db).AcceptAsync(upload, new MemoryStream(small));
        }

        await using var again = database.NewContext();
        var refused = await Assert.ThrowsAsync<DomainException>(() => Intake(again).AcceptAsync(upload, new MemoryStream(small)));

        Assert.Equal(EvidenceErrors.TooManyPhotos, refused.Code);
        await using var check = database.NewContext();
        Assert.Equal(6, await check.EvidencePhotos.CountAsync(p => p.VillageId == v.VillageId));
        Assert.Equal(12, Directory.GetFiles(folder, "*.jpg", SearchOption.AllDirectories).Length);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task APreparedPhoto_TouchesNothing_UntilItIsStored_AndAStoredOneCountsTowardsTheSix(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);
        var upload = new EvidenceUpload(v.VillageId, "claim", "9", Ids.New());

        var prepared = await EvidenceIntake.PrepareAsync(new MemoryStream(TestPhotos.Jpeg(2000, 1000)));
        var pdf = await Assert.ThrowsAsync<DomainException>(() => EvidenceIntake.PrepareAsync(new MemoryStream("%PDF-1.7 renamed.jpg"u8.ToArray())));
        Assert.Equal(EvidenceErrors.NotAnImage, pdf.Code);
        Assert.False(Directory.Exists(folder));

        await using var db = database.NewContext();
        var row = await Intake(db).StoreAsync(upload, prepared);
        Assert.Equal((1600, 800, prepared.Sha256), (row.Width, row.Height, row.Sha256));
        Assert.Equal(1, await Intake(db).CountAsync(upload));
        for (var i = 1; i < EvidencePhoto.MaxPhotosPerClaim; i++)
            await Intake(db).StoreAsync(upload, prepared);
        var seventh = await Assert.ThrowsAsync<DomainException>(() => Intake(db).StoreAsync(upload, prepared));
        Assert.Equal(EvidenceErrors.TooManyPhotos, seventh.Code);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ARefusedPhoto_LeavesNoRowAndNoFile(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 1);

        await using var db = database.NewContext();
        var refused = await Assert.ThrowsAsync<DomainException>(() => Intake(db).AcceptAsync(
            new EvidenceUpload(v.VillageId, "claim", "4", Ids.New()), new MemoryStream(TestPhotos.PngBomb(30000, 30000))));

        Assert.Equal(EvidenceErrors.TooManyPixels, refused.Code);
        await using var check = database.NewContext();
        Assert.False(await check.EvidencePhotos.AnyAsync(p => p.VillageId == v.VillageId));
        Assert.False(Directory.Exists(folder));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task APhotoWhoseRowCannotBeSaved_LeavesNoFileBehind(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await VillageBuilder.ArrangeAsync(database, 1);

        // No such village: the foreign key refuses the row after the bytes were stored.
        await using var db = database.NewContext();
        await Assert.ThrowsAsync<DbUpdateException>(() => Intake(db).AcceptAsync(
            new EvidenceUpload(Ids.New(), "claim", "5", Ids.New()), new MemoryStream(TestPhotos.Jpeg(64, 48))));

        Assert.Empty(Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
    }

    private static async Task<byte[]> ReadAllAsync(IEvidenceStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);
        return copy.ToArray();
    }
}
