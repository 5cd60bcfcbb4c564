using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Households;

/// <summary>
/// One line of the household register. <see cref="Phone"/> is always masked here and, like
/// <see cref="Members"/>, null for a viewer who may not see the household's archive (the shop clerk).
/// </summary>
public sealed record HouseholdSummary(int Number, string HeadName, string GroupName, string? Phone, long Balance, long Effective, long Publicised, int? Members);

/// <summary>One page of a register search; <see cref="Total"/> counts every match, not just this page.</summary>
public sealed record HouseholdSearchPage(int Total, int Page, int PageSize, IReadOnlyList<HouseholdSummary> Households)
{
    public int PageCount => Total == 0 ? 1 : (Total + PageSize - 1) / PageSize;
}

/// <summary>A villager group, for the register's filter.</summary>
public sealed record GroupOption(int Number, string Name);

public sealed record MemberView(string Name, string Relation, int? BirthYear, string? Phone);

/// <summary>
/// A household's archive. <see cref="Members"/>, <see cref="Address"/> and <see cref="Phone"/> are null
/// when the viewer may see only the household's name, number and balance.
/// </summary>
public sealed record HouseholdDetail(
    int Number, string HeadName, string GroupName, string? Address, string? Phone,
    long Balance, long Effective, long Publicised, long Earned, IReadOnlyList<MemberView>? Members);

/// <summary>What of a household's personal data one viewer may see, decided from their grant.</summary>
public sealed record HouseholdDisclosure(bool Archive, bool FullPhones)
{
    public static HouseholdDisclosure For(VillageGrant grant, Guid householdId) =>
        new(grant.CanReadHousehold(householdId), grant.Has(VillagePermission.SeeFullPhones));

    /// <summary>For the register as a whole: does this viewer see members and (masked) phones of any household?</summary>
    public static HouseholdDisclosure ForRegister(VillageGrant grant) =>
        new(grant.Has(VillagePermission.ReadHouseholdRecords), grant.Has(VillagePermission.SeeFullPhones));

    public string? Phone(string? phone) => !Archive || phone is null ? null : FullPhones ? phone : PhoneNumber.Mask(phone);
}

/// <summary>A register search: free text, a villager group, and the page wanted.</summary>
public sealed record HouseholdSearch(string? Query, int? GroupNumber = null, int Page = 1, int PageSize = HouseholdQueries.DefaultPageSize);

