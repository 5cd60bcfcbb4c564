using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Shop;

/// <summary>The shop adds a partner merchant: its code, name and the login that honours its vouchers.</summary>
public sealed record CreateMerchant(Guid VillageId, string? Code, string? Name, Guid? AccountId, bool Active, Guid ActorId,
    string? IdempotencyKey = null);

/// <summary>The shop edits a merchant named by its code: name, linked login and active flag (the code stays).</summary>
public sealed record UpdateMerchant(Guid VillageId, string MerchantCode, string? Name, Guid? AccountId, bool Active, Guid ActorId,
    string? IdempotencyKey = null);

/// <summary>A merchant as the shop and the API see it.</summary>
public sealed record MerchantView(string Code, string Name, bool Active, Guid? AccountId, string? AccountName, string? AccountPhone);

/// <summary>A login that may be linked to a merchant: it holds the partner merchant role in the village.</summary>
public sealed record MerchantAccountOption(Guid AccountId, string Name, string Phone);

/// <summary>
/// Partner merchants (合作商户) of a village's shop. The shop clerk or the chair keeps them: a code unique in the
/// village, a name, and the one login (a partner merchant of this village) that honours the merchant's vouchers.
/// A login serves one merchant, so the merchant's own page and settlements are never ambiguous.
/// </summary>
public sealed class MerchantDesk(VillagePointsDb db, TimeProvider time)
{
    public const string CreateOperation = "merchant.create";
    public const string UpdateOperation = "merchant.update";
    public const int MinCodeLength = 2;

    /// <summary>Who keeps the shop's records (the same roles as the RunShop permission).</summary>
    private static readonly Role[] ShopStaff = [Role.ShopClerk, Role.CommitteeChair];

