using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>The shop's catalogue and stock through the API: the clerk writes, every village member reads the catalogue.</summary>
public sealed class CatalogueApiTests
{
    private static object Rice(string code = "rice-5kg", int price = 50) => new
    {
        code,
        category = "Staples",
        nameZh = "东北大米 5kg",
        nameEn = "Rice 5 kg",
        unit = "袋",
        pricePoints = price,
        limitPerHousehold = 2,
        limitPeriod = "Month",
        lowStockThreshold = 5,
    };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object body, string? key = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    private static string Shop(ArrangedVillage v) => $"/api/v1/villages/{v.VillageCode}/shop";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_adds_an_item_once_for_a_retried_request_and_a_villager_reads_it_in_the_catalogue(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var clerk = await app.ClientAsync(TestApp.In(v, Role.ShopClerk));
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        var created = await SendAsync(clerk, HttpMethod.Post, $"{Shop(v)}/items", Rice(), "item-1");
        var retried = await SendAsync(clerk, HttpMethod.Post, $"{Shop(v)}/items", Rice(), "item-1");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal($"{Shop(v)}/items/rice-5kg", created.Headers.Location?.OriginalString);
        var items = await villager.GetFromJsonAsync<JsonElement>($"{Shop(v)}/items");
        var item = Assert.Single(items.EnumerateArray());
        Assert.Equal(("rice-5kg", "东北大米 5kg", 50, 0, true, "Staples", "袋", 2, false),
            (item.GetProperty("code").GetString(), item.GetProperty("name").GetString(), item.GetProperty("pricePoints").GetInt32(),
                item.GetProperty("stock").GetInt32(), item.GetProperty("active").GetBoolean(), item.GetProperty("category").GetString(),
                item.GetProperty("unit").GetString(), item.GetProperty("limit").GetInt32(), item.GetProperty("isVoucher").GetBoolean()));
        var english = await villager.GetFromJsonAsync<JsonElement>($"{Shop(v)}/items/rice-5kg?culture=en-US");
        Assert.Equal("Rice 5 kg", english.GetProperty("name").GetString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Received_stock_shows_in_the_movements_and_the_item_leaves_the_low_stock_list(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var clerk = await app.ClientAsync(TestApp.In(v, Role.ShopClerk));
        await SendAsync(clerk, HttpMethod.Post, $"{Shop(v)}/items", Rice());
        var lowBefore = await clerk.GetFromJsonAsync<JsonElement>($"{Shop(v)}/low-stock");

        var receipt = await SendAsync(clerk, HttpMethod.Post, $"{Shop(v)}/stock-movements",
            new { itemCode = "rice-5kg", kind = "Purchase", quantity = 30, costFen = 135_000, counterparty = "镇粮油店" }, "receipt-1");
        var loss = await SendAsync(clerk, HttpMethod.Post, $"{Shop(v)}/stock-movements",
            new { itemCode = "rice-5kg", kind = "Loss", quantity = 2, reason = "受潮发霉" });

        Assert.Equal(HttpStatusCode.Created, receipt.StatusCode);
        var movement = await receipt.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Purchase", 30, 30, 135_000L, "镇粮油店"), (movement.GetProperty("kind").GetString(), movement.GetProperty("quantity").GetInt32(),
            movement.GetProperty("stockAfter").GetInt32(), movement.GetProperty("costFen").GetInt64(), movement.GetProperty("counterparty").GetString()));
        Assert.Equal(HttpStatusCode.Created, loss.StatusCode);
        var history = await clerk.GetFromJsonAsync<JsonElement>($"{Shop(v)}/stock-movements?item=rice-5kg");
        Assert.Equal([(2L, -2, 28), (1L, 30, 30)], history.EnumerateArray()
            .Select(m => (m.GetProperty("sequence").GetInt64(), m.GetProperty("quantity").GetInt32(), m.GetProperty("stockAfter").GetInt32())).ToList());
        Assert.Equal(["rice-5kg"], lowBefore.EnumerateArray().Select(i => i.GetProperty("code").GetString()).ToList());
        Assert.Empty((await clerk.GetFromJsonAsync<JsonElement>($"{Shop(v)}/low-stock")).EnumerateArray());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_stocktake_adjusts_only_the_items_whose_count_differs(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var user = await app.CreateUserAsync("店员", TestApp.In(v, Role.ShopClerk));
        await using (var db = app.NewContext())
        {
            await ShopBuilder.AddItemAsync(db, v.VillageId, user.Id, "rice", 50, 10);
            await ShopBuilder.AddItemAsync(db, v.VillageId, user.Id, "oil", 60, 4);
        }
        var clerk = await app.ClientAsync(user.Phone);

        var response = await SendAsync(clerk, HttpMethod.Post, $"{Shop(v)}/stocktakes",
            new { counts = new object[] { new { itemCode = "rice", counted = 9, expected = 10 }, new { itemCode = "oil", counted = 4 } }, reason = "月末盘点" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, result.GetProperty("adjusted").GetInt32());
        await using var check = app.NewContext();
        var adjustment = await check.StockMovements.SingleAsync(m => m.VillageId == v.VillageId && m.Kind == StockMovementKind.Stocktake);
        Assert.Equal((-1, 9, "月末盘点"), (adjustment.Quantity, adjustment.StockAfter, adjustment.Reason));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_edit_changes_what_it_sends_and_keeps_the_rest_and_an_inactive_item_is_hidden_from_villagers(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var clerk = await app.ClientAsync(TestApp.In(v, Role.ShopClerk));
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        await SendAsync(clerk, HttpMethod.Post, $"{Shop(v)}/items", Rice());

        var edited = await SendAsync(clerk, HttpMethod.Put, $"{Shop(v)}/items/rice-5kg", new { pricePoints = 60, active = false, limitPerHousehold = 0 });

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var item = await clerk.GetFromJsonAsync<JsonElement>($"{Shop(v)}/items/rice-5kg");
        Assert.Equal((60, false, JsonValueKind.Null, "东北大米 5kg", 5), (item.GetProperty("pricePoints").GetInt32(), item.GetProperty("active").GetBoolean(),
            item.GetProperty("limit").ValueKind, item.GetProperty("nameZh").GetString(), item.GetProperty("lowStockThreshold").GetInt32()));
        Assert.Empty((await villager.GetFromJsonAsync<JsonElement>($"{Shop(v)}/items")).EnumerateArray());
        Assert.Equal("item.not-found", await Problems.AssertProblemAsync(await villager.GetAsync($"{Shop(v)}/items/rice-5kg"), HttpStatusCode.NotFound));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_may_not_write_the_catalogue_and_another_villages_clerk_finds_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var other = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var clerk = await app.ClientAsync(TestApp.In(v, Role.ShopClerk));
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var foreignClerk = await app.ClientAsync(TestApp.In(other, Role.ShopClerk));
        await SendAsync(clerk, HttpMethod.Post, $"{Shop(v)}/items", Rice());
        var receipt = new { itemCode = "rice-5kg", kind = "Purchase", quantity = 5, costFen = 100, counterparty = "粮油店" };

        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await SendAsync(villager, HttpMethod.Post, $"{Shop(v)}/items", Rice("flour")), HttpStatusCode.Forbidden));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await SendAsync(villager, HttpMethod.Put, $"{Shop(v)}/items/rice-5kg", new { pricePoints = 1 }), HttpStatusCode.Forbidden));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await SendAsync(villager, HttpMethod.Post, $"{Shop(v)}/stock-movements", receipt), HttpStatusCode.Forbidden));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await villager.GetAsync($"{Shop(v)}/low-stock"), HttpStatusCode.Forbidden));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(await villager.GetAsync($"{Shop(v)}/stock-movements"), HttpStatusCode.Forbidden));
        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(await foreignClerk.GetAsync($"{Shop(v)}/items"), HttpStatusCode.NotFound));
        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(await SendAsync(foreignClerk, HttpMethod.Post, $"{Shop(v)}/stock-movements", receipt), HttpStatusCode.NotFound));
        // The foreign clerk's own shop has no such item either.
        Assert.Equal("item.not-found", await Problems.AssertProblemAsync(
            await SendAsync(foreignClerk, HttpMethod.Post, $"{Shop(other)}/stock-movements", receipt), HttpStatusCode.NotFound));
        await using var db = app.NewContext();
        Assert.Equal(0, await db.StockMovements.CountAsync());
        Assert.Equal(50, await db.ShopItems.Where(i => i.VillageId == v.VillageId).Select(i => i.PricePoints).SingleAsync());
    }

    public static TheoryData<DatabaseProvider, string, int, string> BadMovements()
    {
        var data = new TheoryData<DatabaseProvider, string, int, string>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(provider, """{"itemCode":"rice-5kg","kind":"Purchase","quantity":0,"costFen":1,"counterparty":"店"}""", 422, "stock.quantity-invalid");
            data.Add(provider, """{"itemCode":"rice-5kg","kind":"Purchase","quantity":-4,"costFen":1,"counterparty":"店"}""", 422, "stock.quantity-invalid");
            data.Add(provider, """{"itemCode":"rice-5kg","kind":"Purchase","quantity":1000000000,"costFen":1,"counterparty":"店"}""", 422, "stock.quantity-invalid");
            data.Add(provider, """{"itemCode":"rice-5kg","kind":"Purchase","quantity":10000000000,"costFen":1,"counterparty":"店"}""", 400, "request.malformed");
            data.Add(provider, """{"itemCode":"nothing","kind":"Purchase","quantity":1,"costFen":1,"counterparty":"店"}""", 404, "item.not-found");
            data.Add(provider, """{"itemCode":"rice-5kg","kind":"Checkout","quantity":1}""", 422, "stock.kind-not-allowed");
            data.Add(provider, """{"itemCode":"rice-5kg","kind":"Return","quantity":1}""", 422, "stock.kind-not-allowed");
            data.Add(provider, """{"itemCode":"rice-5kg","quantity":1}""", 422, "stock.kind-not-allowed");
            data.Add(provider, """{"itemCode":"rice-5kg","kind":"Loss","quantity":3,"reason":"丢失"}""", 409, "stock.insufficient");
            data.Add(provider, """{"itemCode":"rice-5kg","kind":"Purchase","quantity":1,"costFen":-1,"counterparty":"店"}""", 422, "stock.cost-invalid");
        }
        return data;
    }

    [Theory, MemberData(nameof(BadMovements))]
    public async Task A_bad_stock_movement_is_a_clear_problem_and_moves_nothing(DatabaseProvider provider, string body, int status, string code)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var user = await app.CreateUserAsync("店员", TestApp.In(v, Role.ShopClerk));
        await using (var db = app.NewContext())
            await ShopBuilder.AddItemAsync(db, v.VillageId, user.Id, "rice-5kg", 50, 2);
        var clerk = await app.ClientAsync(user.Phone);

        var response = await PostRawAsync(clerk, $"{Shop(v)}/stock-movements", body);

        Assert.Equal(code, await Problems.AssertProblemAsync(response, (HttpStatusCode)status));
        await using var check = app.NewContext();
        Assert.Equal(1, await check.StockMovements.CountAsync(m => m.VillageId == v.VillageId));
        Assert.Equal(2, await check.ShopItems.Where(i => i.VillageId == v.VillageId).Select(i => i.Stock).SingleAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bad_items_are_refused_with_their_codes(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var clerk = await app.ClientAsync(TestApp.In(v, Role.ShopClerk));
        var url = $"{Shop(v)}/items";

        Assert.Equal("item.price-invalid", await Problems.AssertProblemAsync(await SendAsync(clerk, HttpMethod.Post, url, Rice(price: 0)), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("item.price-invalid", await Problems.AssertProblemAsync(await SendAsync(clerk, HttpMethod.Post, url, Rice(price: 100_001)), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("item.code-invalid", await Problems.AssertProblemAsync(await SendAsync(clerk, HttpMethod.Post, url, Rice(code: "大米")), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("item.category-invalid", await Problems.AssertProblemAsync(
            await PostRawAsync(clerk, url, """{"code":"x","nameZh":"米","unit":"袋","pricePoints":5}"""), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("item.merchant-required", await Problems.AssertProblemAsync(await PostRawAsync(clerk, url,
            """{"code":"haircut","category":"ServiceVoucher","nameZh":"理发券","unit":"张","pricePoints":30,"voucherValidDays":90,"settlementPriceFen":1500}"""),
            HttpStatusCode.UnprocessableEntity));
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(clerk, HttpMethod.Post, url, Rice())).StatusCode);
        Assert.Equal("item.code-taken", await Problems.AssertProblemAsync(await SendAsync(clerk, HttpMethod.Post, url, Rice()), HttpStatusCode.Conflict));
        Assert.Equal("item.not-found", await Problems.AssertProblemAsync(
            await SendAsync(clerk, HttpMethod.Put, $"{url}/nothing", new { pricePoints = 3 }), HttpStatusCode.NotFound));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_gives_an_item_a_photo_every_member_can_see_and_a_file_that_is_no_photo_is_refused(DatabaseProvider provider)
    {
        var folder = Directory.CreateTempSubdirectory("vp-item-photo-api");
        try
        {
            await using var app = await TestApp.StartAsync(provider,
                new Dictionary<string, string?> { [VillagePoints.Core.Evidence.LocalFolderEvidenceStore.ConfigKey] = folder.FullName });
            var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
            var clerk = await app.ClientAsync(TestApp.In(v, Role.ShopClerk));
            var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
            await SendAsync(clerk, HttpMethod.Post, $"{Shop(v)}/items", Rice());
            static MultipartFormDataContent Upload(byte[] bytes)
            {
                var file = new ByteArrayContent(bytes);
                file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
                return new MultipartFormDataContent { { file, "photo", "rice.jpg" } };
            }
            using var bitmap = new SkiaSharp.SKBitmap(120, 80);
            using (var canvas = new SkiaSharp.SKCanvas(bitmap))
                canvas.Clear(SkiaSharp.SKColors.Wheat);
            using var jpeg = SkiaSharp.SKImage.FromBitmap(bitmap).Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 90);

            var refused = await clerk.PutAsync($"{Shop(v)}/items/rice-5kg/photo", Upload(Encoding.UTF8.GetBytes("%PDF-1.7 not a photo")));
            var stored = await clerk.PutAsync($"{Shop(v)}/items/rice-5kg/photo", Upload(jpeg.ToArray()));

            Assert.Equal("evidence.not-an-image", await Problems.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity));
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
            var item = await villager.GetFromJsonAsync<JsonElement>($"{Shop(v)}/items/rice-5kg");
            var url = item.GetProperty("photoUrl").GetString();
            Assert.Equal($"{Shop(v)}/items/rice-5kg/photo", url);
            var photo = await villager.GetAsync(url);
            Assert.Equal((HttpStatusCode.OK, "image/jpeg"), (photo.StatusCode, photo.Content.Headers.ContentType?.MediaType));
            Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(
                await villager.PutAsync($"{Shop(v)}/items/rice-5kg/photo", Upload(jpeg.ToArray())), HttpStatusCode.Forbidden));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
