using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VillagePoints.Core.Data;

namespace VillagePoints.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef</c> build the model for this provider without a running database.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<VillagePointsDb>
{
    public VillagePointsDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<VillagePointsDb>();
        DatabaseSetup.Configure(options, DatabaseProvider.Sqlite, "Data Source=design-time.db");
        return new VillagePointsDb(options.Options);
    }
}
