using System.Globalization;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Notices;

/// <summary>
/// Where anyone can check a printed chain head, without signing in. The notice puts <see cref="PathFor(string, long, string)"/>
/// in its QR code, so a phone that scans it opens the page with the head already filled in.
/// </summary>
public static class PublicVerification
{
    /// <summary>The page, relative to the site's root: <c>/public/villages/{code}/verification?entry=N&amp;hash=H</c>.</summary>
    public static string PathFor(string villageCode, long entryNumber, string hash) =>
        string.Create(CultureInfo.InvariantCulture,
            $"/public/villages/{Uri.EscapeDataString(villageCode)}/verification?entry={entryNumber}&hash={Uri.EscapeDataString(hash.ToLowerInvariant())}");

    public static string PathFor(string villageCode, NoticeChainHead head) => PathFor(villageCode, head.EntryNumber, head.Hash);

    public static string PathFor(string villageCode, PrintedHead head) => PathFor(villageCode, head.EntryNumber, head.Hash);

    /// <summary>The same check as JSON: <c>/api/v1/public/villages/{code}/verification?entry=N&amp;hash=H</c>.</summary>
    public static string ApiPathFor(string villageCode, long entryNumber, string hash) => "/api/v1" + PathFor(villageCode, entryNumber, hash);
}
