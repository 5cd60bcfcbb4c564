using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Notices;

/// <summary>A job lease is held by one instance at a time: taken when free, renewed by its holder, taken over once expired.</summary>
public sealed class JobLeasesTests
{
    private const string Name = "notices.close";
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task TwoHoldersRacingForANewLease_ExactlyOneWins(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);

        for (var round = 0; round < 5; round++)
        {
            var name = $"{Name}.{round}";
            var won = await RunTogetherAsync(2, async i =>
            {
                await using var db = database.NewContext();
                return await new JobLeases(db, time).TryTakeAsync(name, $"holder-{i}", Minute);
            });

            Assert.Equal(1, won.Count(w => w));
            await using var read = database.NewContext();
            var lease = await read.JobLeases.AsNoTracking().SingleAsync(l => l.Name == name);
            Assert.Equal($"holder-{Array.IndexOf(won, true)}", lease.Holder);
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AHeldLease_IsRefusedToOthers_RenewedForItsHolder_AndTakenOverOnceExpired(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var db = database.NewContext();
        var leases = new JobLeases(db, time);

        Assert.True(await leases.TryTakeAsync(Name, "a", Minute));
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.False(await leases.TryTakeAsync(Name, "b", Minute));
        // Renewing pushes the expiry on: b is still refused after the first minute would have run out.
        Assert.True(await leases.TryTakeAsync(Name, "a", Minute));
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.False(await leases.TryTakeAsync(Name, "b", Minute));

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await leases.TryTakeAsync(Name, "b", Minute));
        Assert.False(await leases.TryTakeAsync(Name, "a", Minute));

        await using var read = database.NewContext();
        var lease = await read.JobLeases.AsNoTracking().SingleAsync();
        Assert.Equal("b", lease.Holder);
        Assert.Equal(time.GetUtcNow().AddMinutes(1).ToUnixTimeMilliseconds(), lease.ExpiresAt.ToUnixTimeMilliseconds());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ExpiredLease_TwoHoldersTakingItOver_ExactlyOneWins(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using (var db = database.NewContext())
            Assert.True(await new JobLeases(db, time).TryTakeAsync(Name, "gone", Minute));
        time.Advance(TimeSpan.FromMinutes(2));

        var won = await RunTogetherAsync(4, async i =>
        {
            await using var db = database.NewContext();
            return await new JobLeases(db, time).TryTakeAsync(Name, $"holder-{i}", Minute);
        });

        Assert.Equal(1, won.Count(w => w));
        await using var read = database.NewContext();
        Assert.Equal($"holder-{Array.IndexOf(won, true)}", (await read.JobLeases.AsNoTracking().SingleAsync()).Holder);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Release_FreesTheLeaseAtOnce_ButOnlyForItsHolder(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var db = database.NewContext();
        var leases = new JobLeases(db, time);
        Assert.True(await leases.TryTakeAsync(Name, "a", Minute));

        await leases.ReleaseAsync(Name, "b");
        Assert.False(await leases.TryTakeAsync(Name, "b", Minute));
        await leases.ReleaseAsync(Name, "a");

        Assert.True(await leases.TryTakeAsync(Name, "b", Minute));
    }
}
