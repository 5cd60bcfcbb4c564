using Microsoft.AspNetCore.Http.HttpResults;
using VillagePoints.Core.Reports;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Reports;

public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder village)
    {
        village.MapGet("/stats", Stats).RequireVillage(VillagePermission.ReadVillage).WithTags("Reports")
            .WithSummary("The village's headline figures: households, people, points issued, deducted and redeemed.");
        return village;
    }

    public static async Task<Ok<StatsFigures>> Stats(HttpContext http, VillageStats stats, CancellationToken ct) =>
        TypedResults.Ok(await stats.ComputeAsync(http.Grant().Village.Id, ct));
}
