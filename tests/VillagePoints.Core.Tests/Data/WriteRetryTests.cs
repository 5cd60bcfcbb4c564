using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Data;

public sealed class WriteRetryTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UniqueConstraintOf_NamesTheIndexTheWriteBroke_OnEitherDatabase(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 1);

        var numberClash = await SaveFailureAsync(database, db => db.Households.Add(new Household
        {
            VillageId = v.VillageId, Id = Ids.New(), Number = 1, GroupId = v.GroupId, HeadName = "重号户",
        }));
        await using (var first = database.NewContext())
        {
            first.VillageLedgerHeads.Add(new VillageLedgerHead { VillageId = v.VillageId, LastHash = LedgerHash.Genesis });
            await first.SaveChangesAsync();
        }
        var headClash = await SaveFailureAsync(database, db => db.VillageLedgerHeads.Add(
            new VillageLedgerHead { VillageId = v.VillageId, LastHash = LedgerHash.Genesis }));
        var codeClash = await SaveFailureAsync(database, db => db.Villages.Add(new Village
        {
            Id = Ids.New(), TownId = v.TownId, Code = v.VillageCode, Name = "同码村", StartedOn = new DateOnly(2024, 1, 1),
        }));

        await using var names = database.NewContext();
        Assert.Equal(ConstraintNames.HouseholdNumber, WriteRetry.UniqueConstraintOf(numberClash, names));
        Assert.Equal(ConstraintNames.ChainHead, WriteRetry.UniqueConstraintOf(headClash, names));
        Assert.Equal("IX_Villages_Code", WriteRetry.UniqueConstraintOf(codeClash, names));
        Assert.True(WriteRetry.IsTransient(headClash, names));
        Assert.False(WriteRetry.IsTransient(codeClash, names));
        Assert.True(WriteRetry.IsTransient(numberClash, names, [ConstraintNames.HouseholdNumber]));
        Assert.False(WriteRetry.IsTransient(numberClash, names));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RunAsync_AUniqueConflictThatIsNoRace_IsADuplicateAtTheFirstAttempt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, households: 0);
        await using var db = database.NewContext();
        var attempts = 0;

        var ex = await Assert.ThrowsAsync<DomainException>(() => WriteRetry.RunAsync(db, async ct =>
        {
            attempts++;
            db.Villages.Add(new Village { Id = Ids.New(), TownId = v.TownId, Code = v.VillageCode, Name = "同码村", StartedOn = new DateOnly(2024, 1, 1) });
            return await db.SaveChangesAsync(ct);
        }, CancellationToken.None));

        Assert.Equal(("write.duplicate", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        Assert.Equal(1, attempts);
        Assert.Empty(db.ChangeTracker.Entries());
    }

    [Fact]
    public async Task RunAsync_ConflictsOnEveryAttempt_EndInAContendedConflict_NotAServerError()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = database.NewContext();
        var attempts = 0;

        var ex = await Assert.ThrowsAsync<DomainException>(() => WriteRetry.RunAsync<int>(db, _ =>
        {
            attempts++;
            throw new DbUpdateConcurrencyException("another writer moved the chain head");
        }, CancellationToken.None));

        Assert.Equal(("write.contended", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        Assert.Equal(WriteRetry.MaxAttempts, attempts);
    }

    /// <summary>Saves what <paramref name="change"/> adds and returns the database's refusal.</summary>
    private static async Task<Exception> SaveFailureAsync(TestDatabase database, Action<VillagePointsDb> change)
    {
        await using var db = database.NewContext();
        change(db);
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.True(WriteRetry.IsUniqueViolation(ex), ex.ToString());
        return ex;
    }
}
