using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Shop;

namespace VillagePoints.Core.Reports;

/// <summary>The headline figures the seed article reports, computed from the data.</summary>
public sealed record StatsFigures(
    int Households,
    int People,
    int ParticipatingHouseholds,
    long PointsIssued,
    long PointsDeducted,
    long PointsRedeemed,
    long ItemsRedeemed,
    long VolunteerPersonTimes);

public sealed class VillageStats(VillagePointsDb db)
{
    /// <param name="villageId">One village, or every village when null.</param>
    public async Task<StatsFigures> ComputeAsync(Guid? villageId, CancellationToken ct = default)
    {
        var households = db.Households.Where(h => villageId == null || h.VillageId == villageId);
        var people = db.People.Where(p => villageId == null || p.VillageId == villageId);
        var entries = db.LedgerEntries.Where(e => villageId == null || e.VillageId == villageId);

        var byKind = await entries.GroupBy(e => e.Kind)
            .Select(g => new { Kind = g.Key, Sum = g.Sum(e => (long)e.Amount) })
            .ToDictionaryAsync(x => x.Kind, x => x.Sum, ct);

        // A reversal undoes part of whatever kind it reverses, so attribute it to that kind.
        var reversedByKind = await entries.Where(r => r.Kind == EntryKind.Reversal)
            .Join(db.LedgerEntries, r => new { r.VillageId, Id = r.ReversesEntryId!.Value }, o => new { o.VillageId, o.Id },
                (r, o) => new { o.Kind, r.Amount })
            .GroupBy(x => x.Kind)
            .Select(g => new { Kind = g.Key, Sum = g.Sum(x => (long)x.Amount) })
            .ToDictionaryAsync(x => x.Kind, x => x.Sum, ct);

        long Net(EntryKind kind) => byKind.GetValueOrDefault(kind) + reversedByKind.GetValueOrDefault(kind);

        var participating = await entries.Where(e => e.Kind == EntryKind.Award)
            .Select(e => e.HouseholdId).Distinct().CountAsync(ct);

        return new StatsFigures(
            Households: await households.CountAsync(ct),
            People: await people.CountAsync(ct),
            ParticipatingHouseholds: participating,
            PointsIssued: Net(EntryKind.BaseGrant) + Net(EntryKind.Award),
            PointsDeducted: -Net(EntryKind.Deduction),
            PointsRedeemed: -Net(EntryKind.Redemption),
            // Units handed over at the points supermarket: a cancelled checkout gave its goods back.
            ItemsRedeemed: await db.CheckoutLines.Where(l => villageId == null || l.VillageId == villageId)
                .Join(db.Checkouts.Where(c => c.State == CheckoutState.Completed), l => new { l.VillageId, Id = l.CheckoutId },
                    c => new { c.VillageId, c.Id }, (l, c) => (long)l.Quantity)
                .SumAsync(ct),
            // One person-time per attendance of a confirmed activity: a cancelled or still-open roster counts nothing.
            VolunteerPersonTimes: await db.ActivityAttendances.Where(a => villageId == null || a.VillageId == villageId)
                .Join(db.Activities.Where(x => x.State == ActivityState.Confirmed), a => new { a.VillageId, Id = a.ActivityId },
                    x => new { x.VillageId, x.Id }, (a, x) => a.Id)
                .LongCountAsync(ct));
    }
}
