using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Data;

public sealed class TestDatabaseTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateAsync_TwoDatabases_AreEmptyAndSeparate(DatabaseProvider provider)
    {
        await using var first = await TestDatabase.CreateAsync(provider);
        await using var second = await TestDatabase.CreateAsync(provider);

        Assert.Equal(provider, first.Provider);
        Assert.NotEqual(first.ConnectionString, second.ConnectionString);
        await VillageBuilder.ArrangeAsync(first, households: 2);
        await using var a = first.NewContext();
        await using var b = second.NewContext();
        Assert.Equal(2, await a.Households.CountAsync());
        Assert.Equal(0, await b.Households.CountAsync());
        Assert.Equal(0, await b.Villages.CountAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ArrangeAsync_Households_AreNumberedFromOneInTheirVillage(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        var v = await VillageBuilder.ArrangeAsync(database, households: 4);
        var other = await VillageBuilder.ArrangeAsync(database, households: 1);

        Assert.NotEqual(v.VillageCode, other.VillageCode);
        await using var db = database.NewContext();
        var homes = await db.Households.Where(h => h.VillageId == v.VillageId).OrderBy(h => h.Number).ToListAsync();
        Assert.Equal([1, 2, 3, 4], homes.Select(h => h.Number));
        Assert.Equal(v.HouseholdIds, homes.Select(h => h.Id));
        Assert.All(homes, h => Assert.Equal(v.GroupId, h.GroupId));
        Assert.Equal("测试户1", homes[0].HeadName);
    }

    [Fact]
    public async Task DisposeAsync_SqliteDatabase_DeletesItsFile()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        await VillageBuilder.ArrangeAsync(database);
        Assert.True(File.Exists(path));

        await database.DisposeAsync();

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task DisposeAsync_PostgresDatabase_DropsIt()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        await VillageBuilder.ArrangeAsync(database);

        await database.DisposeAsync();

        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable)) { Database = "postgres" };
        await using var admin = new NpgsqlConnection(server.ConnectionString);
        await admin.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", admin);
        query.Parameters.AddWithValue("name", name!);
        Assert.Equal(0L, await query.ExecuteScalarAsync());
    }
}
