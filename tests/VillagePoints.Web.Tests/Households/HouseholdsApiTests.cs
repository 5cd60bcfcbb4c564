using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Households;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Households;

public sealed class HouseholdsApiTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Register_OpensArchiveWithBaseGrant_AndFindsItByFullWidthPhone(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 0);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var created = await chair.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households",
            new { groupNumber = 1, headName = "黄建国", phone = "１３８ ００１３-８０００", members = new[] { new { name = "黄小梅", relation = "子女" } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var detail = await created.Content.ReadFromJsonAsync<HouseholdDetail>();
        Assert.Equal(100, detail!.Balance);
        Assert.Equal("13800138000", detail.Phone);
        Assert.Equal(2, detail.Members!.Count);

        var found = await chair.GetFromJsonAsync<HouseholdSearchPage>($"/api/v1/villages/{v.VillageCode}/households?q={Uri.EscapeDataString("+86 138 0013 8000")}");
        Assert.Equal("黄建国", Assert.Single(found!.Households).HeadName);
        var byMember = await chair.GetFromJsonAsync<HouseholdSearchPage>($"/api/v1/villages/{v.VillageCode}/households?q={Uri.EscapeDataString("小梅")}");
        Assert.Single(byMember!.Households);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Register_WithSameKey_ReturnsFirstHousehold_AndDifferentBodyIsConflict(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 0);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var url = $"/api/v1/villages/{v.VillageCode}/households";

        HttpRequestMessage Request(string head) => new(HttpMethod.Post, url)
        {
            Headers = { { "Idempotency-Key", "reg-001" } },
            Content = JsonContent.Create(new { groupNumber = 1, headName = head, members = Array.Empty<object>() }),
        };

        var first = await (await chair.SendAsync(Request("陈大文"))).Content.ReadFromJsonAsync<HouseholdDetail>();
        var retried = await chair.SendAsync(Request("陈大文"));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(first!.Number, (await retried.Content.ReadFromJsonAsync<HouseholdDetail>())!.Number);

        var conflict = await chair.SendAsync(Request("陈小文"));
        Assert.Equal("idempotency.conflict", await Problems.AssertProblemAsync(conflict, HttpStatusCode.Conflict));

        await using var db = app.NewContext();
        Assert.Equal(1, await db.Households.CountAsync(h => h.VillageId == v.VillageId));
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Register_KeepsHostileTextAsText(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 0);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var hostile = "<script>alert(1)</script>";

        var created = await chair.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households", new { groupNumber = 1, headName = hostile, members = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // JSON with nosniff is never rendered as HTML; the page tests prove the HTML encodes it.
        Assert.Equal("application/json", created.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", created.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(hostile, (await created.Content.ReadFromJsonAsync<HouseholdDetail>())!.HeadName);
    }

    public static TheoryData<DatabaseProvider, string, HttpStatusCode> BadBodies()
    {
        var data = new TheoryData<DatabaseProvider, string, HttpStatusCode>();
        foreach (var p in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(p, """{"groupNumber":1,"headName":"张三",""", HttpStatusCode.BadRequest);
            data.Add(p, """{"groupNumber":"一","headName":"张三"}""", HttpStatusCode.BadRequest);
            data.Add(p, """{"groupNumber":１,"headName":"张三"}""", HttpStatusCode.BadRequest);
            data.Add(p, """{"groupNumber":1,"headName":"   "}""", HttpStatusCode.UnprocessableEntity);
            data.Add(p, $$"""{"groupNumber":1,"headName":"{{new string('张', 41)}}"}""", HttpStatusCode.UnprocessableEntity);
            data.Add(p, """{"groupNumber":1,"headName":"张三","phone":"12345"}""", HttpStatusCode.UnprocessableEntity);
            data.Add(p, """{"groupNumber":9,"headName":"张三"}""", HttpStatusCode.NotFound);
            data.Add(p, """{"groupNumber":1,"headName":"张三😀","members":[{"name":"","relation":"子女"}]}""", HttpStatusCode.UnprocessableEntity);
        }
        return data;
    }

    [Theory, MemberData(nameof(BadBodies))]
    public async Task Register_WithBadInput_AnswersProblem_AndWritesNothing(DatabaseProvider provider, string body, HttpStatusCode status)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 0);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var response = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/households", new StringContent(body, Encoding.UTF8, "application/json"));

        await Problems.AssertProblemAsync(response, status);
        await using var db = app.NewContext();
        Assert.Equal(0, await db.Households.CountAsync(h => h.VillageId == v.VillageId));
        Assert.Equal(0, await db.People.CountAsync(p => p.VillageId == v.VillageId));
    }

    [Fact]
    public async Task Register_WithHugePayload_IsRefusedAsTooLarge()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 0);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var body = $$"""{"groupNumber":1,"headName":"{{new string('x', 2_000_000)}}"}""";

        var response = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/households", new StringContent(body, Encoding.UTF8, "application/json"));

        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UnknownHousehold_IsNotFoundProblem(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var code = await Problems.AssertProblemAsync(await chair.GetAsync($"/api/v1/villages/{v.VillageCode}/households/999"), HttpStatusCode.NotFound);
        Assert.Equal("household.not-found", code);
    }
}
