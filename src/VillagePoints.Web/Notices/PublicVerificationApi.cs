using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Web.Notices;

/// <param name="Intact">True when the ledger up to <paramref name="Entry"/> is unchanged since the head was printed.</param>
/// <param name="Hash">The printed hash, in lower case.</param>
/// <param name="CheckedEntries">How many entries were recomputed: up to the printed one, or up to the first that differs.</param>
/// <param name="FirstDifferingEntry">The first entry that differs from the printed ledger, or null when intact.</param>
/// <param name="MismatchedCheckpoint">The earliest validly signed checkpoint that no longer matches, when the chain was rewritten behind one.</param>
/// <param name="Message">The answer as one sentence in the request's language.</param>
public sealed record VerificationAnswer(
    bool Intact,
    string VillageCode,
    long Entry,
    string Hash,
    long CheckedEntries,
    long? FirstDifferingEntry,
    CheckpointMismatch? MismatchedCheckpoint,
    string Message);

/// <summary>
/// The public check of a chain head printed on a monthly notice. No login: the notice hangs on the village board,
/// and anyone who reads it may check it; the answer reveals nothing the notice does not already show.
/// </summary>
public static class PublicVerificationApi
{
    public const string Tag = "Public verification";

    public static RouteGroupBuilder MapPublicVerificationApi(this RouteGroupBuilder publicVillage)
    {
        publicVillage.MapGet("/verification", Verify).WithTags(Tag)
            .WithSummary("Whether the village's ledger up to a printed chain head (entry=N, hash=64 hex digits, as on the monthly notice) is unchanged since it was printed; if not, the first entry that differs. No login.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return publicVillage;
    }

    /// <summary>
    /// Entry and hash are read as text and checked here, so a mistyped head gets its own code
    /// (verification.entry-malformed, verification.hash-malformed) rather than a binding error.
    /// </summary>
    public static async Task<Ok<VerificationAnswer>> Verify(PrintedHeadVerification verification, IStringLocalizer<SharedResource> text,
        string villageCode, [FromQuery] string? entry, [FromQuery] string? hash, CancellationToken ct)
    {
        var report = await verification.VerifyAsync(villageCode, PrintedHead.Parse(entry, hash), ct);
        return TypedResults.Ok(new VerificationAnswer(report.Intact, report.VillageCode, report.Head.EntryNumber, report.Head.Hash,
            report.CheckedEntries, report.FirstDifferingEntry, report.MismatchedCheckpoint, VerificationWording.Sentence(report, text)));
    }
}

/// <summary>How a verification's answer reads, the same on the page and in the API.</summary>
public static class VerificationWording
{
    public static string Title(PrintedHeadReport report, IStringLocalizer text) =>
        report.Intact ? text["Verification.IntactTitle"] : text["Verification.DiffersTitle", report.FirstDifferingEntry ?? report.Head.EntryNumber];

    public static string Detail(PrintedHeadReport report, IStringLocalizer text)
    {
        var detail = report.Finding switch
        {
            PrintedHeadFinding.Intact => text["Verification.IntactDetail", report.VillageName, report.Head.EntryNumber].Value,
            PrintedHeadFinding.EntryChanged => text["Verification.EntryChangedDetail"].Value,
            _ => text["Verification.ChainRewrittenDetail", report.Head.EntryNumber].Value,
        };
        return report.MismatchedCheckpoint is { } m
            ? detail + text["Verification.CheckpointMismatch", m.Number, m.EntryNumber]
            : detail;
    }

    /// <summary>Title and detail as one sentence, for the API.</summary>
    public static string Sentence(PrintedHeadReport report, IStringLocalizer text) =>
        text["Verification.Sentence", Title(report, text), Detail(report, text)];
}
