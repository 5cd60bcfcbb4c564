using VillagePoints.Core.Data;
using Xunit;

namespace VillagePoints.TestSupport;

public static class Providers
{
    public static TheoryData<DatabaseProvider> Both => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };
}
