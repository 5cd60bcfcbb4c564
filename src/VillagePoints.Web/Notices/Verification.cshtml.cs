using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Web.Notices;

/// <summary>
/// The public verification page: anyone types the chain head printed on a notice, or scans the notice's QR code
/// (which opens this page with <c>?entry=N&amp;hash=H</c>), and sees at once whether the ledger up to that entry is
/// unchanged. A GET form: it changes nothing, so it needs no antiforgery token and its answer can be bookmarked.
/// </summary>
public sealed class VerificationModel(VillagePointsDb db, PrintedHeadVerification verification, IStringLocalizer<SharedResource> text) : PageModel
{
    /// <summary>The entry number, or the whole printed head "N:HASH" pasted into this one field.</summary>
    [BindProperty(SupportsGet = true, Name = "entry")]
    public string? Entry { get; set; }

    [BindProperty(SupportsGet = true, Name = "hash")]
    public string? Hash { get; set; }

    public string VillageName { get; private set; } = "";

    public string VillageCode { get; private set; } = "";

    public PrintedHeadReport? Report { get; private set; }

    public string? EntryError { get; private set; }

    public string? HashError { get; private set; }

    public bool Asked => !string.IsNullOrWhiteSpace(Entry) || !string.IsNullOrWhiteSpace(Hash);

    public async Task<IActionResult> OnGetAsync(string villageCode, CancellationToken ct)
    {
        var village = await db.Villages.AsNoTracking().Where(v => v.Code == villageCode).Select(v => new { v.Code, v.Name }).SingleOrDefaultAsync(ct);
        if (village is null)
            return NotFound();
        (VillageCode, VillageName) = (village.Code, village.Name);
        if (!Asked)
            return Page();
        try
        {
            var head = PrintedHead.LooksCombined(Entry) && string.IsNullOrWhiteSpace(Hash) ? PrintedHead.Parse(Entry) : PrintedHead.Parse(Entry, Hash);
            // Shown back as checked: the two halves apart, the hash in lower case.
            (Entry, Hash) = (head.EntryNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Hash);
            Report = await verification.VerifyAsync(village.Code, head, ct);
        }
        catch (DomainException ex) when (ex.Code is PrintedHead.HashMalformed)
        {
            HashError = Localize(ex);
        }
        catch (DomainException ex) when (ex.Code is PrintedHead.EntryMalformed or PrintedHead.EntryUnknown)
        {
            EntryError = Localize(ex);
        }
        return Page();
    }

    public string Title(PrintedHeadReport report) => VerificationWording.Title(report, text);

    public string Detail(PrintedHeadReport report) => VerificationWording.Detail(report, text);

    private string Localize(DomainException ex)
    {
        var message = text[ex.Code];
        return message.ResourceNotFound ? ex.Message : message.Value;
    }
}
