using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;
using VillagePoints.Web.Households;

namespace VillagePoints.Web.Ledger;

public sealed record RecordEntryRequest(int Amount, EntryKind Kind, string? Reason, DateOnly? OccurredOn);

public sealed record ReverseEntryRequest(string? Reason);

public sealed record ChainHead(string VillageCode, long LastEntryNumber, string LastHash);

public static class LedgerApi
{
    public static RouteGroupBuilder MapLedgerApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("").WithTags("Ledger");
        group.MapGet("/households/{householdNo:int}/ledger", History).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("A household's ledger, newest first, each line with its reason, source and actors.");
        group.MapPost("/households/{householdNo:int}/entries", Record).RequireVillage(VillagePermission.RecordEntries)
            .WithSummary("Record an award, deduction or adjustment directly (committee). Above the village's two-reviewer threshold, or on a household the member's role links them to, it waits for a second member (202). Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/entries/{entryNo:long}", GetEntry).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("One ledger entry.");
        group.MapPost("/entries/{entryNo:long}/reversal", Reverse).RequireVillage(VillagePermission.ReverseEntries)
            .WithSummary("Correct an entry by reversing it, with a reason. An entry is reversed at most once. Accepts Idempotency-Key.");
        group.MapGet("/ledger/head", Head).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The village's hash-chain head, as printed on the monthly notice.");
        return village;
    }

    public static async Task<Ok<LedgerPage>> History(HttpContext http, HouseholdQueries households, LedgerQueries ledger,
        int householdNo, [FromQuery] long? before, [FromQuery] int? take, CancellationToken ct)
    {
        var household = await HouseholdsApi.FindReadableAsync(http, households, householdNo, ct);
        return TypedResults.Ok(await ledger.HistoryAsync(household.VillageId, household.Id, household.Number, before, take ?? 50, ct));
    }

    /// <summary>
    /// Posts at once within the village's two-reviewer threshold (201 with the entry); above it, or on the member's own
    /// household, the record waits for a second committee member (202 with the direct record, located under /direct-records).
    /// </summary>
    public static async Task<Results<Created<LedgerLine>, Accepted<DirectRecordView>>> Record(HttpContext http, HouseholdQueries households,
        LedgerQueries ledger, DirectRecording recording, DirectRecordQueries directRecords,
        int householdNo, RecordEntryRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var household = await HouseholdsApi.FindReadableAsync(http, households, householdNo, ct);
        var outcome = await recording.RecordAsync(new RecordDirectly(grant.Village.Id, household.Id, request.Amount, request.Kind, request.Reason ?? "",
            grant.UserId, request.OccurredOn, idempotencyKey), ct);
        if (outcome.Waiting is { } waiting)
            return TypedResults.Accepted(DirectRecordsApi.Location(grant.Village.Code, waiting.Number), await directRecords.ViewAsync(waiting, ct));
        var entry = outcome.Entry!;
        Telemetry.LedgerEntriesPosted.Add(1);
        var line = (await ledger.ToLinesAsync(grant.Village.Id, [entry], ct))[0];
        return TypedResults.Created($"/api/v1/villages/{grant.Village.Code}/entries/{entry.Number}", line);
    }

    public static async Task<Ok<LedgerLine>> GetEntry(HttpContext http, VillagePointsDb db, LedgerQueries ledger, long entryNo, CancellationToken ct)
    {
        var grant = http.Grant();
        var entry = await db.LedgerEntries.AsNoTracking().SingleOrDefaultAsync(e => e.VillageId == grant.Village.Id && e.Number == entryNo, ct);
        if (entry is null || !grant.CanReadHousehold(entry.HouseholdId))
            throw new DomainException("entry.not-found", "No such entry, or it is not yours to see.", DomainErrorKind.NotFound);
        return TypedResults.Ok((await ledger.ToLinesAsync(grant.Village.Id, [entry], ct))[0]);
    }

    public static async Task<Created<LedgerLine>> Reverse(HttpContext http, LedgerQueries ledger, LedgerPosting posting,
        long entryNo, ReverseEntryRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var entry = await posting.ReverseAsync(new ReverseEntry(grant.Village.Id, entryNo, request.Reason ?? "", grant.UserId, idempotencyKey), ct);
        Telemetry.LedgerEntriesPosted.Add(1);
        var line = (await ledger.ToLinesAsync(grant.Village.Id, [entry], ct))[0];
        return TypedResults.Created($"/api/v1/villages/{grant.Village.Code}/entries/{entry.Number}", line);
    }

    public static async Task<Ok<ChainHead>> Head(HttpContext http, VillagePointsDb db, CancellationToken ct)
    {
        var grant = http.Grant();
        var head = await db.VillageLedgerHeads.AsNoTracking().SingleOrDefaultAsync(h => h.VillageId == grant.Village.Id, ct);
        return TypedResults.Ok(new ChainHead(grant.Village.Code, head?.LastNumber ?? 0, head?.LastHash ?? LedgerHash.Genesis));
    }
}
