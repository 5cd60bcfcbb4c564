using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace VillagePoints.Web.Households;

/// <summary>
/// The friendly "not found" page with a real 404 status. A missing village or household and one
/// the user may not see look the same, so the page never confirms that something exists.
/// </summary>
public static class NotFoundPage
{
    public static PartialViewResult For(PageModel page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var result = page.Partial("/Households/_NotFound.cshtml");
        result.StatusCode = StatusCodes.Status404NotFound;
        return result;
    }
}
