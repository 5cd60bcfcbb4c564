using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Shop;

/// <summary>A partner merchant honours a voucher: the code as typed or scanned, in any of its forgiving spellings.</summary>
public sealed record HonourVoucher(Guid VillageId, string? Code, Guid ActorId, string? IdempotencyKey = null);

/// <summary>A voucher as the merchant, the shop and its household see it.</summary>
public sealed record VoucherView(
    string Code,
    string DisplayCode,
    VoucherState State,
    bool Expired,
    string ItemCode,
    string ItemNameZh,
    string ItemNameEn,
    int HouseholdNo,
    string MerchantCode,
    string MerchantName,
    DateOnly ValidUntil,
    long SettlementPriceFen,
    DateTimeOffset IssuedAt,
    long CheckoutNumber,
    DateTimeOffset? HonouredAt,
    int? SettlementMonth)
{
    public string ItemName(bool chinese) => chinese ? ItemNameZh : ItemNameEn;
}

/// <summary>
/// Refused because the voucher was honoured before; says when, so the merchant can tell the villager.
/// Kept as its own type so the API can carry the time as a field of the problem.
/// </summary>
public sealed class VoucherAlreadyHonouredException(DateTimeOffset honouredAt)
    : DomainException(VoucherDesk.AlreadyHonoured,
        $"This voucher was honoured already, at {honouredAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} (UTC).",
        DomainErrorKind.Conflict)
{
    public DateTimeOffset HonouredAt { get; } = honouredAt;
}

/// <summary>
/// The voucher state machine's one transition: issued → honoured, once, by the voucher's own merchant, on or
/// before its last valid day (village time). Refusals say why with a stable code. "Once" is the database's
/// word, not ours: the honour is a conditional update (<c>WHERE State = Issued</c>), so of two phones that
/// scan one voucher at the same moment, on any number of app nodes, one changes the row and the other finds
/// it honoured. An Idempotency-Key makes a retry of the same honour answer the first result.
/// </summary>
/// <remarks>
/// Another merchant's voucher is refused with 403 (<see cref="OtherMerchant"/>), not 409: nothing about the
/// voucher's state would let this merchant honour it later, the actor is the problem. It is not hidden as a
/// 404 either: the code is unguessable (80 random bits), so whoever holds it holds the voucher, and telling the
/// merchant "this is not yours" sends the villager to the right shop. Another village's voucher is a 404 like an
/// unknown code, because a village's records are not revealed to outsiders.
/// </remarks>
public sealed class VoucherDesk(VillagePointsDb db, TimeProvider time)
{
    public const string HonourOperation = "voucher.honour";
    public const string NotFound = "voucher.not-found";
    public const string OtherMerchant = "voucher.other-merchant";
    public const string Expired = "voucher.expired";
    public const string AlreadyHonoured = "voucher.already-honoured";
    public const string Cancelled = "voucher.cancelled";
    public const string MerchantInactive = "voucher.merchant-inactive";

    /// <summary>Runs every check of an honour without writing: the merchant's "check" step before the big button.</summary>
    public async Task<VoucherView> CheckAsync(HonourVoucher c, CancellationToken ct = default)
    {
        var code = Code(c.Code);
        var voucher = await FindVoucherAsync(c.VillageId, code, ct);
        await RequireHonourableAsync(voucher, c.ActorId, ct);
        return await ViewAsync(voucher, ct);
    }

