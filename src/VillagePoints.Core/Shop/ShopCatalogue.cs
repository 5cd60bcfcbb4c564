using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;

namespace VillagePoints.Core.Shop;

/// <summary>What an item offers, as the clerk states it on a create or an edit. Voucher fields count only for a service voucher.</summary>
public sealed record ItemTerms(
    ItemCategory Category,
    string NameZh,
    string? NameEn,
    string Unit,
    int PricePoints,
    int? LimitPerHousehold = null,
    LimitPeriod LimitPeriod = LimitPeriod.Month,
    bool Active = true,
    int LowStockThreshold = 0,
    string? MerchantCode = null,
    int? VoucherValidDays = null,
    long? SettlementPriceFen = null);

public sealed record CreateItem(Guid VillageId, string Code, ItemTerms Terms, Guid ActorId, string? IdempotencyKey = null);

public sealed record EditItem(Guid VillageId, string Code, ItemTerms Terms, Guid ActorId, string? IdempotencyKey = null);

/// <summary>
/// The shop's catalogue (商品目录): the clerk adds and edits items; stock is not edited here, only through
/// <see cref="StockDesk"/>. An edit moves nothing, but it is still checked against the item's movement count, so a
/// price change that races a checkout is written after it, not over it.
/// </summary>
public sealed class ShopCatalogue(VillagePointsDb db, TimeProvider time)
{
    public const string CreateOperation = "shop.item-create";
    public const string EditOperation = "shop.item-edit";

    /// <summary>An item's photo is an evidence photo owned by the item (reference: the item's id).</summary>
    public const string PhotoOwnerKind = "shop-item";

    public const int MaxLimitPerHousehold = 10_000;
    public const int MaxLowStockThreshold = 1_000_000;
    public const int MaxVoucherValidDays = 3_650;

    /// <summary>One million yuan: far above any haircut, low enough that a typo of several zeros is caught.</summary>
    public const long MaxSettlementPriceFen = 100_000_000;

