using Microsoft.Extensions.Diagnostics.HealthChecks;
using VillagePoints.Core.Data;

namespace VillagePoints.Web.Hosting;

public sealed class DatabaseHealthCheck(VillagePointsDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("database unreachable");
}
