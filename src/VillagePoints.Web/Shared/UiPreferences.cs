using System.Globalization;

namespace VillagePoints.Web.Shared;

/// <summary>Per-browser choices that need no login: language and elder mode (big text, high contrast).</summary>
public static class UiPreferences
{
    public const string ElderCookie = "vp.elder";

    public static bool ElderMode(HttpContext http) => http.Request.Cookies[ElderCookie] == "1";

    public static string Lang => CultureInfo.CurrentUICulture.Name;

    public static string OtherLanguage => Lang.StartsWith("en", StringComparison.Ordinal) ? "zh-CN" : "en-US";

    /// <summary>
    /// Only local paths, so a crafted link cannot bounce a villager to another site. Browsers drop tabs
    /// and line breaks inside URLs ("/\t/evil" becomes "//evil"), so control characters and whitespace
    /// make a return address unsafe too.
    /// </summary>
    public static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            ? url : "/";
}
