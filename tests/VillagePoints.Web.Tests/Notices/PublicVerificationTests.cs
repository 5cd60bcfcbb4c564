using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Notices;

/// <summary>
/// Anyone, signed in or not, checks a chain head printed on a notice, by the API or on the page. Tampering is done
/// with raw SQL, as someone with database access could.
/// </summary>
public sealed class PublicVerificationTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Api_PrintedHeadOfAnUntouchedLedger_AnswersIntactWithoutLogin(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLedgerAsync(app);
        var hash = await HashOfAsync(app, v, 3);

        var response = await app.Anonymous().GetAsync(PublicVerification.ApiPathFor(v.VillageCode, 3, hash.ToUpperInvariant()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var answer = json.RootElement;
        Assert.True(answer.GetProperty("intact").GetBoolean());
        Assert.Equal((v.VillageCode, 3L, hash, 3L), (answer.GetProperty("villageCode").GetString(), answer.GetProperty("entry").GetInt64(),
            answer.GetProperty("hash").GetString(), answer.GetProperty("checkedEntries").GetInt64()));
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("firstDifferingEntry").ValueKind);
        Assert.Equal("账本未被改动：测试村积分账本的第 1 至第 3 条记录与公示时完全一致，每一条都已重新核算。", answer.GetProperty("message").GetString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Api_AmountChangedInTheDatabase_NamesThatEntry(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLedgerAsync(app);
        var hash = await HashOfAsync(app, v, 4);

        await SetAmountWithSqlAsync(app, v, entryNumber: 2, amount: 150);
        var answer = await app.Anonymous().GetFromJsonAsync<JsonElement>(PublicVerification.ApiPathFor(v.VillageCode, 4, hash));
        var english = await app.Anonymous().GetFromJsonAsync<JsonElement>(PublicVerification.ApiPathFor(v.VillageCode, 4, hash) + "&culture=en-US&ui-culture=en-US");

        Assert.False(answer.GetProperty("intact").GetBoolean());
        Assert.Equal(2, answer.GetProperty("firstDifferingEntry").GetInt64());
        Assert.Equal(2, answer.GetProperty("checkedEntries").GetInt64());
        Assert.StartsWith("第 2 条记录与公示时不一致：这条记录在公示之后被改动或删除过", answer.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Entry 2 differs from the notice. This entry was changed or removed", english.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Api_EntryChangedAfterThePrintedHead_StillAnswersIntact(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLedgerAsync(app);
        var hash = await HashOfAsync(app, v, 2);

        await SetAmountWithSqlAsync(app, v, entryNumber: 3, amount: 99);
        var answer = await app.Anonymous().GetFromJsonAsync<JsonElement>(PublicVerification.ApiPathFor(v.VillageCode, 2, hash));

        Assert.True(answer.GetProperty("intact").GetBoolean(), answer.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("entry=3&hash=abc", "verification.hash-malformed")]
    [InlineData("entry=3", "verification.hash-malformed")]
    [InlineData("entry=3&hash=gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg", "verification.hash-malformed")]
    [InlineData("entry=x&hash=0000000000000000000000000000000000000000000000000000000000000000", "verification.entry-malformed")]
    [InlineData("entry=0&hash=0000000000000000000000000000000000000000000000000000000000000000", "verification.entry-malformed")]
    [InlineData("hash=0000000000000000000000000000000000000000000000000000000000000000", "verification.entry-malformed")]
    [InlineData("entry=99&hash=0000000000000000000000000000000000000000000000000000000000000000", "verification.entry-unknown")]
    public async Task Api_MalformedOrUnknownHead_Is422ProblemWithItsCode(string query, string code)
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeLedgerAsync(app);

        var response = await app.Anonymous().GetAsync($"/api/v1/public/villages/{v.VillageCode}/verification?{query}");

        Assert.Equal(code, await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Api_MalformedHash_IsRefusedOnBothDatabases(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLedgerAsync(app);

        var response = await app.Anonymous().GetAsync($"/api/v1/public/villages/{v.VillageCode}/verification?entry=1&hash=not-a-hash");

        Assert.Equal("verification.hash-malformed", await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Api_UnknownVillage_Is404Problem(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLedgerAsync(app);
        var hash = await HashOfAsync(app, v, 1);

        var response = await app.Anonymous().GetAsync(PublicVerification.ApiPathFor("no-such-village", 1, hash));

        Assert.Equal("village.not-found", await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Api_TooManyChecksFromOneClient_Is429ProblemWithRetryAfter()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:PublicPerMinute"] = "2" });
        var v = await ArrangeLedgerAsync(app);
        var url = PublicVerification.ApiPathFor(v.VillageCode, 1, await HashOfAsync(app, v, 1));
        var client = app.Anonymous();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        var refused = await client.GetAsync(url);

        Assert.Equal("public.rate-limited", await Problems.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests));
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task Page_TooManyChecksFromOneClient_ShowsTheErrorPageWithStatus429()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:PublicPerMinute"] = "1" });
        var v = await ArrangeLedgerAsync(app);
        var url = PublicVerification.PathFor(v.VillageCode, 1, await HashOfAsync(app, v, 1));
        var client = app.Anonymous();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        var refused = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("尝试次数太多，请过一分钟再试。", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Page_OpenedFromTheNoticesQrCode_ShowsTheGreenAnswerWithTheFigures(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLedgerAsync(app);
        var hash = await HashOfAsync(app, v, 4);

        var response = await app.Anonymous().GetAsync(PublicVerification.PathFor(v.VillageCode, 4, hash));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("verification-answer verification-intact", html, StringComparison.Ordinal);
        Assert.Contains(">账本未被改动</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>第 4 条</dd>", html, StringComparison.Ordinal);
        Assert.Contains($"<code class=\"verification-hash\">{hash}</code>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>4 条</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("verification-differs", html, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Page_AmountChangedInTheDatabase_SaysWhichEntryDiffersInRed(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await ArrangeLedgerAsync(app);
        var hash = await HashOfAsync(app, v, 4);

        await SetAmountWithSqlAsync(app, v, entryNumber: 3, amount: 40);
        var html = await app.Anonymous().GetStringAsync(PublicVerification.PathFor(v.VillageCode, 4, hash));

        Assert.Contains("verification-answer verification-differs", html, StringComparison.Ordinal);
        Assert.Contains(">第 3 条记录与公示时不一致</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>最先不一致的记录</dt>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WholeHeadPastedIntoOneField_IsSplitAndChecked()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeLedgerAsync(app);
        var hash = await HashOfAsync(app, v, 2);

        var html = await app.Anonymous().GetStringAsync($"/public/villages/{v.VillageCode}/verification?entry={Uri.EscapeDataString($" 2:{hash.ToUpperInvariant()} ")}&hash=");

        Assert.Contains(">账本未被改动</h2>", html, StringComparison.Ordinal);
        Assert.Contains("name=\"entry\" value=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains($"{hash}</textarea>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_MalformedHash_ShowsTheMessageBesideTheFieldInTheUsersLanguage()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeLedgerAsync(app);

        var response = await app.Anonymous().GetAsync($"/public/villages/{v.VillageCode}/verification?entry=2&hash=12ab");
        var html = await response.Content.ReadAsStringAsync();
        var english = await app.Anonymous().GetStringAsync($"/public/villages/{v.VillageCode}/verification?entry=2&hash=12ab&culture=en-US&ui-culture=en-US");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<span id=\"hash-error\" class=\"field-error\">哈希值要填 64 位数字和字母（0–9、a–f），就是校验码冒号后面的那一串。</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("verification-answer", html, StringComparison.Ordinal);
        Assert.Contains("The hash must be 64 digits and letters", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_EntryBeyondTheLedger_SaysSoBesideTheEntryField()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeLedgerAsync(app);
        var hash = await HashOfAsync(app, v, 1);

        var html = await app.Anonymous().GetStringAsync(PublicVerification.PathFor(v.VillageCode, 40, hash));

        Assert.Contains("<span id=\"entry-error\" class=\"field-error\">这个村的账本还没有这条记录。", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WithoutAHead_ShowsTheEmptyForm_AndAnUnknownVillageIsNotFound()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeLedgerAsync(app);

        var form = await app.Anonymous().GetAsync($"/public/villages/{v.VillageCode}/verification");
        var unknown = await app.Anonymous().GetAsync("/public/villages/no-such-village/verification");

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var html = await form.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"get\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("verification-answer", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public void PathFor_WritesTheHeadIntoTheQuery_InLowerCase()
    {
        var hash = new string('A', 64);

        Assert.Equal($"/public/villages/shuixin/verification?entry=70123&hash={new string('a', 64)}", PublicVerification.PathFor("shuixin", 70123, hash));
        Assert.Equal($"/public/villages/shuixin/verification?entry=5&hash={new string('a', 64)}",
            PublicVerification.PathFor("shuixin", new NoticeChainHead(5, hash)));
    }

    /// <summary>Two households with base grants, then an award and a deduction: entries 1–4.</summary>
    private static async Task<ArrangedVillage> ArrangeLedgerAsync(TestApp app)
    {
        var v = await VillageBuilder.ArrangeAsync(app.Database, 2);
        await using var db = app.NewContext();
        await new LedgerPosting(db, TimeProvider.System).PostBatchAsync(v.VillageId,
        [
            new PostEntry(v.VillageId, v.HouseholdIds[0], 100, EntryKind.BaseGrant, "基础分", SourceKinds.Opening),
            new PostEntry(v.VillageId, v.HouseholdIds[1], 100, EntryKind.BaseGrant, "基础分", SourceKinds.Opening),
            new PostEntry(v.VillageId, v.HouseholdIds[0], 10, EntryKind.Award, "参与志愿服务", SourceKinds.Patrol),
            new PostEntry(v.VillageId, v.HouseholdIds[1], -5, EntryKind.Deduction, "乱倒垃圾", SourceKinds.Patrol),
        ]);
        return v;
    }

    private static async Task<string> HashOfAsync(TestApp app, ArrangedVillage v, long number)
    {
        await using var db = app.NewContext();
        return await db.LedgerEntries.Where(e => e.VillageId == v.VillageId && e.Number == number).Select(e => e.Hash).SingleAsync();
    }

    /// <summary>Someone with database access changes an amount and nothing else.</summary>
    private static async Task SetAmountWithSqlAsync(TestApp app, ArrangedVillage v, long entryNumber, int amount)
    {
        await using var db = app.NewContext();
        var rows = await db.Database.ExecuteSqlAsync($"""
            UPDATE "LedgerEntries" SET "Amount" = {amount}
            WHERE "Number" = {entryNumber} AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        Assert.Equal(1, rows);
    }
}
