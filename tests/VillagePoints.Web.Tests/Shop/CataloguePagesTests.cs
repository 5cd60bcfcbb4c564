using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>The clerk's catalogue, stock and stocktake pages.</summary>
public sealed class CataloguePagesTests
{
    private const string FormKey = "0123456789abcdef0123456789abcdef";

    private static Task<(TestApp App, ArrangedVillage Village, HttpClient Clerk)> ArrangeAsync(DatabaseProvider provider, params (string Code, int Stock)[] items) =>
        ArrangeAsync(provider, null, items);

    private static async Task<(TestApp App, ArrangedVillage Village, HttpClient Clerk)> ArrangeAsync(DatabaseProvider provider, string? photoFolder,
        params (string Code, int Stock)[] items)
    {
        var app = await TestApp.StartAsync(provider, photoFolder is null ? null
            : new Dictionary<string, string?> { [VillagePoints.Core.Evidence.LocalFolderEvidenceStore.ConfigKey] = photoFolder });
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var keeper = await app.CreateUserAsync("店员老王", TestApp.In(v, Role.ShopClerk));
        await using (var db = app.NewContext())
        {
            foreach (var (code, stock) in items)
                await ShopBuilder.AddItemAsync(db, v.VillageId, keeper.Id, code, 50, stock);
        }
        return (app, v, await app.PageClientAsync("店员小李", TestApp.In(v, Role.ShopClerk)));
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string? handler, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await PageClients.FormTokenAsync(client, page);
        return await client.PostAsync(handler is null ? page : $"{page}?handler={handler}", new FormUrlEncodedContent(fields));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_receives_a_purchase_once_even_when_the_form_is_sent_twice(DatabaseProvider provider)
    {
        var (app, v, clerk) = await ArrangeAsync(provider, ("rice", 3));
        await using var _ = app;
        var page = $"/villages/{v.VillageCode}/shop/stock";
        Dictionary<string, string> Receipt() => new()
        {
            ["FormKey"] = FormKey, ["ItemCode"] = "rice", ["Quantity"] = "20", ["Amount"] = "900.50", ["Counterparty"] = "镇粮油店",
        };

        var first = await PostFormAsync(clerk, page, "Purchase", Receipt());
        var again = await PostFormAsync(clerk, page, "Purchase", Receipt());

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        var shown = await clerk.GetStringAsync(first.Headers.Location!.OriginalString);
        Assert.Contains("已登记采购入库：20 袋", shown, StringComparison.Ordinal);
        Assert.Contains("现库存 23", shown, StringComparison.Ordinal);
        await using var db = app.NewContext();
        var receipt = await db.StockMovements.SingleAsync(m => m.VillageId == v.VillageId && m.Sequence == 2);
        Assert.Equal((20, 90_050L, "镇粮油店"), (receipt.Quantity, receipt.CostFen, receipt.Counterparty));
        var history = await clerk.GetStringAsync($"/villages/{v.VillageCode}/shop/stock/rice");
        Assert.Contains("供货商：镇粮油店 · 金额 900.50 元", history, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_loss_beyond_the_stock_is_refused_beside_the_quantity_and_a_bad_amount_beside_the_cost(DatabaseProvider provider)
    {
        var (app, v, clerk) = await ArrangeAsync(provider, ("oil", 2));
        await using var _ = app;
        var page = $"/villages/{v.VillageCode}/shop/stock";

        var loss = await PostFormAsync(clerk, page, "Loss", new() { ["FormKey"] = FormKey, ["ItemCode"] = "oil", ["Quantity"] = "5", ["Reason"] = "摔破" });
        var purchase = await PostFormAsync(clerk, page, "Purchase",
            new() { ["FormKey"] = FormKey, ["ItemCode"] = "oil", ["Quantity"] = "1", ["Amount"] = "十元", ["Counterparty"] = "店" });

        Assert.Equal(HttpStatusCode.OK, loss.StatusCode);
        var lossHtml = await loss.Content.ReadAsStringAsync();
        Assert.Contains("href=\"#loss-quantity\">库存不足", lossHtml, StringComparison.Ordinal);
        Assert.Contains("<span id=\"loss-quantity-error\" class=\"field-error\">库存不足", lossHtml, StringComparison.Ordinal);
        Assert.Contains("<span id=\"purchase-cost-error\" class=\"field-error\">采购金额", await purchase.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(1, await db.StockMovements.CountAsync(m => m.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_stocktake_lists_every_goods_item_with_its_level_and_adjusts_only_what_was_counted_differently(DatabaseProvider provider)
    {
        var (app, v, clerk) = await ArrangeAsync(provider, ("flour", 8), ("rice", 10), ("soap", 4));
        await using var _ = app;
        await using (var db = app.NewContext())
        {
            var merchant = await ShopBuilder.AddMerchantAsync(db, v.VillageId, "barber");
            var anyone = await db.UserAccounts.Select(u => u.Id).FirstAsync();
            await ShopBuilder.AddItemAsync(db, v.VillageId, anyone, "haircut", 30, 5, ItemCategory.ServiceVoucher, merchant.Id);
        }
        var page = $"/villages/{v.VillageCode}/shop/stocktake";
        var html = await clerk.GetStringAsync(page);

        var sent = await PostFormAsync(clerk, page, null, new()
        {
            ["FormKey"] = FormKey, ["Reason"] = "月末盘点",
            ["Lines[0].Code"] = "flour", ["Lines[0].Expected"] = "8", ["Lines[0].Counted"] = "8",
            ["Lines[1].Code"] = "rice", ["Lines[1].Expected"] = "10", ["Lines[1].Counted"] = "7",
            ["Lines[2].Code"] = "soap", ["Lines[2].Expected"] = "4", ["Lines[2].Counted"] = "",
        });

        Assert.Contains("账面 10 袋", html, StringComparison.Ordinal);
        Assert.DoesNotContain("haircut", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("盘点完成：清点 2 种商品，调整 1 种。", await clerk.GetStringAsync(sent.Headers.Location!.OriginalString), StringComparison.Ordinal);
        await using var check = app.NewContext();
        var adjustment = await check.StockMovements.SingleAsync(m => m.VillageId == v.VillageId && m.Kind == StockMovementKind.Stocktake);
        Assert.Equal((-3, 7, "月末盘点"), (adjustment.Quantity, adjustment.StockAfter, adjustment.Reason));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_stocktake_opened_before_a_change_is_refused_beside_that_items_count(DatabaseProvider provider)
    {
        var (app, v, clerk) = await ArrangeAsync(provider, ("rice", 10));
        await using var _ = app;

        var sent = await PostFormAsync(clerk, $"/villages/{v.VillageCode}/shop/stocktake", null, new()
        {
            ["FormKey"] = FormKey, ["Reason"] = "月末盘点", ["Lines[0].Code"] = "rice", ["Lines[0].Expected"] = "12", ["Lines[0].Counted"] = "9",
        });

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("<span id=\"stocktake-count-0-error\" class=\"field-error\">打开盘点页面后", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var check = app.NewContext();
        Assert.Equal(1, await check.StockMovements.CountAsync(m => m.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_adds_an_item_with_a_photo_and_the_catalogue_shows_it_under_its_category_as_low(DatabaseProvider provider)
    {
        var folder = Directory.CreateTempSubdirectory("vp-shop-photos");
        try
        {
            var (app, v, clerk) = await ArrangeAsync(provider, folder.FullName);
            await using var _ = app;
            var page = $"/villages/{v.VillageCode}/shop/items/new";
            var token = await PageClients.FormTokenAsync(clerk, page);
            using var form = new MultipartFormDataContent
            {
                { new StringContent(token), "__RequestVerificationToken" },
                { new StringContent(FormKey), "FormKey" },
                { new StringContent("tea-250g"), "Code" },
                { new StringContent("LocalProduce"), "Category" },
                { new StringContent("本村高山绿茶 250g"), "NameZh" },
                { new StringContent("罐"), "Unit" },
                { new StringContent("120"), "PricePoints" },
                { new StringContent("3"), "LowStockThreshold" },
                { new StringContent("true"), "Active" },
            };
            var photo = new ByteArrayContent(Jpeg());
            photo.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(photo, "Photo", "tea.jpg");

            var created = await clerk.PostAsync(page, form);

            Assert.True(created.StatusCode == HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync());
            var list = await clerk.GetStringAsync(created.Headers.Location!.OriginalString);
            Assert.Contains("本地农特产", list, StringComparison.Ordinal);
            Assert.Contains("已保存：本村高山绿茶 250g", list, StringComparison.Ordinal);
            Assert.Contains("badge-low", list, StringComparison.Ordinal);
            var image = await clerk.GetAsync($"/api/v1/villages/{v.VillageCode}/shop/items/tea-250g/photo?size=thumb");
            Assert.Equal(("image/jpeg", HttpStatusCode.OK), (image.Content.Headers.ContentType?.MediaType, image.StatusCode));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_is_refused_on_the_clerks_pages(DatabaseProvider provider)
    {
        var (app, v, _) = await ArrangeAsync(provider, ("rice", 1));
        await using var __ = app;
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        foreach (var path in new[] { "shop/items", "shop/items/new", "shop/items/rice", "shop/stock", "shop/stock/rice", "shop/stocktake" })
            Assert.Equal(HttpStatusCode.Forbidden, (await villager.GetAsync($"/villages/{v.VillageCode}/{path}")).StatusCode);
    }

    private static byte[] Jpeg()
    {
        using var bitmap = new SKBitmap(64, 48);
        using (var canvas = new SKCanvas(bitmap))
            canvas.Clear(SKColors.Green);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
