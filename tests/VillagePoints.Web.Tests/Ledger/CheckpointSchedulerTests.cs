using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Ledger;

public sealed class CheckpointSchedulerTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "villagepoints-tests", "scheduler-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Scheduler_SignsEachVillageWhoseHeadMoved_AndOnlyThose(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider, KeySettings());
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = app.Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(time)));
        var moved = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var empty = await VillageBuilder.ArrangeAsync(app.Database, 1);
        await using (var db = app.NewContext())
            await new LedgerPosting(db, TimeProvider.System).PostAsync(new PostEntry(moved.VillageId, moved.HouseholdIds[0], 5, EntryKind.Award, "清理河道", SourceKinds.Committee));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await client.GetAsync("/healthz")).EnsureSuccessStatusCode();

        time.Advance(TimeSpan.FromMinutes(1));
        var signed = await WaitForCheckpointsAsync(app, moved, 1);

        Assert.Equal((1, 1L), (signed[0].Number, signed[0].EntryNumber));
        await using var read = app.NewContext();
        Assert.Equal(0, await read.LedgerCheckpoints.CountAsync(c => c.VillageId == empty.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ProductionStart_WithoutAKey_CreatesNoneAndSignsNothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider, KeySettings());
        await using var factory = app.Factory.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await client.GetAsync("/healthz")).EnsureSuccessStatusCode();

        await using var scope = factory.Services.CreateAsyncScope();
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            scope.ServiceProvider.GetRequiredService<LedgerCheckpoints>().CreateCheckpointAsync(v.VillageId));

        Assert.Equal("checkpoint.no-signing-key", refused.Code);
        Assert.False(File.Exists(Path.Combine(folder, "signing.pem")), "outside Development the operator provides the key");
    }

    /// <summary>The scheduler runs on its own thread once the fake clock moves; this waits for its write, up to a bound.</summary>
    private static async Task<List<LedgerCheckpoint>> WaitForCheckpointsAsync(TestApp app, ArrangedVillage v, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var db = app.NewContext();
            var found = await db.LedgerCheckpoints.AsNoTracking().Where(c => c.VillageId == v.VillageId).OrderBy(c => c.Number).ToListAsync();
            if (found.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(found.Count == count, $"expected {count} checkpoints, found {found.Count}");
                return found;
            }
            await Task.Delay(50);
        }
    }

    private Dictionary<string, string?> KeySettings() => new()
    {
        ["Ledger:SigningKeyPath"] = Path.Combine(folder, "signing.pem"),
        ["Ledger:PublicKeysPath"] = Path.Combine(folder, "public"),
    };
}
