using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using VillagePoints.Web.Ledger;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Ledger;

public sealed class LedgerApiTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RecordedDeduction_ShowsInHistory_WithReasonSourceAndActor(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chairUser = await app.CreateUserAsync("黄书记", TestApp.In(v, Role.CommitteeChair));
        var chair = await app.ClientAsync(chairUser.Phone);
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        var recorded = await chair.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries",
            new { amount = -10, kind = "Deduction", reason = "家禽散养", occurredOn = "2026-11-20" });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);

        var page = await villager.GetFromJsonAsync<LedgerPage>($"/api/v1/villages/{v.VillageCode}/households/1/ledger");
        var line = Assert.Single(page!.Entries);
        Assert.Equal(-10, page.Balance);
        Assert.Equal("家禽散养", line.Reason);
        Assert.Equal(SourceKinds.Committee, line.Source);
        Assert.Equal("黄书记", line.ApprovedBy);
        Assert.Equal(new DateOnly(2026, 11, 20), line.OccurredOn);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reversal_CorrectsOnce_AndSecondReversalIsConflict(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var url = $"/api/v1/villages/{v.VillageCode}";
        await chair.PostAsJsonAsync($"{url}/households/1/entries", new { amount = 10, kind = "Award", reason = "参与志愿服务" });

        var reversal = await chair.PostAsJsonAsync($"{url}/entries/1/reversal", new { reason = "异议成立：当天未参加" });
        Assert.Equal(HttpStatusCode.Created, reversal.StatusCode);
        var line = await reversal.Content.ReadFromJsonAsync<LedgerLine>();
        Assert.Equal((-10, 1L), (line!.Amount, line.ReversesEntry!.Value));

        Assert.Equal("entry.already-reversed",
            await Problems.AssertProblemAsync(await chair.PostAsJsonAsync($"{url}/entries/1/reversal", new { reason = "again" }), HttpStatusCode.Conflict));
        Assert.Equal("entry.reverse-reversal",
            await Problems.AssertProblemAsync(await chair.PostAsJsonAsync($"{url}/entries/2/reversal", new { reason = "undo" }), HttpStatusCode.Conflict));
        var original = await chair.GetFromJsonAsync<LedgerLine>($"{url}/entries/1");
        Assert.Equal(2, original!.ReversedByEntry);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RetriedRecord_WithSameKey_WritesOnce_AndChangedBodyIsConflict(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        HttpRequestMessage Request(int amount) => new(HttpMethod.Post, $"/api/v1/villages/{v.VillageCode}/households/1/entries")
        {
            Headers = { { "Idempotency-Key", "patrol-7f3a" } },
            Content = JsonContent.Create(new { amount, kind = "Award", reason = "主动清理卫生死角" }),
        };

        var first = await (await chair.SendAsync(Request(5))).Content.ReadFromJsonAsync<LedgerLine>();
        var second = await (await chair.SendAsync(Request(5))).Content.ReadFromJsonAsync<LedgerLine>();
        Assert.Equal(first!.Number, second!.Number);
        Assert.Equal("idempotency.conflict", await Problems.AssertProblemAsync(await chair.SendAsync(Request(50)), HttpStatusCode.Conflict));
        await using var db = app.NewContext();
        Assert.Equal(5, await db.HouseholdBalances.Where(b => b.VillageId == v.VillageId).Select(b => b.Total).SingleAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task TwentyCadresScoringOneHousehold_AtOnce_AllLand_AndTheChainHolds(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var responses = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            chair.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries", new { amount = i % 2 == 0 ? 10 : -5, kind = i % 2 == 0 ? "Award" : "Deduction", reason = $"第{i}次记录" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        await using var db = app.NewContext();
        var numbers = await db.LedgerEntries.Where(e => e.VillageId == v.VillageId).Select(e => e.Number).OrderBy(n => n).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), numbers);
        Assert.Equal(10 * 10 - 5 * 10, await db.HouseholdBalances.Where(b => b.VillageId == v.VillageId).Select(b => b.Total).SingleAsync());
        Assert.True((await new LedgerVerifier(db).VerifyAsync(v.VillageCode)).Sound);
    }

    public static TheoryData<DatabaseProvider, string> BadEntries()
    {
        var data = new TheoryData<DatabaseProvider, string>();
        foreach (var p in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(p, """{"amount":0,"kind":"Award","reason":"x"}""");
            data.Add(p, """{"amount":-5,"kind":"Award","reason":"x"}""");
            data.Add(p, """{"amount":5,"kind":"Redemption","reason":"x"}""");
            data.Add(p, """{"amount":5,"kind":"Award","reason":""}""");
            data.Add(p, $$"""{"amount":5,"kind":"Award","reason":"{{new string('好', 201)}}"}""");
            data.Add(p, """{"amount":999999999,"kind":"Award","reason":"x"}""");
            data.Add(p, """{"amount":"五","kind":"Award","reason":"x"}""");
            data.Add(p, """{"amount":5,"kind":"Gift","reason":"x"}""");
            data.Add(p, """[1,2,3]""");
        }
        return data;
    }

    [Theory, MemberData(nameof(BadEntries))]
    public async Task Record_WithBadInput_AnswersClientProblem_AndLeavesLedgerUntouched(DatabaseProvider provider, string body)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var response = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var status = (int)response.StatusCode;
        Assert.True(status is 400 or 422, $"Expected 400 or 422, got {status}: {await response.Content.ReadAsStringAsync()}");
        await Problems.AssertProblemAsync(response, response.StatusCode);
        await using var db = app.NewContext();
        Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ChainHead_MatchesLastEntry(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var line = await (await chair.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries",
            new { amount = 10, kind = "Award", reason = "红白事简办" })).Content.ReadFromJsonAsync<LedgerLine>();

        var head = await chair.GetFromJsonAsync<ChainHead>($"/api/v1/villages/{v.VillageCode}/ledger/head");
        Assert.Equal((1L, line!.Hash), (head!.LastEntryNumber, head.LastHash));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DoubleTappedReversal_WithOneKeyAtOnce_AnswersTheSameReversalEveryTime(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var url = $"/api/v1/villages/{v.VillageCode}";
        Assert.Equal(HttpStatusCode.Created, (await chair.PostAsJsonAsync($"{url}/households/1/entries",
            new { amount = 10, kind = "Award", reason = "参与志愿服务" })).StatusCode);

        HttpRequestMessage Tap() => new(HttpMethod.Post, $"{url}/entries/1/reversal")
        {
            Headers = { { "Idempotency-Key", "reverse-1-tap" } },
            Content = JsonContent.Create(new { reason = "录入错误" }),
        };
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => chair.SendAsync(Tap())));

        foreach (var response in responses)
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var lines = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<LedgerLine>()));
        Assert.All(lines, line => Assert.Equal(2L, line!.Number));
        await using var db = app.NewContext();
        Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
        Assert.Equal(0, await db.HouseholdBalances.Where(b => b.VillageId == v.VillageId).Select(b => b.Total).SingleAsync());
    }

    public static TheoryData<DatabaseProvider, string, string> ImpossibleDates()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var p in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(p, "9999-12-31", "entry.occurred-on-future");
            data.Add(p, "0001-01-01", "entry.occurred-on-too-early");
        }
        return data;
    }

    [Theory, MemberData(nameof(ImpossibleDates))]
    public async Task Record_WithADateInTheFutureOrBeforeTheVillageStarted_Is422_AndRecordsNothing(DatabaseProvider provider, string occurredOn,
        string code)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var response = await chair.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries",
            new { amount = 5, kind = "Award", reason = "打扫村道", occurredOn });

        Assert.Equal(code, await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
        await using var db = app.NewContext();
        Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReversingABaseGrant_IsAConflict(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 0);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var url = $"/api/v1/villages/{v.VillageCode}";
        Assert.Equal(HttpStatusCode.Created, (await chair.PostAsJsonAsync($"{url}/households",
            new { groupNumber = 1, headName = "陈大文", members = Array.Empty<object>() })).StatusCode);

        var response = await chair.PostAsJsonAsync($"{url}/entries/1/reversal", new { reason = "开户有误" });

        Assert.Equal("entry.reverse-base-grant", await Problems.AssertProblemAsync(response, HttpStatusCode.Conflict));
    }

    [Theory]
    [InlineData("", "发生日期不能晚于今天。")]
    [InlineData("?culture=en-US&ui-culture=en-US", "The date it happened cannot be later than today.")]
    public async Task Record_WithAFutureDate_SaysWhyInTheUsersLanguage(string culture, string detail)
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var response = await chair.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries{culture}",
            new { amount = 5, kind = "Award", reason = "打扫村道", occurredOn = "9999-12-31" });

        Assert.Equal("entry.occurred-on-future", await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(detail, json.RootElement.GetProperty("detail").GetString());
    }
}
