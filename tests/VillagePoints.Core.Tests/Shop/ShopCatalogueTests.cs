using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Shop;
using VillagePoints.Core.Tests.Evidence;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Shop;

public sealed class ShopCatalogueTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_creates_an_item_and_a_retry_with_the_same_key_returns_it_without_a_second_item(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        await using var db = database.NewContext();
        var catalogue = new ShopCatalogue(db, TimeProvider.System);

        var first = await catalogue.CreateAsync(new CreateItem(v.VillageId, " rice-5kg ", ShopTestKit.Rice(), clerk, "key-1"));
        var retry = await catalogue.CreateAsync(new CreateItem(v.VillageId, "rice-5kg", ShopTestKit.Rice(), clerk, "key-1"));

        Assert.Equal(first.Id, retry.Id);
        var stored = await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == v.VillageId);
        Assert.Equal(("rice-5kg", "东北大米 5kg", "Rice 5 kg", "袋", 50, 2, 3, 0, 0L), (stored.Code, stored.NameZh, stored.NameEn, stored.Unit,
            stored.PricePoints, stored.LimitPerHousehold, stored.LowStockThreshold, stored.Stock, stored.MovementCount));
        Assert.Null(stored.MerchantId);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_second_item_with_a_taken_code_is_refused_and_the_same_key_with_other_terms_conflicts(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        await using var db = database.NewContext();
        var catalogue = new ShopCatalogue(db, TimeProvider.System);
        await catalogue.CreateAsync(new CreateItem(v.VillageId, "rice-5kg", ShopTestKit.Rice(), clerk, "key-1"));

        var taken = await Assert.ThrowsAsync<DomainException>(() => catalogue.CreateAsync(new CreateItem(v.VillageId, "rice-5kg", ShopTestKit.Rice(60), clerk)));
        var reused = await Assert.ThrowsAsync<DomainException>(() => catalogue.CreateAsync(new CreateItem(v.VillageId, "flour", ShopTestKit.Rice(), clerk, "key-1")));

        Assert.Equal(("item.code-taken", DomainErrorKind.Conflict), (taken.Code, taken.Kind));
        Assert.Equal("idempotency.conflict", reused.Code);
        Assert.Equal(1, await db.ShopItems.CountAsync(i => i.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_voucher_item_names_an_active_merchant_and_becoming_goods_drops_its_voucher_terms(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        await using var db = database.NewContext();
        var barber = await ShopBuilder.AddMerchantAsync(db, v.VillageId, "barber");
        var catalogue = new ShopCatalogue(db, TimeProvider.System);
        var haircut = new ItemTerms(ItemCategory.ServiceVoucher, "理发券", "Haircut voucher", "张", 30, MerchantCode: "barber",
            VoucherValidDays: 90, SettlementPriceFen: 1500);

        var unknown = await Assert.ThrowsAsync<DomainException>(() =>
            catalogue.CreateAsync(new CreateItem(v.VillageId, "haircut", haircut with { MerchantCode = "nobody" }, clerk)));
        var created = await catalogue.CreateAsync(new CreateItem(v.VillageId, "haircut", haircut, clerk));
        var voucherTerms = (created.MerchantId, created.VoucherValidDays, created.SettlementPriceFen);
        var edited = await catalogue.EditAsync(new EditItem(v.VillageId, "haircut", haircut with { Category = ItemCategory.DailyGoods }, clerk));

        Assert.Equal("item.merchant-unknown", unknown.Code);
        Assert.Equal((barber.Id, 90, 1500L), voucherTerms);
        var stored = await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == v.VillageId && i.Code == "haircut");
        Assert.Equal((ItemCategory.DailyGoods, (Guid?)null, (int?)null, (long?)null),
            (stored.Category, stored.MerchantId, stored.VoucherValidDays, stored.SettlementPriceFen));
        Assert.Equal(edited.UpdatedAt, stored.UpdatedAt);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Editing_an_unknown_item_is_not_found_and_an_edit_keeps_the_items_stock(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        var oil = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "oil", 7);
        await using var db = database.NewContext();
        var catalogue = new ShopCatalogue(db, TimeProvider.System);

        var missing = await Assert.ThrowsAsync<DomainException>(() => catalogue.EditAsync(new EditItem(v.VillageId, "nothing", ShopTestKit.Rice(), clerk)));
        await catalogue.EditAsync(new EditItem(v.VillageId, "oil", ShopTestKit.Rice(80, active: false), clerk));

        Assert.Equal(("item.not-found", DomainErrorKind.NotFound), (missing.Code, missing.Kind));
        var stored = await db.ShopItems.AsNoTracking().SingleAsync(i => i.VillageId == v.VillageId && i.Id == oil.Id);
        Assert.Equal((80, false, 7, 1L, oil.LastMovementHash), (stored.PricePoints, stored.Active, stored.Stock, stored.MovementCount, stored.LastMovementHash));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_low_stock_list_holds_active_goods_at_or_below_their_threshold_counting_reservations(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        // ShopBuilder's threshold is 2.
        await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "at-threshold", 2);
        await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "empty", 0);
        await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "plenty", 10);
        var held = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "mostly-held", 5);
        var withdrawn = await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "withdrawn", 0);
        await using var db = database.NewContext();
        var merchant = await ShopBuilder.AddMerchantAsync(db, v.VillageId, "wash");
        await ShopBuilder.AddItemAsync(db, v.VillageId, clerk, "car-wash", 20, 0, ItemCategory.ServiceVoucher, merchant.Id);
        await db.ShopItems.Where(i => i.VillageId == v.VillageId && i.Id == held.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.Reserved, 4));
        await db.ShopItems.Where(i => i.VillageId == v.VillageId && i.Id == withdrawn.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.Active, false));

        var low = await new ShopCatalogue(db, TimeProvider.System).LowStockAsync(v.VillageId);

        Assert.Equal(["empty", "mostly-held", "at-threshold"], low.Select(i => i.Code).ToList());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_new_photo_replaces_the_items_old_one_and_the_old_ones_bytes_are_removed(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (v, clerk) = await ShopTestKit.ArrangeAsync(database);
        await ShopTestKit.ItemAsync(database, v.VillageId, clerk, "rice", 1);
        var folder = Directory.CreateTempSubdirectory("vp-item-photos");
        try
        {
            var store = new LocalFolderEvidenceStore(folder.FullName);
            await using var db = database.NewContext();
            var catalogue = new ShopCatalogue(db, TimeProvider.System);
            var intake = new EvidenceIntake(db, store, TimeProvider.System);

            var first = await catalogue.SetPhotoAsync(intake, store, v.VillageId, "rice", PhotoProcessing.Process(TestPhotos.Jpeg(800, 600)), clerk);
            var firstPhoto = await db.EvidencePhotos.AsNoTracking().SingleAsync(p => p.Id == first.PhotoId);
            var second = await catalogue.SetPhotoAsync(intake, store, v.VillageId, "rice", PhotoProcessing.Process(TestPhotos.Png(400, 400)), clerk);

            var shown = await catalogue.PhotoAsync(v.VillageId, "rice");
            Assert.Equal(second.PhotoId, shown?.Id);
            Assert.NotEqual(first.PhotoId, second.PhotoId);
            Assert.Equal(1, await db.EvidencePhotos.CountAsync(p => p.VillageId == v.VillageId && p.OwnerKind == ShopCatalogue.PhotoOwnerKind));
            Assert.Null(await store.OpenReadAsync(firstPhoto.ContentKey));
            await using var content = await store.OpenReadAsync(shown!.ContentKey);
            Assert.NotNull(content);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    public static TheoryData<string, ItemTerms> BadTerms()
    {
        var rice = ShopTestKit.Rice();
        return new TheoryData<string, ItemTerms>
        {
            { "item.price-invalid", rice with { PricePoints = 0 } },
            { "item.price-invalid", rice with { PricePoints = -5 } },
            { "item.price-invalid", rice with { PricePoints = 100_001 } },
            { "item.name-invalid", rice with { NameZh = "  " } },
            { "item.name-invalid", rice with { NameZh = new string('米', 61) } },
            { "text.forbidden-characters", rice with { NameZh = "大米\u202E01" } },
            { "item.unit-invalid", rice with { Unit = "" } },
            { "item.limit-invalid", rice with { LimitPerHousehold = 0 } },
            { "item.limit-invalid", rice with { LimitPeriod = (LimitPeriod)9 } },
            { "item.threshold-invalid", rice with { LowStockThreshold = -1 } },
            { "item.category-invalid", rice with { Category = (ItemCategory)42 } },
            { "item.merchant-required", rice with { Category = ItemCategory.ServiceVoucher, VoucherValidDays = 30, SettlementPriceFen = 100 } },
            { "item.validity-invalid", rice with { Category = ItemCategory.ServiceVoucher, MerchantCode = "m", VoucherValidDays = 0, SettlementPriceFen = 100 } },
            { "item.settlement-price-invalid", rice with { Category = ItemCategory.ServiceVoucher, MerchantCode = "m", VoucherValidDays = 30 } },
            { "item.settlement-price-invalid", rice with { Category = ItemCategory.ServiceVoucher, MerchantCode = "m", VoucherValidDays = 30, SettlementPriceFen = -1 } },
        };
    }

    [Theory, MemberData(nameof(BadTerms))]
    public void Terms_the_shop_cannot_offer_are_refused_with_their_own_code(string code, ItemTerms terms)
    {
        var refused = Assert.Throws<DomainException>(() => ShopCatalogue.Check(terms));
        Assert.Equal(code, refused.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("大米")]
    [InlineData("rice 5kg")]
    [InlineData("rice/5kg")]
    [InlineData("a1234567890123456789012345678901234567890")]
    public void An_item_code_is_short_and_plain(string code)
    {
        Assert.Equal("item.code-invalid", Assert.Throws<DomainException>(() => ShopCatalogue.CheckCode(code)).Code);
    }
}