/// <summary>Household queries shared by the API and the pages, always within one village.</summary>
public sealed class HouseholdQueries(VillagePointsDb db)
{
    public const int MaxQueryLength = 40;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>
    /// Finds households by head name or household number; a viewer who may see the archive also finds
    /// them by a member's name, a phone (any common way of typing it) or its last four digits. The clerk
    /// may not, so a search cannot be used to learn who lives where or whose phone it is.
    /// </summary>
    public async Task<HouseholdSearchPage> SearchAsync(Guid villageId, HouseholdSearch search, HouseholdDisclosure disclosure, CancellationToken ct)
    {
        // NUL in a query is an error on PostgreSQL and matches nothing on SQLite: refuse it the same way on both.
        StoredText.Check(search.Query?.Trim(), "The search");
        var q = Clean(search.Query);
        var pageSize = Math.Clamp(search.PageSize, 1, MaxPageSize);
        var households = db.Households.AsNoTracking().Where(h => h.VillageId == villageId);
        if (search.GroupNumber is { } groupNumber)
        {
            var groupIds = db.VillagerGroups.Where(g => g.VillageId == villageId && g.Number == groupNumber).Select(g => g.Id);
            households = households.Where(h => groupIds.Contains(h.GroupId));
        }
        if (q.Length > 0)
        {
            var number = int.TryParse(q, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && q.Length <= 6 ? n : (int?)null;
            if (disclosure.Archive)
            {
                var phone = PhoneNumber.Normalize(q);
                var lastFour = q.Length == 4 && q.All(char.IsAsciiDigit) ? q : null;
                var matchingPeople = db.People.Where(p => p.VillageId == villageId
                    && (p.Name.Contains(q) || (phone != null && p.Phone == phone) || (lastFour != null && p.Phone != null && p.Phone.EndsWith(lastFour))))
                    .Select(p => p.HouseholdId);
                households = households.Where(h => h.HeadName.Contains(q)
                    || (number != null && h.Number == number)
                    || (phone != null && h.Phone == phone)
                    || (lastFour != null && h.Phone != null && h.Phone.EndsWith(lastFour))
                    || matchingPeople.Contains(h.Id));
            }
            else
            {
                households = households.Where(h => h.HeadName.Contains(q) || (number != null && h.Number == number));
            }
        }
        var total = await households.CountAsync(ct);
        var pageCount = total == 0 ? 1 : (total + pageSize - 1) / pageSize;
        var page = Math.Clamp(search.Page, 1, pageCount);
        var rows = await Project(villageId, households.OrderBy(h => h.Number).Skip((page - 1) * pageSize).Take(pageSize), disclosure, ct);
        return new HouseholdSearchPage(total, page, pageSize, rows);
    }

    /// <summary>Full-width digits and stray spaces are how phones type; the query is compared in one form.</summary>
    public static string Clean(string? query)
    {
        var q = query?.Normalize(System.Text.NormalizationForm.FormKC).Trim() ?? "";
        return q.Length > MaxQueryLength ? q[..MaxQueryLength] : q;
    }

    public Task<List<GroupOption>> GroupsAsync(Guid villageId, CancellationToken ct) =>
        db.VillagerGroups.AsNoTracking().Where(g => g.VillageId == villageId).OrderBy(g => g.Number)
            .Select(g => new GroupOption(g.Number, g.Name)).ToListAsync(ct);

    public async Task<Household?> FindAsync(Guid villageId, int number, CancellationToken ct) =>
        await db.Households.AsNoTracking().SingleOrDefaultAsync(h => h.VillageId == villageId && h.Number == number, ct);

    public async Task<HouseholdDetail> DetailAsync(Household h, HouseholdDisclosure disclosure, CancellationToken ct)
    {
        var group = await db.VillagerGroups.AsNoTracking().Where(g => g.VillageId == h.VillageId && g.Id == h.GroupId).Select(g => g.Name).SingleAsync(ct);
        var balance = await db.HouseholdBalances.AsNoTracking().SingleOrDefaultAsync(b => b.VillageId == h.VillageId && b.HouseholdId == h.Id, ct)
            ?? new HouseholdBalance();
        List<MemberView>? members = null;
        if (disclosure.Archive)
        {
            var people = await db.People.AsNoTracking().Where(p => p.VillageId == h.VillageId && p.HouseholdId == h.Id)
                .OrderBy(p => p.Id).ToListAsync(ct);
            members = people.Select(m => new MemberView(m.Name, m.Relation, m.BirthYear, disclosure.Phone(m.Phone))).ToList();
        }
        return new HouseholdDetail(h.Number, h.HeadName, group, disclosure.Archive ? h.Address : null, disclosure.Phone(h.Phone),
            balance.Total, balance.Effective, balance.Publicised, balance.Earned, members);
    }

    private async Task<List<HouseholdSummary>> Project(Guid villageId, IQueryable<Household> households, HouseholdDisclosure disclosure, CancellationToken ct)
    {
        var rows = await households
            .Select(h => new
            {
                h.Id, h.Number, h.HeadName, h.Phone,
                Group = db.VillagerGroups.Where(g => g.VillageId == villageId && g.Id == h.GroupId).Select(g => g.Name).FirstOrDefault(),
                Balance = db.HouseholdBalances.FirstOrDefault(b => b.VillageId == villageId && b.HouseholdId == h.Id),
                Members = db.People.Count(p => p.VillageId == villageId && p.HouseholdId == h.Id),
            }).ToListAsync(ct);
        // A list is for finding a household, so its phones stay masked even for those who may see them in full.
        return rows.Select(r => new HouseholdSummary(r.Number, r.HeadName, r.Group ?? "",
            disclosure.Archive && r.Phone is not null ? PhoneNumber.Mask(r.Phone) : null,
            r.Balance?.Total ?? 0, r.Balance?.Effective ?? 0, r.Balance?.Publicised ?? 0, disclosure.Archive ? r.Members : null)).ToList();
    }
}