    public async Task<VoucherView> HonourAsync(HonourVoucher c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var code = Code(c.Code);
        var hash = Idempotency.Fingerprint(HonourOperation).Add(c.VillageId).Add(code).Add(c.ActorId).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<VoucherView>(db, c.VillageId, c.IdempotencyKey, HonourOperation, hash, token) is { } earlier)
                return earlier;
            var voucher = await FindVoucherAsync(c.VillageId, code, token);
            try
            {
                await RequireHonourableAsync(voucher, c.ActorId, token);
            }
            catch (VoucherAlreadyHonouredException)
            {
                // A double tap whose twin committed between the look-up above and this read: the twin's honour and its
                // answer were saved together, so the answer is there to give.
                if (await Idempotency.ReplayAsync<VoucherView>(db, c.VillageId, c.IdempotencyKey, HonourOperation, hash, token) is { } twin)
                    return twin;
                throw;
            }

            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var month = MonthOf(now);
            await using var tx = await db.Database.BeginTransactionAsync(token);
            var changed = await db.Vouchers
                .Where(v => v.VillageId == voucher.VillageId && v.Id == voucher.Id && v.State == VoucherState.Issued)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(v => v.State, VoucherState.Honoured)
                    .SetProperty(v => v.HonouredAt, now)
                    .SetProperty(v => v.HonouredBy, c.ActorId)
                    .SetProperty(v => v.SettlementMonth, month), token);
            if (changed == 0)
            {
                await tx.RollbackAsync(token);
                // Someone got there first. The same request under the same key (a double tap that waited) gets the first answer.
                if (await Idempotency.ReplayAsync<VoucherView>(db, c.VillageId, c.IdempotencyKey, HonourOperation, hash, token) is { } twin)
                    return twin;
                var current = await db.Vouchers.AsNoTracking().SingleAsync(v => v.VillageId == voucher.VillageId && v.Id == voucher.Id, token);
                RequireIssued(current);
                throw new InvalidOperationException("The voucher is issued but its honour changed no row.");
            }
            voucher.State = VoucherState.Honoured;
            voucher.HonouredAt = now;
            voucher.HonouredBy = c.ActorId;
            voucher.SettlementMonth = month;
            var view = await ViewAsync(voucher, token);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, HonourOperation, hash, view, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return view;
        }, ct);
    }

    /// <summary>A voucher of the village by its code as typed, or null for a code that is not one of the village's.</summary>
    public async Task<VoucherView?> FindAsync(Guid villageId, string? typed, CancellationToken ct = default)
    {
        if (VoucherCodes.Normalise(typed) is not { } code)
            return null;
        var voucher = await db.Vouchers.AsNoTracking().SingleOrDefaultAsync(v => v.VillageId == villageId && v.Code == code, ct);
        return voucher is null ? null : await ViewAsync(voucher, ct);
    }

    /// <summary>
    /// A voucher of the village by its code as typed, with who it concerns (its household, its merchant's login),
    /// so a caller can decide who may read it; null for a code that is not one of the village's.
    /// </summary>
    public async Task<(VoucherView View, Guid HouseholdId, Guid? MerchantAccountId)?> FindWithPartiesAsync(Guid villageId, string? typed,
        CancellationToken ct = default)
    {
        if (VoucherCodes.Normalise(typed) is not { } code)
            return null;
        var voucher = await db.Vouchers.AsNoTracking().SingleOrDefaultAsync(v => v.VillageId == villageId && v.Code == code, ct);
        if (voucher is null)
            return null;
        var account = await db.Merchants.AsNoTracking().Where(m => m.VillageId == villageId && m.Id == voucher.MerchantId).Select(m => m.AccountId)
            .SingleAsync(ct);
        return (await ViewAsync(voucher, ct), voucher.HouseholdId, account);
    }

    /// <summary>A household's vouchers, newest first.</summary>
    public async Task<List<VoucherView>> ForHouseholdAsync(Guid villageId, Guid householdId, CancellationToken ct = default)
    {
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => v.VillageId == villageId && v.HouseholdId == householdId).ToListAsync(ct);
        return await ViewsAsync(vouchers.OrderByDescending(v => v.IssuedAt).ThenBy(v => v.Code).ToList(), ct);
    }

    /// <summary>A merchant's latest honours, newest first.</summary>
    public async Task<List<VoucherView>> RecentHonoursAsync(Guid villageId, Guid merchantId, int take = 10, CancellationToken ct = default)
    {
        // Recent months first from the index; SQLite cannot order by a timestamp with offset, so the last step is in memory.
        var months = await db.Vouchers.AsNoTracking()
            .Where(v => v.VillageId == villageId && v.MerchantId == merchantId && v.SettlementMonth != null)
            .Select(v => v.SettlementMonth!.Value).Distinct().OrderByDescending(m => m).Take(2).ToListAsync(ct);
        var vouchers = await db.Vouchers.AsNoTracking()
            .Where(v => v.VillageId == villageId && v.MerchantId == merchantId && v.SettlementMonth != null && months.Contains(v.SettlementMonth!.Value))
            .ToListAsync(ct);
        return await ViewsAsync(vouchers.OrderByDescending(v => v.HonouredAt).Take(take).ToList(), ct);
    }

    /// <summary>The settlement month (yyyymm) of an instant, in village time.</summary>
    public static int MonthOf(DateTimeOffset instant)
    {
        var day = BusinessCalendar.DateOf(instant);
        return day.Year * 100 + day.Month;
    }

    private static string Code(string? typed) =>
        VoucherCodes.Normalise(typed) ?? throw new DomainException(NotFound, "No voucher has this code.", DomainErrorKind.NotFound);

    private async Task<Voucher> FindVoucherAsync(Guid villageId, string code, CancellationToken ct) =>
        await db.Vouchers.AsNoTracking().SingleOrDefaultAsync(v => v.VillageId == villageId && v.Code == code, ct)
        ?? throw new DomainException(NotFound, "No voucher has this code.", DomainErrorKind.NotFound);

    private async Task RequireHonourableAsync(Voucher voucher, Guid actorId, CancellationToken ct)
    {
        var merchant = await db.Merchants.AsNoTracking().SingleAsync(m => m.VillageId == voucher.VillageId && m.Id == voucher.MerchantId, ct);
        // The merchant's login must still hold the role: a revoked merchant account stops honouring at once.
        var isMerchant = await db.RoleAssignments.AsNoTracking()
            .AnyAsync(r => r.UserId == actorId && r.VillageId == voucher.VillageId && r.Role == Role.PartnerMerchant, ct);
        if (merchant.AccountId != actorId || !isMerchant)
            throw new DomainException(OtherMerchant, "This voucher is another merchant's; only its own merchant can honour it.",
                DomainErrorKind.Forbidden);
        RequireIssued(voucher);
        if (BusinessCalendar.Today(time) > voucher.ValidUntil)
            throw new DomainException(Expired,
                $"This voucher expired: its last valid day was {voucher.ValidUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.",
                DomainErrorKind.Conflict);
        if (!merchant.Active)
            throw new DomainException(MerchantInactive, "This merchant is not active in the village's shop now; ask the shop clerk.",
                DomainErrorKind.Conflict);
    }

    private static void RequireIssued(Voucher voucher)
    {
        switch (voucher.State)
        {
            case VoucherState.Honoured:
                throw new VoucherAlreadyHonouredException(voucher.HonouredAt ?? DateTimeOffset.MinValue);
            case VoucherState.Cancelled:
                throw new DomainException(Cancelled, "This voucher was cancelled with its checkout; it cannot be honoured.", DomainErrorKind.Conflict);
        }
    }

    private async Task<VoucherView> ViewAsync(Voucher voucher, CancellationToken ct) => (await ViewsAsync([voucher], ct))[0];

    private async Task<List<VoucherView>> ViewsAsync(IReadOnlyList<Voucher> vouchers, CancellationToken ct)
    {
        if (vouchers.Count == 0)
            return [];
        var villageId = vouchers[0].VillageId;
        var itemIds = vouchers.Select(v => v.ItemId).Distinct().ToList();
        var merchantIds = vouchers.Select(v => v.MerchantId).Distinct().ToList();
        var householdIds = vouchers.Select(v => v.HouseholdId).Distinct().ToList();
        var checkoutIds = vouchers.Select(v => v.CheckoutId).Distinct().ToList();
        var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == villageId && itemIds.Contains(i.Id))
            .ToDictionaryAsync(i => i.Id, i => new { i.Code, i.NameZh, i.NameEn }, ct);
        var merchants = await db.Merchants.AsNoTracking().Where(m => m.VillageId == villageId && merchantIds.Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, m => new { m.Code, m.Name }, ct);
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == villageId && householdIds.Contains(h.Id))
            .ToDictionaryAsync(h => h.Id, h => h.Number, ct);
        var checkouts = await db.Checkouts.AsNoTracking().Where(x => x.VillageId == villageId && checkoutIds.Contains(x.Id))
            .ToDictionaryAsync(x => x.Id, x => x.Number, ct);
        var today = BusinessCalendar.Today(time);
        return vouchers.Select(v =>
        {
            var item = items[v.ItemId];
            var merchant = merchants[v.MerchantId];
            return new VoucherView(v.Code, VoucherCodes.Display(v.Code), v.State, v.State == VoucherState.Issued && today > v.ValidUntil,
                item.Code, item.NameZh, item.NameEn, households[v.HouseholdId], merchant.Code, merchant.Name, v.ValidUntil,
                v.SettlementPriceFen, v.IssuedAt, checkouts[v.CheckoutId], v.HonouredAt, v.SettlementMonth);
        }).ToList();
    }
}
