using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Demo;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Reports;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Demo;

/// <summary>
/// On PostgreSQL the demo's claims and rosters go in by binary COPY, a path of its own: the same seed there must give
/// row for row what it gives on SQLite, a sound ledger, and a village the use cases go on working with.
/// </summary>
public sealed class DemoVillagePostgresTests(DemoVillageFixture fixture) : IClassFixture<DemoVillageFixture>
{
    private sealed record ClaimRow(long Number, ClaimChannel Channel, ClaimState State, int Points, int RuleVersion, DateOnly OccurredOn,
        DateTimeOffset SubmittedAt, DateTimeOffset? ResolvedAt, long? EntryNumber, Guid? ActivityId, string ExplanationZh);

    private static Task<List<ClaimRow>> ClaimsAsync(VillagePointsDb db) =>
        db.Claims.AsNoTracking().OrderBy(c => c.VillageId).ThenBy(c => c.Number)
            .Select(c => new ClaimRow(c.Number, c.Channel, c.State, c.Points, c.RuleVersion, c.OccurredOn, c.SubmittedAt, c.ResolvedAt,
                c.EntryNumber, c.ActivityId, c.ExplanationZh))
            .ToListAsync();

    private static Task<List<string>> ItemHeadsAsync(VillagePointsDb db) =>
        db.ShopItems.AsNoTracking().OrderBy(i => i.Code).Select(i => i.Code + " " + i.Stock + " " + i.MovementCount + " " + i.LastMovementHash).ToListAsync();

    [Fact]
    public async Task The_same_seed_on_PostgreSQL_gives_the_same_claims_rosters_notices_objections_and_a_sound_ledger()
    {
        Assert.True(fixture.Seeded);
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var evidence = Path.Combine(Path.GetTempPath(), "vp-demo-pg-" + Path.GetRandomFileName());
        var time = new FakeTimeProvider(DemoVillageFixture.Now);
        await using (var db = database.NewContext())
            Assert.True(await DemoVillage.SeedAsync(db, time, null, new LocalFolderEvidenceStore(evidence)));

        await using var postgres = database.NewContext();
        await using var sqlite = fixture.Open();
        var expected = await ClaimsAsync(sqlite);
        var actual = await ClaimsAsync(postgres);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
        Assert.Equal(await sqlite.ActivityAttendances.CountAsync(), await postgres.ActivityAttendances.CountAsync());
        Assert.Equal(await sqlite.EvidencePhotos.CountAsync(), await postgres.EvidencePhotos.CountAsync());
        Assert.Equal(await sqlite.LedgerEntries.SumAsync(e => (long)e.Amount), await postgres.LedgerEntries.SumAsync(e => (long)e.Amount));

        var village = await postgres.Villages.AsNoTracking().SingleAsync(v => v.Code == DemoVillage.VillageCode);
        Assert.Equal((await new VillageStats(sqlite).ComputeAsync(village.Id)).VolunteerPersonTimes,
            (await new VillageStats(postgres).ComputeAsync(village.Id)).VolunteerPersonTimes);
        Assert.Equal((await new VillageStats(sqlite).ComputeAsync(village.Id)).ItemsRedeemed,
            (await new VillageStats(postgres).ComputeAsync(village.Id)).ItemsRedeemed);
        // The shop's rows went in by COPY too: the same stock chains, ending on the same heads.
        Assert.Equal(await ItemHeadsAsync(sqlite), await ItemHeadsAsync(postgres));
        Assert.Equal(await sqlite.Vouchers.OrderBy(v => v.Code).Select(v => v.Code + v.State).ToListAsync(),
            await postgres.Vouchers.OrderBy(v => v.Code).Select(v => v.Code + v.State).ToListAsync());
        var report = await new LedgerVerifier(postgres).VerifyAsync();
        Assert.True(report.Sound, report.FirstProblem?.ToString());

        // The notices were built by the same builder on the other database: the same documents, byte for byte.
        Assert.Equal(await DemoNoticeChecks.RowsAsync(sqlite), await DemoNoticeChecks.RowsAsync(postgres));
        foreach (var (code, first) in DemoNoticeChecks.Villages)
        {
            await DemoNoticeChecks.EveryMonthHasANoticeAsync(postgres, code, first);
            await DemoNoticeChecks.EachNoticeListsItsMonthAsync(postgres, code);
            await DemoNoticeChecks.ClosedNoticesMadeTheirEntriesEffectiveAsync(postgres, code);
            await DemoNoticeChecks.ObjectionsAreDecidedInTheirWindowAsync(postgres, code);
        }

        // The next claim after the bulk insert takes the next number, as any claim would.
        var worker = await postgres.RoleAssignments.AsNoTracking()
            .Where(r => r.VillageId == village.Id && r.Role == Role.GridWorker).Select(r => r.UserId).FirstAsync();
        var household = await postgres.Households.AsNoTracking().Where(h => h.VillageId == village.Id && h.Number == 7).Select(h => h.Id).SingleAsync();
        var last = await postgres.Claims.Where(c => c.VillageId == village.Id).MaxAsync(c => c.Number);
        var desk = new ClaimDesk(postgres, new LedgerPosting(postgres, time), new RuleBook(postgres, time), time);
        var claim = await desk.SubmitAsync(new SubmitClaim(village.Id, ClaimChannel.Patrol, household, "env-litter",
            BusinessCalendar.Today(time), worker, Note: "巡查：路边垃圾"));
        Assert.Equal(last + 1, claim.Number);
        Assert.Equal(ClaimState.Submitted, (await postgres.Claims.AsNoTracking().SingleAsync(c => c.VillageId == village.Id && c.Number == claim.Number)).State);
        Directory.Delete(evidence, recursive: true);
    }
}
