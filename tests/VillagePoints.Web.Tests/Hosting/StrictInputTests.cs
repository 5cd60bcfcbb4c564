using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>Input that used to end in a 500 or in a silently different write is refused with a problem in the user's language.</summary>
public sealed class StrictInputTests
{
    /// <summary>
    /// As a client escapes them in JSON: NUL, another control character, a right-to-left override, an isolate,
    /// a zero-width space, a line separator. (The JSON reader itself refuses a lone surrogate.)
    /// </summary>
    public static TheoryData<DatabaseProvider, string> ForbiddenCharacters()
    {
        var data = new TheoryData<DatabaseProvider, string>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            foreach (var escaped in new[] { @"\u0000", @"\u0007", @"\u202E", @"\u2067", @"\u200B", @"\u2028" })
                data.Add(provider, escaped);
        }
        return data;
    }

    [Theory, MemberData(nameof(ForbiddenCharacters))]
    public async Task RecordedReason_WithAControlOrInvisibleFormattingCharacter_IsRefused_AndNothingIsWritten(DatabaseProvider provider, string escaped)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var response = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries",
            Raw($$"""{"amount":10,"kind":"Award","reason":"清理卫生{{escaped}}01+"}"""));

        Assert.Equal(StoredText.ForbiddenCode, await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
        await using var db = app.NewContext();
        Assert.False(await db.LedgerEntries.AnyAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ForbiddenCharacters_AreExplainedInTheUsersLanguage(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var body = new { amount = 10, kind = "Award", reason = "清理\u202E卫生" };

        var chinese = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries", Json(body));
        var english = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries?culture=en-US", Json(body));

        Assert.Contains("控制字符", await DetailAsync(chinese), StringComparison.Ordinal);
        Assert.Contains("control character", await DetailAsync(english), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReversalReason_WithABidiOverride_IsRefused(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var url = $"/api/v1/villages/{v.VillageCode}";
        Assert.Equal(HttpStatusCode.Created,
            (await chair.PostAsync($"{url}/households/1/entries", Json(new { amount = 10, kind = "Award", reason = "参与志愿服务" }))).StatusCode);

        var reversal = await chair.PostAsync($"{url}/entries/1/reversal", Json(new { reason = "异议成立\u202E" }));

        Assert.Equal(StoredText.ForbiddenCode, await Problems.AssertProblemAsync(reversal, HttpStatusCode.UnprocessableEntity));
        await using var db = app.NewContext();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task HouseholdRegistration_WithNulInTheAddress_OrAnOverrideInAName_IsRefused_AndNoHouseholdIsOpened(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 0);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var url = $"/api/v1/villages/{v.VillageCode}/households";

        var nulAddress = await chair.PostAsync(url, Json(new { groupNumber = 1, headName = "黄建国", address = "水心村\u0000一巷", members = Array.Empty<object>() }));
        var overriddenHead = await chair.PostAsync(url, Json(new { groupNumber = 1, headName = "黄\u202E建国", members = Array.Empty<object>() }));
        var overriddenMember = await chair.PostAsync(url, Json(new { groupNumber = 1, headName = "黄建国", members = new[] { new { name = "黄\u2066小梅", relation = "子女" } } }));

        Assert.Equal(StoredText.ForbiddenCode, await Problems.AssertProblemAsync(nulAddress, HttpStatusCode.UnprocessableEntity));
        Assert.Equal(StoredText.ForbiddenCode, await Problems.AssertProblemAsync(overriddenHead, HttpStatusCode.UnprocessableEntity));
        Assert.Equal(StoredText.ForbiddenCode, await Problems.AssertProblemAsync(overriddenMember, HttpStatusCode.UnprocessableEntity));
        await using var db = app.NewContext();
        Assert.False(await db.Households.AnyAsync(h => h.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task HouseholdRegistration_WithANullMember_IsAProblem_NotAServerError(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 0);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var response = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/households",
            Raw("""{"groupNumber":1,"headName":"黄建国","members":[null]}"""));

        Assert.Equal("household.member-missing", await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
        await using var db = app.NewContext();
        Assert.False(await db.Households.AnyAsync(h => h.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task HouseholdSearch_WithNul_IsAProblem_OnTheApi_AndAMessageOnTheRegisterPage(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 2);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var api = await chair.GetAsync($"/api/v1/villages/{v.VillageCode}/households?q=%E6%B5%8B%00");
        var page = await chair.GetAsync($"/villages/{v.VillageCode}?q=%E6%B5%8B%00");

        Assert.Equal(StoredText.ForbiddenCode, await Problems.AssertProblemAsync(api, HttpStatusCode.UnprocessableEntity));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        var errorPage = await chair.GetStringAsync(page.Headers.Location);
        Assert.Contains("控制字符", errorPage, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DuplicateJsonProperty_IsRefused_AndNothingIsRecorded(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));

        var url = $"/api/v1/villages/{v.VillageCode}/households/1/entries";

        var repeated = await chair.PostAsync(url, Raw("""{"amount":5,"kind":"Award","reason":"清理卫生死角","amount":100000}"""));
        var repeatedInOtherCase = await chair.PostAsync(url, Raw("""{"amount":5,"kind":"Award","reason":"清理卫生死角","Amount":100000}"""));

        Assert.Equal("request.malformed", await Problems.AssertProblemAsync(repeated, HttpStatusCode.BadRequest));
        Assert.Equal("request.malformed", await Problems.AssertProblemAsync(repeatedInOtherCase, HttpStatusCode.BadRequest));
        await using var db = app.NewContext();
        Assert.False(await db.LedgerEntries.AnyAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task NumbersSentAsText_AreRefused_WhileHeadersAndRouteNumbersStillBind(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var url = $"/api/v1/villages/{v.VillageCode}";

        foreach (var body in new[]
        {
            """{"amount":"5","kind":"Award","reason":"清理卫生死角"}""",
            """{"amount":"５","kind":"Award","reason":"清理卫生死角"}""",
        })
        {
            var refused = await chair.PostAsync($"{url}/households/1/entries", Raw(body));
            Assert.Equal("request.malformed", await Problems.AssertProblemAsync(refused, HttpStatusCode.BadRequest));
        }
        var register = await chair.PostAsync($"{url}/households", Raw("""{"groupNumber":"1","headName":"黄建国","members":[]}"""));
        Assert.Equal("request.malformed", await Problems.AssertProblemAsync(register, HttpStatusCode.BadRequest));

        using var accepted = new HttpRequestMessage(HttpMethod.Post, $"{url}/households/1/entries")
        {
            Headers = { { "Idempotency-Key", "strict-numbers-1" } },
            Content = Raw("""{"amount":5,"kind":"Award","reason":"清理卫生死角"}"""),
        };
        Assert.Equal(HttpStatusCode.Created, (await chair.SendAsync(accepted)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await chair.GetAsync($"{url}/households/1/ledger?take=1")).StatusCode);
        await using var db = app.NewContext();
        Assert.Equal(5, await db.HouseholdBalances.Where(b => b.VillageId == v.VillageId).Select(b => b.Total).SingleAsync());
    }

    private static StringContent Json(object body) => Raw(JsonSerializer.Serialize(body));

    private static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(StoredText.ForbiddenCode, json.RootElement.GetProperty("code").GetString());
        return json.RootElement.GetProperty("detail").GetString()!;
    }
}
