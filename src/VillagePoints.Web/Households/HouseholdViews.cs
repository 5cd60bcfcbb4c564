using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;

namespace VillagePoints.Web.Households;

public sealed record HouseholdSummary(int Number, string HeadName, string GroupName, string? Phone, long Balance, long Effective, long Publicised, int Members);

public sealed record MemberView(string Name, string Relation, int? BirthYear, string? Phone);

public sealed record HouseholdDetail(
    int Number, string HeadName, string GroupName, string? Address, string? Phone,
    long Balance, long Effective, long Publicised, long Earned, IReadOnlyList<MemberView> Members);

/// <summary>Household queries shared by the API and the pages, always within one village.</summary>
public sealed class HouseholdQueries(VillagePointsDb db)
{
    public const int MaxQueryLength = 40;

    /// <summary>Finds households by head or member name, household number, or phone (any common way of typing it).</summary>
    public async Task<List<HouseholdSummary>> SearchAsync(Guid villageId, string? query, int take, CancellationToken ct)
    {
        // NUL in a query is an error on PostgreSQL and matches nothing on SQLite: refuse it the same way on both.
        StoredText.Check(query?.Trim(), "The search");
        var q = query?.Normalize(System.Text.NormalizationForm.FormKC).Trim() ?? "";
        if (q.Length > MaxQueryLength)
            q = q[..MaxQueryLength];
        var households = db.Households.AsNoTracking().Where(h => h.VillageId == villageId);
        if (q.Length > 0)
        {
            var phone = PhoneNumber.Normalize(q);
            var number = int.TryParse(q, out var n) && q.Length <= 6 ? n : (int?)null;
            var matchingPeople = db.People.Where(p => p.VillageId == villageId
                && (p.Name.Contains(q) || (phone != null && p.Phone == phone))).Select(p => p.HouseholdId);
            households = households.Where(h => h.HeadName.Contains(q)
                || (number != null && h.Number == number)
                || (phone != null && h.Phone == phone)
                || matchingPeople.Contains(h.Id));
        }
        return await Project(villageId, households.OrderBy(h => h.Number).Take(Math.Clamp(take, 1, 200)), ct);
    }

    public async Task<Household?> FindAsync(Guid villageId, int number, CancellationToken ct) =>
        await db.Households.AsNoTracking().SingleOrDefaultAsync(h => h.VillageId == villageId && h.Number == number, ct);

    public async Task<HouseholdDetail> DetailAsync(Household h, bool showPhones, CancellationToken ct)
    {
        var group = await db.VillagerGroups.AsNoTracking().Where(g => g.VillageId == h.VillageId && g.Id == h.GroupId).Select(g => g.Name).SingleAsync(ct);
        var balance = await db.HouseholdBalances.AsNoTracking().SingleOrDefaultAsync(b => b.VillageId == h.VillageId && b.HouseholdId == h.Id, ct)
            ?? new HouseholdBalance();
        var members = await db.People.AsNoTracking().Where(p => p.VillageId == h.VillageId && p.HouseholdId == h.Id)
            .OrderBy(p => p.Id).ToListAsync(ct);
        return new HouseholdDetail(h.Number, h.HeadName, group, h.Address, ShowPhone(h.Phone, showPhones),
            balance.Total, balance.Effective, balance.Publicised, balance.Earned,
            members.Select(m => new MemberView(m.Name, m.Relation, m.BirthYear, ShowPhone(m.Phone, showPhones))).ToList());
    }

    private async Task<List<HouseholdSummary>> Project(Guid villageId, IQueryable<Household> households, CancellationToken ct)
    {
        var rows = await households
            .Select(h => new
            {
                h.Id, h.Number, h.HeadName, h.Phone,
                Group = db.VillagerGroups.Where(g => g.VillageId == villageId && g.Id == h.GroupId).Select(g => g.Name).FirstOrDefault(),
                Balance = db.HouseholdBalances.FirstOrDefault(b => b.VillageId == villageId && b.HouseholdId == h.Id),
                Members = db.People.Count(p => p.VillageId == villageId && p.HouseholdId == h.Id),
            }).ToListAsync(ct);
        return rows.Select(r => new HouseholdSummary(r.Number, r.HeadName, r.Group ?? "", r.Phone is null ? null : PhoneNumber.Mask(r.Phone),
            r.Balance?.Total ?? 0, r.Balance?.Effective ?? 0, r.Balance?.Publicised ?? 0, r.Members)).ToList();
    }

    private static string? ShowPhone(string? phone, bool full) => phone is null ? null : full ? phone : PhoneNumber.Mask(phone);
}
