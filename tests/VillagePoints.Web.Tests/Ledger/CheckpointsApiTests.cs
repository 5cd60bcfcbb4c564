using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using VillagePoints.Web.Ledger;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Ledger;

public sealed class CheckpointsApiTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "villagepoints-tests", "api-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkpoints_ListsSignedHeads_WithThePublicKeyThatChecksThem(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var posting = scope.ServiceProvider.GetRequiredService<LedgerPosting>();
            await posting.PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[0], 10, EntryKind.Award, "参与志愿服务", SourceKinds.Committee));
            await scope.ServiceProvider.GetRequiredService<LedgerCheckpoints>().CreateCheckpointAsync(v.VillageId);
        }

        var export = await villager.GetFromJsonAsync<CheckpointExport>($"/api/v1/villages/{v.VillageCode}/ledger/checkpoints");

        var checkpoint = Assert.Single(export!.Checkpoints);
        await using var db = app.NewContext();
        var head = await db.VillageLedgerHeads.AsNoTracking().SingleAsync(h => h.VillageId == v.VillageId);
        Assert.Equal((1, head.LastNumber, head.LastHash), (checkpoint.Number, checkpoint.EntryNumber, checkpoint.HeadHash));
        Assert.Equal(export.CurrentKeyId, checkpoint.KeyId);
        var publicKey = Assert.Single(export.PublicKeys);
        using var key = ECDsa.Create();
        key.ImportFromPem(publicKey.PublicKey);
        Assert.True(key.VerifyData(
            LedgerCheckpoint.SignedBytes(export.VillageId, export.VillageCode, checkpoint.EntryNumber, checkpoint.HeadHash, checkpoint.SignedAt, checkpoint.KeyId),
            Convert.FromBase64String(checkpoint.Signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.True(File.Exists(Path.Combine(folder, "signing.pem")), "a Development start creates the signing key outside the database");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkpoints_OfAnotherVillage_AreNotFound(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var mine = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var theirs = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(mine, Role.CommitteeChair));

        var response = await chair.GetAsync($"/api/v1/villages/{theirs.VillageCode}/ledger/checkpoints");

        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound));
    }

    private Task<TestApp> StartAsync(DatabaseProvider provider) => TestApp.StartAsync(provider, new Dictionary<string, string?>
    {
        ["Ledger:SigningKeyPath"] = Path.Combine(folder, "signing.pem"),
        ["Ledger:PublicKeysPath"] = Path.Combine(folder, "public"),
        // The tests sign when they choose to; the hourly run stays out of their way.
        ["Ledger:CheckpointEvery"] = "00:00:00",
    });
}
