using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Ledger;

/// <summary>A direct record as the committee reads it; <see cref="Entry"/> is the ledger line an approval posted.</summary>
public sealed record DirectRecordView(
    long Number,
    int HouseholdNumber,
    string HouseholdHead,
    int Amount,
    EntryKind Kind,
    string Reason,
    DateOnly? OccurredOn,
    DirectRecordState State,
    string? SubmittedBy,
    DateTimeOffset SubmittedAt,
    string? ResolvedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolutionNote,
    long? EntryNumber,
    LedgerLine? Entry);

public sealed record RejectDirectRecordRequest(string? Reason);

/// <summary>A waiting record with who recorded it, so a page offers withdrawal to them and review to everyone else.</summary>
public sealed record PendingDirectRecord(DirectRecordView View, Guid SubmittedById);

public sealed class DirectRecordQueries(VillagePointsDb db, LedgerQueries ledger)
{
    public async Task<List<DirectRecordView>> ListAsync(Guid villageId, DirectRecordState? state, Guid? householdId, int take, CancellationToken ct)
    {
        var records = await db.DirectRecords.AsNoTracking()
            .Where(r => r.VillageId == villageId && (state == null || r.State == state) && (householdId == null || r.HouseholdId == householdId))
            .OrderByDescending(r => r.Number).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return await ToViewsAsync(villageId, records, withEntries: false, ct);
    }

    public async Task<List<PendingDirectRecord>> PendingForHouseholdAsync(Guid villageId, Guid householdId, CancellationToken ct)
    {
        var records = await db.DirectRecords.AsNoTracking()
            .Where(r => r.VillageId == villageId && r.HouseholdId == householdId && r.State == DirectRecordState.Pending)
            .OrderBy(r => r.Number).Take(50).ToListAsync(ct);
        var views = await ToViewsAsync(villageId, records, withEntries: false, ct);
        return views.Select((v, i) => new PendingDirectRecord(v, records[i].SubmittedBy)).ToList();
    }

    public async Task<DirectRecordView> ViewAsync(DirectRecord record, CancellationToken ct) =>
        (await ToViewsAsync(record.VillageId, [record], withEntries: true, ct))[0];

    public async Task<DirectRecordView?> FindAsync(Guid villageId, long number, CancellationToken ct) =>
        await db.DirectRecords.AsNoTracking().SingleOrDefaultAsync(r => r.VillageId == villageId && r.Number == number, ct) is { } r
            ? await ViewAsync(r, ct)
            : null;

    private async Task<List<DirectRecordView>> ToViewsAsync(Guid villageId, IReadOnlyList<DirectRecord> records, bool withEntries, CancellationToken ct)
    {
        var householdIds = records.Select(r => r.HouseholdId).Distinct().ToList();
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && householdIds.Contains(h.Id))
            .ToDictionaryAsync(h => h.Id, ct);
        var actorIds = records.SelectMany(r => new[] { r.SubmittedBy, r.ResolvedBy ?? Guid.Empty }).Distinct().ToList();
        var actors = await db.UserAccounts.AsNoTracking().Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var entryNumbers = withEntries ? records.Where(r => r.EntryNumber != null).Select(r => r.EntryNumber!.Value).ToList() : [];
        var entries = entryNumbers.Count == 0
            ? []
            : await ledger.ToLinesAsync(villageId,
                await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == villageId && entryNumbers.Contains(e.Number)).ToListAsync(ct), ct);
        return records.Select(r => new DirectRecordView(r.Number, households[r.HouseholdId].Number, households[r.HouseholdId].HeadName,
            r.Amount, r.Kind, r.Reason, r.OccurredOn, r.State, actors.GetValueOrDefault(r.SubmittedBy), r.SubmittedAt,
            r.ResolvedBy is { } by ? actors.GetValueOrDefault(by) : null, r.ResolvedAt, r.ResolutionNote, r.EntryNumber,
            entries.FirstOrDefault(e => e.Number == r.EntryNumber))).ToList();
    }
}

/// <summary>Direct records waiting for, or resolved by, a second committee member.</summary>
public static class DirectRecordsApi
{
    public static RouteGroupBuilder MapDirectRecordsApi(this RouteGroupBuilder village)
    {
        var group = village.MapGroup("/direct-records").WithTags("Direct records");
        group.MapGet("/", List).RequireVillage(VillagePermission.RecordEntries)
            .WithSummary("Direct records, newest first; ?state=Pending lists those waiting for a second committee member.");
        group.MapGet("/{recordNo:long}", Get).RequireVillage(VillagePermission.RecordEntries)
            .WithSummary("One direct record, with the entry its approval posted.");
        group.MapPost("/{recordNo:long}/approval", Approve).RequireVillage(VillagePermission.RecordEntries)
            .WithSummary("A second committee member approves: the entry is posted. Not by the member who recorded it, nor on one's own household. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{recordNo:long}/rejection", Reject).RequireVillage(VillagePermission.RecordEntries)
            .WithSummary("A second committee member rejects, with a reason; the ledger is not touched. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{recordNo:long}/withdrawal", Withdraw).RequireVillage(VillagePermission.RecordEntries)
            .WithSummary("The member who recorded it withdraws it before it is resolved. Accepts Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return village;
    }

    public static async Task<Ok<List<DirectRecordView>>> List(HttpContext http, DirectRecordQueries queries,
        [FromQuery] DirectRecordState? state, [FromQuery] int? take, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(http.Grant().Village.Id, state, null, take ?? 50, ct));

    public static async Task<Ok<DirectRecordView>> Get(HttpContext http, DirectRecordQueries queries, long recordNo, CancellationToken ct) =>
        TypedResults.Ok(await queries.FindAsync(http.Grant().Village.Id, recordNo, ct) ?? throw NotFound());

    public static async Task<Ok<DirectRecordView>> Approve(HttpContext http, DirectRecording recording, DirectRecordQueries queries,
        long recordNo, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var record = await recording.ApproveAsync(new ResolveDirectRecord(grant.Village.Id, recordNo, grant.UserId, IdempotencyKey: idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(record, ct));
    }

    public static async Task<Ok<DirectRecordView>> Reject(HttpContext http, DirectRecording recording, DirectRecordQueries queries,
        long recordNo, RejectDirectRecordRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var record = await recording.RejectAsync(new ResolveDirectRecord(grant.Village.Id, recordNo, grant.UserId, request.Reason, idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(record, ct));
    }

    public static async Task<Ok<DirectRecordView>> Withdraw(HttpContext http, DirectRecording recording, DirectRecordQueries queries,
        long recordNo, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        var grant = http.Grant();
        var record = await recording.WithdrawAsync(new ResolveDirectRecord(grant.Village.Id, recordNo, grant.UserId, IdempotencyKey: idempotencyKey), ct);
        return TypedResults.Ok(await queries.ViewAsync(record, ct));
    }

    public static string Location(string villageCode, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/v1/villages/{Uri.EscapeDataString(villageCode)}/direct-records/{number}");

    private static DomainException NotFound() =>
        new("direct-record.not-found", "No such direct record in this village.", DomainErrorKind.NotFound);
}
