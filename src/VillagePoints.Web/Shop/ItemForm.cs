using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Shop;
using VillagePoints.Web.Claims;

namespace VillagePoints.Web.Shop;

/// <summary>
/// The item form of the new-item and edit pages: names, category, price, unit, limit, threshold, active flag, a
/// voucher's merchant and terms, and a photo. The photo is checked before anything is written, so a renamed PDF
/// refuses the whole form.
/// </summary>
public abstract class ItemFormPage(VillagePointsDb db, ShopCatalogue catalogue, EvidenceIntake intake, IEvidenceStore store,
    IStringLocalizer<SharedResource> text) : ShopPageModel(text)
{
    public const string Prefix = "item";

    [BindProperty] public ItemCategory Category { get; set; } = ItemCategory.Staples;
    [BindProperty] public string? NameZh { get; set; }
    [BindProperty] public string? NameEn { get; set; }
    [BindProperty] public string? Unit { get; set; }
    [BindProperty] public int? PricePoints { get; set; }
    [BindProperty] public int? LimitPerHousehold { get; set; }
    [BindProperty] public LimitPeriod LimitPeriod { get; set; } = LimitPeriod.Month;
    [BindProperty] public int? LowStockThreshold { get; set; }
    [BindProperty] public bool Active { get; set; } = true;
    [BindProperty] public string? MerchantCode { get; set; }
    [BindProperty] public int? VoucherValidDays { get; set; }
    [BindProperty] public string? SettlementYuan { get; set; }
    [BindProperty] public IFormFile? Photo { get; set; }

    public IReadOnlyList<Merchant> Merchants { get; private set; } = [];

    /// <summary>The item being edited; null on the new-item page.</summary>
    public ShopItem? Item { get; protected set; }

    protected VillagePointsDb Db => db;

    protected ShopCatalogue Catalogue => catalogue;

    protected async Task LoadMerchantsAsync(CancellationToken ct) =>
        Merchants = await db.Merchants.AsNoTracking().Where(m => m.VillageId == Village.Id && m.Active).OrderBy(m => m.Code).ToListAsync(ct);

    protected void Fill(ShopItem item, string? merchantCode)
    {
        Category = item.Category;
        NameZh = item.NameZh;
        NameEn = item.NameEn;
        Unit = item.Unit;
        PricePoints = item.PricePoints;
        LimitPerHousehold = item.LimitPerHousehold;
        LimitPeriod = item.LimitPeriod;
        LowStockThreshold = item.LowStockThreshold;
        Active = item.Active;
        MerchantCode = merchantCode;
        VoucherValidDays = item.VoucherValidDays;
        SettlementYuan = item.SettlementPriceFen is { } fen ? Yuan(fen) : null;
    }

    /// <summary>The form's terms, or null when a value could not be read (said beside its field).</summary>
    protected ItemTerms? Terms()
    {
        var unread = false;
        foreach (var (property, field) in new[]
                 {
                     (nameof(PricePoints), "price"), (nameof(LimitPerHousehold), "limit"), (nameof(LowStockThreshold), "threshold"),
                     (nameof(VoucherValidDays), "validity"), (nameof(Category), "category"), (nameof(LimitPeriod), "limit"),
                 })
            unread |= BindingFailed(property, $"{Prefix}-{field}");
        var settlement = Fen(SettlementYuan);
        if (Category == ItemCategory.ServiceVoucher && settlement == -1)
        {
            Errors.Add(new ShopFieldError(Text["item.settlement-price-invalid"].Value, $"{Prefix}-settlement"));
            unread = true;
        }
        if (unread)
            return null;
        return new ItemTerms(Category, NameZh ?? "", NameEn, Unit ?? "", PricePoints ?? 0, LimitPerHousehold, LimitPeriod, Active,
            LowStockThreshold ?? 0, MerchantCode, VoucherValidDays, settlement);
    }

    /// <summary>The chosen photo, checked and processed; null when none was chosen. Throws the evidence problem for a bad file.</summary>
    protected async Task<ProcessedPhoto?> PreparePhotoAsync(CancellationToken ct) =>
        Photo is null || (Photo.Length == 0 && string.IsNullOrEmpty(Photo.FileName))
            ? null
            : (await ClaimForms.PreparePhotosAsync([Photo], 0, ct)).Single();

    protected async Task StorePhotoAsync(string itemCode, ProcessedPhoto? photo, CancellationToken ct)
    {
        if (photo is not null)
            await catalogue.SetPhotoAsync(intake, store, Village.Id, itemCode, photo, Grant.UserId, ct);
    }

    protected void Refused(DomainException ex) => Refused(ex, Prefix);
}
