using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Shop;

public sealed record ReservationLineView(string ItemCode, string NameZh, string NameEn, string Unit, int Quantity, int UnitPoints)
{
    public int Points => Quantity * UnitPoints;

    public string Name(bool chinese) => chinese ? NameZh : NameEn;
}

/// <summary>A reservation as the villager and the clerk see it: the household's number and head, never its members.</summary>
public sealed record ReservationView(
    long Number,
    int HouseholdNo,
    string HouseholdHead,
    ReservationState State,
    DateTimeOffset ReservedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ClosedAt,
    long? CheckoutNumber,
    IReadOnlyList<ReservationLineView> Lines)
{
    /// <summary>The points the reservation promises at its reserved prices; the checkout charges the prices of its day.</summary>
    public long TotalPoints => Lines.Sum(l => (long)l.Points);

    public bool IsOpen => State == ReservationState.Reserved;
}

/// <summary>Reads reservations for the villager's pages, the clerk's pickup list and the API.</summary>
public sealed class ReservationQueries(VillagePointsDb db)
{
    public const int MaxList = 200;

    /// <param name="households">The households the reader may see (a villager's own); null for the whole village.</param>
    public async Task<ReservationView?> FindAsync(Guid villageId, long number, IReadOnlyCollection<Guid>? households = null,
        CancellationToken ct = default)
    {
        var query = db.Reservations.AsNoTracking().Where(r => r.VillageId == villageId && r.Number == number);
        if (households is not null)
            query = query.Where(r => households.Contains(r.HouseholdId));
        return (await ViewsAsync(villageId, query, ct)).SingleOrDefault();
    }

    public async Task<ReservationView> ViewAsync(Reservation reservation, CancellationToken ct = default) =>
        await FindAsync(reservation.VillageId, reservation.Number, null, ct) ?? throw ReservationDesk.NotFound();

    /// <summary>
    /// Open reservations first (soonest deadline first), then the newest closed ones. <paramref name="households"/> narrows
    /// them to those households (a villager's own); null lists the whole village (the clerk).
    /// </summary>
    public async Task<IReadOnlyList<ReservationView>> ListAsync(Guid villageId, IReadOnlyCollection<Guid>? households, bool openOnly,
        int take = MaxList, CancellationToken ct = default)
    {
        var query = db.Reservations.AsNoTracking().Where(r => r.VillageId == villageId);
        if (households is not null)
            query = query.Where(r => households.Contains(r.HouseholdId));
        if (openOnly)
            query = query.Where(r => r.State == ReservationState.Reserved);
        var limited = query.OrderBy(r => r.State == ReservationState.Reserved ? 0 : 1).ThenByDescending(r => r.Number)
            .Take(Math.Clamp(take, 1, MaxList));
        var views = await ViewsAsync(villageId, limited, ct);
        // Open ones by deadline, the soonest first: that is the order the clerk works through them.
        return [.. views.Where(v => v.IsOpen).OrderBy(v => v.ExpiresAt).ThenBy(v => v.Number),
            .. views.Where(v => !v.IsOpen).OrderByDescending(v => v.Number)];
    }

    private async Task<List<ReservationView>> ViewsAsync(Guid villageId, IQueryable<Reservation> reservations, CancellationToken ct)
    {
        var rows = await reservations
            .Join(db.Households, r => new { r.VillageId, Id = r.HouseholdId }, h => new { h.VillageId, h.Id },
                (r, h) => new { r.Id, r.Number, HouseholdNo = h.Number, h.HeadName, r.State, r.ReservedAt, r.ExpiresAt, r.ClosedAt, r.CheckoutId })
            .ToListAsync(ct);
        if (rows.Count == 0)
            return [];
        var ids = rows.Select(r => r.Id).ToList();
        var lines = await db.ReservationLines.AsNoTracking().Where(l => l.VillageId == villageId && ids.Contains(l.ReservationId))
            .Join(db.ShopItems, l => new { l.VillageId, Id = l.ItemId }, i => new { i.VillageId, i.Id },
                (l, i) => new { l.ReservationId, l.LineNo, i.Code, i.NameZh, i.NameEn, i.Unit, l.Quantity, l.UnitPoints })
            .ToListAsync(ct);
        var checkoutIds = rows.Where(r => r.CheckoutId != null).Select(r => r.CheckoutId!.Value).ToList();
        var checkouts = checkoutIds.Count == 0
            ? new Dictionary<Guid, long>()
            : await db.Checkouts.AsNoTracking().Where(k => k.VillageId == villageId && checkoutIds.Contains(k.Id))
                .ToDictionaryAsync(k => k.Id, k => k.Number, ct);
        return [.. rows.Select(r => new ReservationView(r.Number, r.HouseholdNo, r.HeadName, r.State, r.ReservedAt, r.ExpiresAt, r.ClosedAt,
            r.CheckoutId is { } k && checkouts.TryGetValue(k, out var n) ? n : null,
            [.. lines.Where(l => l.ReservationId == r.Id).OrderBy(l => l.LineNo)
                .Select(l => new ReservationLineView(l.Code, l.NameZh, l.NameEn, l.Unit, l.Quantity, l.UnitPoints))]))];
    }
}
