using Microsoft.AspNetCore.Http.HttpResults;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Places;

public sealed record VillageView(string Code, string Name, string TownCode, string TownName, string DistrictCode, string DistrictName, VillageSettings Settings);

public static class PlacesApi
{
    public static RouteGroupBuilder MapPlacesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/villages", Visible).RequireAuthorization().WithTags("Places")
            .WithSummary("The villages you may see, with their town and district.");
        api.MapGet("/villages/{villageCode}", Get).RequireVillage(VillagePermission.ReadVillage).WithTags("Places")
            .WithSummary("One village and its settings.");
        return api;
    }

    public static async Task<Ok<List<VillageView>>> Visible(HttpContext http, VillageAccess access, CancellationToken ct) =>
        TypedResults.Ok((await access.VisibleVillagesAsync(http.User, ct)).Select(View).ToList());

    public static Ok<VillageView> Get(HttpContext http) => TypedResults.Ok(View(http.Grant().Village));

    private static VillageView View(Village v) =>
        new(v.Code, v.Name, v.Town!.Code, v.Town.Name, v.Town.District!.Code, v.Town.District.Name, v.Settings);
}
