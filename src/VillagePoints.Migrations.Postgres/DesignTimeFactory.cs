using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VillagePoints.Core.Data;

namespace VillagePoints.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef</c> build the model for this provider without a running database.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<VillagePointsDb>
{
    public VillagePointsDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<VillagePointsDb>();
        DatabaseSetup.Configure(options, DatabaseProvider.Postgres, "Host=127.0.0.1;Database=design_time;Username=postgres");
        return new VillagePointsDb(options.Options);
    }
}
