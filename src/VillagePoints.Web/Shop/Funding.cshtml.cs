using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Places;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Shop;

/// <summary>
/// The committee's funding view (资金保障): the headline figures first, big, then redemptions by month as bars, then the
/// stock and the goods received. Read-only, for whoever may read the shop's funding.
/// </summary>
[VillageScope(VillagePermission.ReadShopFunding)]
public sealed class FundingModel(ShopFunding funding) : PageModel
{
    public Village Village { get; private set; } = null!;

    public FundingFigures Figures { get; private set; } = null!;

    public bool Chinese => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);

    /// <summary>The busiest month's points: the full length of a bar.</summary>
    public long MostPoints => Math.Max(1, Figures.Redemptions.Max(m => m.Points));

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Village = HttpContext.Grant().Village;
        Figures = await funding.ReadAsync(Village.Id, ct);
        return Page();
    }

    /// <summary>Fen as yuan: ¥1,234.50, or ¥1,234 when whole.</summary>
    public static string Yuan(long fen)
    {
        var yuan = fen / 100m;
        return "¥" + yuan.ToString(fen % 100 == 0 ? "N0" : "N2", CultureInfo.CurrentCulture);
    }

    /// <summary>A bar's length in the chart's 100 units; a month with any redemptions shows at least a sliver.</summary>
    public int BarLength(long points) => points <= 0 ? 0 : (int)Math.Max(1, points * 100 / MostPoints);

    public static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