    public async Task<ShopItem> CreateAsync(CreateItem c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var code = CheckCode(c.Code);
        var terms = Check(c.Terms);
        var hash = Fingerprint(Idempotency.Fingerprint(CreateOperation).Add(c.VillageId).Add(code).Add(c.ActorId), terms).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<Guid?>(db, c.VillageId, c.IdempotencyKey, CreateOperation, hash, token) is { } id)
                return await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == c.VillageId && i.Id == id, token);
            if (await db.ShopItems.AnyAsync(i => i.VillageId == c.VillageId && i.Code == code, token))
                throw CodeTaken(code);
            var merchantId = await MerchantIdAsync(c.VillageId, terms, token);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var item = new ShopItem
            {
                VillageId = c.VillageId,
                Id = Ids.New(now),
                Code = code,
                NameZh = "",
                NameEn = "",
                Unit = "",
                CreatedAt = now,
            };
            Apply(item, terms, merchantId, now);
            db.ShopItems.Add(item);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CreateOperation, hash, item.Id, now);
            await db.SaveChangesAsync(token);
            return item;
        }, [ConstraintNames.ShopItemCode], ct);
    }

    public async Task<ShopItem> EditAsync(EditItem c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var code = (c.Code ?? "").Trim();
        var terms = Check(c.Terms);
        var hash = Fingerprint(Idempotency.Fingerprint(EditOperation).Add(c.VillageId).Add(code).Add(c.ActorId), terms).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<Guid?>(db, c.VillageId, c.IdempotencyKey, EditOperation, hash, token) is { } id)
                return await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == c.VillageId && i.Id == id, token);
            var item = await FindAsync(c.VillageId, code, token);
            var merchantId = await MerchantIdAsync(c.VillageId, terms, token);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            Apply(item, terms, merchantId, now);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, EditOperation, hash, item.Id, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            return item;
        }, ct);
    }

    /// <summary>
    /// Gives the item a photo, already processed (upright, shrunk, no metadata). The photo is stored first, then the item
    /// points at it; the photo it replaces is removed afterwards, so the item never points at nothing.
    /// </summary>
    public async Task<ShopItem> SetPhotoAsync(EvidenceIntake intake, IEvidenceStore store, Guid villageId, string itemCode, ProcessedPhoto photo,
        Guid actorId, CancellationToken ct = default)
    {
        var item = await FindAsync(villageId, (itemCode ?? "").Trim(), ct, tracked: false);
        var ownerRef = item.Id.ToString("N");
        var stored = await intake.StoreAsync(new EvidenceUpload(villageId, PhotoOwnerKind, ownerRef, actorId), photo, ct);
        Guid? replaced;
        try
        {
            replaced = await WriteRetry.RunAsync(db, async token =>
            {
                var current = await FindAsync(villageId, item.Code, token);
                var old = current.PhotoId;
                current.PhotoId = stored.Id;
                current.UpdatedAt = BusinessCalendar.Truncate(time.GetUtcNow());
                await db.SaveChangesAsync(token);
                return old;
            }, ct);
        }
        catch
        {
            await RemovePhotoAsync(store, villageId, stored.Id, CancellationToken.None);
            throw;
        }
        if (replaced is { } oldId && oldId != stored.Id)
            await RemovePhotoAsync(store, villageId, oldId, CancellationToken.None);
        return await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == villageId && i.Id == item.Id, ct);
    }

    /// <summary>The stored photo of an item, or null when it has none.</summary>
    public async Task<EvidencePhoto?> PhotoAsync(Guid villageId, string itemCode, CancellationToken ct = default)
    {
        var code = (itemCode ?? "").Trim();
        var photoId = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == villageId && i.Code == code)
            .Select(i => i.PhotoId).SingleOrDefaultAsync(ct);
        if (photoId is not { } id)
            return null;
        return await db.EvidencePhotos.AsNoTracking()
            .SingleOrDefaultAsync(p => p.VillageId == villageId && p.Id == id && p.OwnerKind == PhotoOwnerKind, ct);
    }

    public async Task<ShopItem> FindAsync(Guid villageId, string code, CancellationToken ct, bool tracked = true)
    {
        var items = tracked ? db.ShopItems : db.ShopItems.AsNoTracking();
        return await items.SingleOrDefaultAsync(i => i.VillageId == villageId && i.Code == code, ct) ?? throw NotFound();
    }

    /// <summary>Active goods whose stock that can still be sold is at or below the item's threshold: what the clerk should reorder.</summary>
    public async Task<List<ShopItem>> LowStockAsync(Guid villageId, CancellationToken ct = default) =>
        await db.ShopItems.AsNoTracking()
            .Where(i => i.VillageId == villageId && i.Active && i.Category != ItemCategory.ServiceVoucher
                && i.Stock - i.Reserved <= i.LowStockThreshold)
            .OrderBy(i => i.Stock - i.Reserved).ThenBy(i => i.Code)
            .ToListAsync(ct);

    public static DomainException NotFound() => new("item.not-found", "No such item in this village's shop.", DomainErrorKind.NotFound);

    private static DomainException CodeTaken(string code) =>
        new("item.code-taken", $"The shop has an item '{code}' already.", DomainErrorKind.Conflict);

    private async Task RemovePhotoAsync(IEvidenceStore store, Guid villageId, Guid photoId, CancellationToken ct)
    {
        var row = await db.EvidencePhotos.SingleOrDefaultAsync(p => p.VillageId == villageId && p.Id == photoId && p.OwnerKind == PhotoOwnerKind, ct);
        if (row is null)
            return;
        db.EvidencePhotos.Remove(row);
        await db.SaveChangesAsync(ct);
        await store.DeleteAsync(row.ContentKey, ct);
        await store.DeleteAsync(row.ThumbnailKey, ct);
    }

    private async Task<Guid?> MerchantIdAsync(Guid villageId, ItemTerms terms, CancellationToken ct)
    {
        if (terms.Category != ItemCategory.ServiceVoucher)
            return null;
        var merchant = await db.Merchants.AsNoTracking().Where(m => m.VillageId == villageId && m.Code == terms.MerchantCode)
            .Select(m => new { m.Id, m.Active }).SingleOrDefaultAsync(ct);
        if (merchant is null || !merchant.Active)
            throw new DomainException("item.merchant-unknown", $"The village has no active partner merchant '{terms.MerchantCode}'.");
        return merchant.Id;
    }

    private static void Apply(ShopItem item, ItemTerms t, Guid? merchantId, DateTimeOffset now)
    {
        var voucher = t.Category == ItemCategory.ServiceVoucher;
        item.Category = t.Category;
        item.NameZh = t.NameZh;
        item.NameEn = t.NameEn!;
        item.Unit = t.Unit;
        item.PricePoints = t.PricePoints;
        item.LimitPerHousehold = t.LimitPerHousehold;
        item.LimitPeriod = t.LimitPeriod;
        item.Active = t.Active;
        item.LowStockThreshold = t.LowStockThreshold;
        // Goods have no merchant; a voucher's terms are kept only while it is one.
        item.MerchantId = voucher ? merchantId : null;
        item.VoucherValidDays = voucher ? t.VoucherValidDays : null;
        item.SettlementPriceFen = voucher ? t.SettlementPriceFen : null;
        item.UpdatedAt = now;
    }

    /// <summary>The terms, trimmed and checked; the English name defaults to the Chinese one.</summary>
    public static ItemTerms Check(ItemTerms t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (!Enum.IsDefined(t.Category))
            throw new DomainException("item.category-invalid", "Choose one of the shop's categories.");
        var zh = (t.NameZh ?? "").Trim();
        var en = string.IsNullOrWhiteSpace(t.NameEn) ? zh : t.NameEn.Trim();
        if (zh.Length is 0 or > ShopItem.MaxNameLength || en.Length > ShopItem.MaxNameLength)
            throw new DomainException("item.name-invalid", $"An item's name is 1 to {ShopItem.MaxNameLength} characters.");
        StoredText.Check(zh, "The name");
        StoredText.Check(en, "The English name");
        var unit = (t.Unit ?? "").Trim();
        if (unit.Length is 0 or > ShopItem.MaxUnitLength)
            throw new DomainException("item.unit-invalid", $"A unit (袋, 瓶, 张) is 1 to {ShopItem.MaxUnitLength} characters.");
        StoredText.Check(unit, "The unit");
        if (t.PricePoints is < 1 or > ShopItem.MaxPricePoints)
            throw new DomainException("item.price-invalid", $"A price is 1 to {ShopItem.MaxPricePoints} points.");
        if (t.LimitPerHousehold is < 1 or > MaxLimitPerHousehold)
            throw new DomainException("item.limit-invalid", $"A limit per household is 1 to {MaxLimitPerHousehold}, or none.");
        if (!Enum.IsDefined(t.LimitPeriod))
            throw new DomainException("item.limit-invalid", "A limit counts per month or per year.");
        if (t.LowStockThreshold is < 0 or > MaxLowStockThreshold)
            throw new DomainException("item.threshold-invalid", $"A low-stock threshold is 0 to {MaxLowStockThreshold}.");
        var merchant = string.IsNullOrWhiteSpace(t.MerchantCode) ? null : t.MerchantCode.Trim();
        if (t.Category == ItemCategory.ServiceVoucher)
        {
            if (merchant is null)
                throw new DomainException("item.merchant-required", "A service voucher names the partner merchant who honours it.");
            if (t.VoucherValidDays is not (>= 1 and <= MaxVoucherValidDays))
                throw new DomainException("item.validity-invalid", $"A voucher stays valid 1 to {MaxVoucherValidDays} days.");
            if (t.SettlementPriceFen is not (>= 0 and <= MaxSettlementPriceFen))
                throw new DomainException("item.settlement-price-invalid",
                    "A voucher states what the village pays its merchant for it, in fen, from 0 up to one million yuan.");
        }
        return t with { NameZh = zh, NameEn = en, Unit = unit, MerchantCode = merchant };
    }

    public static string CheckCode(string? code)
    {
        var c = (code ?? "").Trim();
        if (c.Length is 0 or > ShopItem.MaxCodeLength || !c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
            throw new DomainException("item.code-invalid", $"An item code is 1 to {ShopItem.MaxCodeLength} letters, digits, '-', '_' or '.'.");
        return c;
    }

    private static RequestFingerprint Fingerprint(RequestFingerprint f, ItemTerms t) =>
        f.Add(t.Category).Add(t.NameZh).Add(t.NameEn).Add(t.Unit).Add(t.PricePoints).Add(t.LimitPerHousehold).Add(t.LimitPeriod)
            .Add(t.Active).Add(t.LowStockThreshold).Add(t.MerchantCode).Add(t.VoucherValidDays).Add(t.SettlementPriceFen);
}
