using System.Net;
using System.Security.Cryptography;
using SkiaSharp;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Evidence;

public sealed class EvidenceApiTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vp-evidence-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    private Task<TestApp> StartAsync(DatabaseProvider provider) =>
        TestApp.StartAsync(provider, new Dictionary<string, string?> { [LocalFolderEvidenceStore.ConfigKey] = folder });

    private async Task<EvidencePhoto> UploadAsync(TestApp app, ArrangedVillage v)
    {
        using var bitmap = new SKBitmap(2000, 1000);
        using (var canvas = new SKCanvas(bitmap))
            canvas.Clear(SKColors.Green);
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
        await using var db = app.NewContext();
        return await new EvidenceIntake(db, new LocalFolderEvidenceStore(folder), TimeProvider.System)
            .AcceptAsync(new EvidenceUpload(v.VillageId, "claim", "1", Ids.New()), new MemoryStream(data.ToArray()));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task TheVillagesCommittee_ReadsTheStoredPhoto_PrivateAndNeverSniffed(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var photo = await UploadAsync(app, a);
        var member = await app.ClientAsync(TestApp.In(a, Role.CommitteeMember));

        var response = await member.GetAsync($"/api/v1/villages/{a.VillageCode}/evidence/{photo.Id}");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.Private);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(photo.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        using var stored = SKBitmap.Decode(bytes);
        Assert.Equal((1600, 800), (stored.Width, stored.Height));

        var thumbnail = await member.GetByteArrayAsync($"/api/v1/villages/{a.VillageCode}/evidence/{photo.Id}?size=thumb");
        using var small = SKBitmap.Decode(thumbnail);
        Assert.Equal((320, 160), (small.Width, small.Height));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AVillager_DoesNotSeeAPhotoOfAClaimTheyCannotSee(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var photo = await UploadAsync(app, a);
        var villager = await app.ClientAsync(TestApp.In(a, Role.Villager, householdNumber: 1));

        var response = await villager.GetAsync($"/api/v1/villages/{a.VillageCode}/evidence/{photo.Id}");

        Assert.Equal("evidence.not-found", await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AnotherVillagesPhoto_IsNotFound_ThroughOnesOwnVillage(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var b = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var photoOfA = await UploadAsync(app, a);
        var chairOfB = await app.ClientAsync(TestApp.In(b, Role.CommitteeChair));

        var response = await chairOfB.GetAsync($"/api/v1/villages/{b.VillageCode}/evidence/{photoOfA.Id}");
        var unknown = await chairOfB.GetAsync($"/api/v1/villages/{b.VillageCode}/evidence/{Ids.New()}");

        Assert.Equal(EvidenceErrors.NotFound, await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound));
        Assert.Equal(EvidenceErrors.NotFound, await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound));
    }
}
