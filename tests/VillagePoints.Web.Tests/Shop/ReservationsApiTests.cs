using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Shop;
using VillagePoints.TestSupport;
using VillagePoints.Web.Shop;
using VillagePoints.Web.Tests.Infrastructure;
using static VillagePoints.Web.Tests.Shop.ReservationTestKit;

namespace VillagePoints.Web.Tests.Shop;

/// <summary>POST|GET /shop/reservations, GET /shop/reservations/{n} and the cancellation: a villager's own household only.</summary>
public sealed class ReservationsApiTests
{
    private static string Base(ArrangedVillage v) => $"/api/v1/villages/{v.VillageCode}/shop/reservations";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static StringContent Lines(string code, long quantity, int? householdNo = null) =>
        Json(householdNo is { } n
            ? $$"""{"householdNo":{{n}},"lines":[{"itemCode":"{{code}}","quantity":{{quantity}}}]}"""
            : $$"""{"lines":[{"itemCode":"{{code}}","quantity":{{quantity}}}]}""");

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_reserves_for_their_household_and_finds_it_listed_with_its_deadline(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        var response = await villager.PostAsync(Base(v), Lines("rice", 2));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"{Base(v)}/1", response.Headers.Location?.OriginalString);
        var made = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, made.GetProperty("number").GetInt64());
        Assert.Equal("Reserved", made.GetProperty("state").GetString());
        Assert.Equal(1, made.GetProperty("householdNo").GetInt32());
        Assert.Equal(20, made.GetProperty("totalPoints").GetInt64());
        Assert.True(made.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(1));
        Assert.Equal(2, (await ItemAsync(app, v, "rice")).Reserved);
        var listed = await villager.GetFromJsonAsync<JsonElement>(Base(v));
        Assert.Equal(1, Assert.Single(listed.EnumerateArray()).GetProperty("number").GetInt64());
        var one = await villager.GetFromJsonAsync<JsonElement>($"{Base(v)}/1");
        Assert.Equal("rice", Assert.Single(one.GetProperty("lines").EnumerateArray()).GetProperty("itemCode").GetString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_cannot_reserve_read_or_cancel_for_another_household(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var first = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var second = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 2));
        Assert.Equal(HttpStatusCode.Created, (await second.PostAsync(Base(v), Lines("rice", 1))).StatusCode);

        Assert.Equal("household.not-found", await Problems.AssertProblemAsync(await first.PostAsync(Base(v), Lines("rice", 1, householdNo: 2)),
            HttpStatusCode.NotFound));
        Assert.Equal("reservation.not-found", await Problems.AssertProblemAsync(await first.GetAsync($"{Base(v)}/1"), HttpStatusCode.NotFound));
        Assert.Equal("reservation.not-found", await Problems.AssertProblemAsync(await first.PostAsync($"{Base(v)}/1/cancellation", null),
            HttpStatusCode.NotFound));
        Assert.Empty((await first.GetFromJsonAsync<JsonElement>(Base(v))).EnumerateArray());
        Assert.Equal(ReservationState.Reserved, (await ReservationAsync(app, v, 1)).State);
        Assert.Equal(1, (await ItemAsync(app, v, "rice")).Reserved);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_clerk_lists_every_households_reservations_and_cancels_one_but_reserves_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var first = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var second = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 2));
        await first.PostAsync(Base(v), Lines("rice", 1));
        await second.PostAsync(Base(v), Lines("rice", 2));
        var clerk = await app.ClientAsync(TestApp.In(v, Role.ShopClerk));
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));

        var all = await clerk.GetFromJsonAsync<JsonElement>($"{Base(v)}?state=open");
        var cancelled = await clerk.PostAsync($"{Base(v)}/2/cancellation", null);

        Assert.Equal([1L, 2L], all.EnumerateArray().Select(r => r.GetProperty("number").GetInt64()).Order());
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.Equal(1, (await ItemAsync(app, v, "rice")).Reserved);
        Assert.Equal("reservation.not-open", await Problems.AssertProblemAsync(await second.PostAsync($"{Base(v)}/2/cancellation", null),
            HttpStatusCode.Conflict));
        await Problems.AssertProblemAsync(await clerk.PostAsync(Base(v), Lines("rice", 1)), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await committee.GetAsync(Base(v)), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await committee.PostAsync($"{Base(v)}/1/cancellation", null), HttpStatusCode.Forbidden);
        Assert.Equal("reservation.state-filter-invalid", await Problems.AssertProblemAsync(await clerk.GetAsync($"{Base(v)}?state=gone"),
            HttpStatusCode.UnprocessableEntity));
    }

    public static TheoryData<DatabaseProvider, string, HttpStatusCode, string> BadBodies()
    {
        var data = new TheoryData<DatabaseProvider, string, HttpStatusCode, string>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(provider, """{"lines":[{"itemCode":"rice","quantity":0}]}""", HttpStatusCode.UnprocessableEntity, "reservation.quantity-invalid");
            data.Add(provider, """{"lines":[{"itemCode":"rice","quantity":-3}]}""", HttpStatusCode.UnprocessableEntity, "reservation.quantity-invalid");
            data.Add(provider, """{"lines":[{"itemCode":"rice","quantity":1000000000}]}""", HttpStatusCode.UnprocessableEntity, "reservation.quantity-invalid");
            data.Add(provider, """{"lines":[{"itemCode":"rice"}]}""", HttpStatusCode.UnprocessableEntity, "reservation.quantity-invalid");
            data.Add(provider, """{"lines":[]}""", HttpStatusCode.UnprocessableEntity, "reservation.lines-required");
            data.Add(provider, """{}""", HttpStatusCode.UnprocessableEntity, "reservation.lines-required");
            data.Add(provider, """{"lines":[{"itemCode":"no-such","quantity":1}]}""", HttpStatusCode.NotFound, "item.not-found");
            data.Add(provider, """{"lines":[{"itemCode":"haircut","quantity":1}]}""", HttpStatusCode.UnprocessableEntity, "reservation.voucher-item");
            data.Add(provider, """{"lines":[{"itemCode":"caviar","quantity":1}]}""", HttpStatusCode.Conflict, "balance.insufficient");
            data.Add(provider, """{"lines":[{"itemCode":"salt-gone","quantity":1}]}""", HttpStatusCode.Conflict, "stock.insufficient");
            data.Add(provider, """{"lines":[{"itemCode":"rice","quantity":"1"}]}""", HttpStatusCode.BadRequest, "request.malformed");
            data.Add(provider, """{"lines":[{"itemCode":"rice","quantity":1},{"itemCode":"rice","quantity":2}]}""", HttpStatusCode.UnprocessableEntity, "reservation.duplicate-item");
        }
        return data;
    }

    [Theory, MemberData(nameof(BadBodies))]
    public async Task A_bad_reservation_is_a_clear_problem_and_holds_nothing(DatabaseProvider provider, string body, HttpStatusCode status, string code)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        Assert.Equal(code, await Problems.AssertProblemAsync(await villager.PostAsync(Base(v), Json(body)), status));

        await using var db = app.NewContext();
        Assert.False(await db.Reservations.AnyAsync(r => r.VillageId == v.VillageId));
        Assert.Equal(0, await db.ShopItems.Where(i => i.VillageId == v.VillageId).SumAsync(i => i.Reserved));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_last_unit_goes_to_one_household_and_a_retry_with_its_key_answers_the_first_reservation(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (v, _) = await ArrangeAsync(app);
        var first = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var second = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 2));

        var made = await first.SendAsync(new HttpRequestMessage(HttpMethod.Post, Base(v)) { Content = Lines("oil-last", 1), Headers = { { "Idempotency-Key", "k-1" } } });
        var retried = await first.SendAsync(new HttpRequestMessage(HttpMethod.Post, Base(v)) { Content = Lines("oil-last", 1), Headers = { { "Idempotency-Key", "k-1" } } });
        var late = await second.PostAsync(Base(v), Lines("oil-last", 1));

        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal((await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt64(),
            (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt64());
        Assert.Equal("stock.insufficient", await Problems.AssertProblemAsync(late, HttpStatusCode.Conflict));
        var item = await ItemAsync(app, v, "oil-last");
        Assert.Equal((1, 1), (item.Stock, item.Reserved));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_scheduled_job_expires_a_reservation_past_its_deadline_and_puts_the_stock_back(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider, new Dictionary<string, string?> { [ReservationScheduler.Every] = "00:00:00.100" });
        var (v, _) = await ArrangeAsync(app);
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        Assert.Equal(HttpStatusCode.Created, (await villager.PostAsync(Base(v), Lines("rice", 3))).StatusCode);
        await using (var db = app.NewContext())
        {
            var reservation = await db.Reservations.SingleAsync(r => r.VillageId == v.VillageId);
            reservation.ExpiresAt = BusinessCalendar.Truncate(DateTimeOffset.UtcNow.AddMinutes(-1));
            await db.SaveChangesAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await ReservationAsync(app, v, 1)).State == ReservationState.Reserved)
        {
            Assert.True(DateTime.UtcNow < deadline, "the reservation did not expire in time");
            await Task.Delay(50);
        }

        Assert.Equal(ReservationState.Expired, (await ReservationAsync(app, v, 1)).State);
        Assert.Equal(0, (await ItemAsync(app, v, "rice")).Reserved);
        var shown = await villager.GetFromJsonAsync<JsonElement>($"{Base(v)}/1");
        Assert.Equal("Expired", shown.GetProperty("state").GetString());
    }
}
