using Microsoft.AspNetCore.Http.HttpResults;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>The committee's funding view of the points supermarket, for the committee, the clerk and town and district viewers.</summary>
public static class FundingApi
{
    public const string Tag = "Shop funding";

    public static RouteGroupBuilder MapFundingApi(this RouteGroupBuilder village)
    {
        village.MapGet("/shop/funding", Read).RequireVillage(VillagePermission.ReadShopFunding).WithTags(Tag)
            .WithSummary("Can the village afford what it promised: points outstanding, stock on hand at cost, goods received by source, redemptions by month.");
        return village;
    }

    public static async Task<Ok<FundingFigures>> Read(HttpContext http, ShopFunding funding, CancellationToken ct) =>
        TypedResults.Ok(await funding.ReadAsync(http.Grant().Village.Id, ct));
}