    public async Task<MerchantView> CreateAsync(CreateMerchant c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var code = ValidCode(c.Code);
        var name = ValidName(c.Name);
        await RequireShopStaffAsync(c.VillageId, c.ActorId, ct);
        var hash = Idempotency.Fingerprint(CreateOperation).Add(c.VillageId).Add(code).Add(name).Add(c.AccountId).Add(c.Active).Add(c.ActorId).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<MerchantView>(db, c.VillageId, c.IdempotencyKey, CreateOperation, hash, token) is { } earlier)
                return earlier;
            if (await db.Merchants.AnyAsync(m => m.VillageId == c.VillageId && m.Code == code, token))
                throw new DomainException("merchant.code-taken", $"The village has a merchant with the code {code} already.", DomainErrorKind.Conflict);
            await RequireMerchantAccountAsync(c.VillageId, c.AccountId, null, token);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var merchant = new Merchant
            {
                VillageId = c.VillageId, Id = Ids.New(now), Code = code, Name = name, AccountId = c.AccountId, Active = c.Active, CreatedAt = now,
            };
            db.Merchants.Add(merchant);
            var view = await ViewAsync(merchant, token);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CreateOperation, hash, view, now);
            await db.SaveChangesAsync(token);
            return view;
        }, ct);
    }

    public async Task<MerchantView> UpdateAsync(UpdateMerchant c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var name = ValidName(c.Name);
        await RequireShopStaffAsync(c.VillageId, c.ActorId, ct);
        var hash = Idempotency.Fingerprint(UpdateOperation).Add(c.VillageId).Add(c.MerchantCode).Add(name).Add(c.AccountId).Add(c.Active)
            .Add(c.ActorId).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<MerchantView>(db, c.VillageId, c.IdempotencyKey, UpdateOperation, hash, token) is { } earlier)
                return earlier;
            var merchant = await db.Merchants.SingleOrDefaultAsync(m => m.VillageId == c.VillageId && m.Code == c.MerchantCode, token)
                ?? throw MerchantNotFound();
            await RequireMerchantAccountAsync(c.VillageId, c.AccountId, merchant.Id, token);
            merchant.Name = name;
            merchant.AccountId = c.AccountId;
            merchant.Active = c.Active;
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var view = await ViewAsync(merchant, token);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, UpdateOperation, hash, view, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            return view;
        }, ct);
    }

    public async Task<List<MerchantView>> ListAsync(Guid villageId, CancellationToken ct = default)
    {
        var merchants = await db.Merchants.AsNoTracking().Where(m => m.VillageId == villageId).OrderBy(m => m.Code).ToListAsync(ct);
        var accountIds = merchants.Where(m => m.AccountId != null).Select(m => m.AccountId!.Value).ToList();
        var accounts = await db.UserAccounts.AsNoTracking().Where(u => accountIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => new { u.DisplayName, u.Phone }, ct);
        return merchants.Select(m => m.AccountId is { } a && accounts.TryGetValue(a, out var account)
            ? new MerchantView(m.Code, m.Name, m.Active, a, account.DisplayName, account.Phone)
            : new MerchantView(m.Code, m.Name, m.Active, m.AccountId, null, null)).ToList();
    }

    /// <summary>The merchant with this code in the village, or null.</summary>
    public Task<Merchant?> FindAsync(Guid villageId, string? code, CancellationToken ct = default) =>
        string.IsNullOrEmpty(code) || code.Length > ShopItem.MaxCodeLength
            ? Task.FromResult<Merchant?>(null)
            : db.Merchants.AsNoTracking().SingleOrDefaultAsync(m => m.VillageId == villageId && m.Code == code, ct);

    /// <summary>The merchant this login honours for, in the village, or null.</summary>
    public Task<Merchant?> OfAccountAsync(Guid villageId, Guid accountId, CancellationToken ct = default) =>
        db.Merchants.AsNoTracking().Where(m => m.VillageId == villageId && m.AccountId == accountId).OrderBy(m => m.Code)
            .FirstOrDefaultAsync(ct);

    /// <summary>The logins of the village that hold the partner merchant role, for linking.</summary>
    public async Task<List<MerchantAccountOption>> AccountOptionsAsync(Guid villageId, CancellationToken ct = default)
    {
        var ids = await db.RoleAssignments.AsNoTracking().Where(r => r.VillageId == villageId && r.Role == Role.PartnerMerchant)
            .Select(r => r.UserId).Distinct().ToListAsync(ct);
        return (await db.UserAccounts.AsNoTracking().Where(u => ids.Contains(u.Id)).ToListAsync(ct))
            .OrderBy(u => u.DisplayName, StringComparer.Ordinal).Select(u => new MerchantAccountOption(u.Id, u.DisplayName, u.Phone)).ToList();
    }

    /// <summary>The account a phone number names, when it is a partner merchant of the village; refused otherwise.</summary>
    public async Task<Guid> AccountByPhoneAsync(Guid villageId, string? phone, CancellationToken ct = default)
    {
        var normalised = PhoneNumber.Normalize(phone);
        var id = normalised is null ? null
            : await db.UserAccounts.AsNoTracking().Where(u => u.Phone == normalised).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct);
        await RequireMerchantAccountAsync(villageId, id ?? Guid.Empty, null, ct);
        return id!.Value;
    }

    public static DomainException MerchantNotFound() =>
        new("merchant.not-found", "The village has no merchant with this code.", DomainErrorKind.NotFound);

    private static string ValidCode(string? code)
    {
        var trimmed = code?.Trim() ?? "";
        if (trimmed.Length < MinCodeLength || trimmed.Length > ShopItem.MaxCodeLength
            || !trimmed.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-')
            || trimmed.StartsWith('-') || trimmed.EndsWith('-'))
            throw new DomainException("merchant.code-invalid",
                $"A merchant's code is {MinCodeLength} to {ShopItem.MaxCodeLength} lower-case letters, digits and dashes, e.g. yongqiang-barber.");
        return trimmed;
    }

    private static string ValidName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > Merchant.MaxNameLength)
            throw new DomainException("merchant.name-invalid", $"A merchant's name is 1 to {Merchant.MaxNameLength} characters.");
        return StoredText.Check(trimmed, "The name")!;
    }

    private async Task RequireShopStaffAsync(Guid villageId, Guid actorId, CancellationToken ct)
    {
        if (!await db.RoleAssignments.AsNoTracking().AnyAsync(r => r.UserId == actorId && r.VillageId == villageId && ShopStaff.Contains(r.Role), ct))
            throw new DomainException("merchant.shop-staff-only", "Only the shop clerk or the committee chair keeps the village's merchants.",
                DomainErrorKind.Forbidden);
    }

    private async Task RequireMerchantAccountAsync(Guid villageId, Guid? accountId, Guid? merchantId, CancellationToken ct)
    {
        if (accountId is not { } id)
            return;
        if (!await db.RoleAssignments.AsNoTracking().AnyAsync(r => r.UserId == id && r.VillageId == villageId && r.Role == Role.PartnerMerchant, ct))
            throw new DomainException("merchant.account-not-merchant",
                "The linked login must be a partner merchant of this village; give it that role first.");
        if (await db.Merchants.AnyAsync(m => m.VillageId == villageId && m.AccountId == id && m.Id != merchantId, ct))
            throw new DomainException("merchant.account-taken", "This login already honours another merchant's vouchers; a login serves one merchant.",
                DomainErrorKind.Conflict);
    }

    private async Task<MerchantView> ViewAsync(Merchant m, CancellationToken ct)
    {
        var account = m.AccountId is { } a
            ? await db.UserAccounts.AsNoTracking().Where(u => u.Id == a).Select(u => new { u.DisplayName, u.Phone }).SingleOrDefaultAsync(ct)
            : null;
        return new MerchantView(m.Code, m.Name, m.Active, m.AccountId, account?.DisplayName, account?.Phone);
    }
}
