using System.Globalization;

namespace VillagePoints.Web.Shared;

/// <summary>Per-browser choices that need no login: language and elder mode (big text, high contrast).</summary>
public static class UiPreferences
{
    public const string ElderCookie = "vp.elder";

    public static bool ElderMode(HttpContext http) => http.Request.Cookies[ElderCookie] == "1";

    public static string Lang => CultureInfo.CurrentUICulture.Name;

    public static string OtherLanguage => Lang.StartsWith("en", StringComparison.Ordinal) ? "zh-CN" : "en-US";

    /// <summary>Only local paths, so a crafted link cannot bounce a villager to another site.</summary>
    public static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url : "/";
}
