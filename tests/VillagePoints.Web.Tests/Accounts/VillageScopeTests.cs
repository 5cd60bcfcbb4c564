using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Accounts;

/// <summary>Walks the app's own route table, so a new endpoint cannot escape the scope check unnoticed.</summary>
public sealed class VillageScopeTests
{
    private const string VillagePrefix = "/api/v1/villages/{villageCode}";

    // Endpoints outside any village: who may call them is checked by their own tests.
    private static readonly string[] Unscoped = ["POST /api/v1/auth/token", "GET /api/v1/me", "GET /api/v1/villages"];

    private const string AnyBody = """{"amount":5,"kind":"Award","reason":"清理卫生死角","groupNumber":1,"headName":"王五","members":[]}""";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EveryApiEndpoint_IsVillageScopedOrKnown(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        foreach (var (method, pattern, endpoint) in ApiEndpoints(app))
        {
            var scoped = endpoint.Metadata.GetMetadata<VillageScopeMetadata>() is not null;
            if (pattern.StartsWith(VillagePrefix, StringComparison.Ordinal))
                Assert.True(scoped, $"{method} {pattern} lives under a village but has no RequireVillage.");
            else
                Assert.True(scoped || Unscoped.Contains($"{method} {pattern}"), $"{method} {pattern} is neither village-scoped nor a known unscoped endpoint.");
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UserOfVillageA_CannotReadOrChangeVillageB_OnAnyEndpoint(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 2);
        var b = await VillageBuilder.ArrangeAsync(app.Database, 2);
        await GrantBaseAsync(app, b);
        var chairOfA = await app.ClientAsync(TestApp.In(a, Role.CommitteeChair));
        var before = await SnapshotAsync(app, b);

        var checkedCount = 0;
        foreach (var (method, pattern, _) in ApiEndpoints(app).Where(e => e.Pattern.StartsWith("/api/v1/villages/{villageCode}", StringComparison.Ordinal)))
        {
            var response = await SendAsync(chairOfA, method, Fill(pattern, b.VillageCode));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {pattern} as A's chair on village B gave {(int)response.StatusCode}: {body}");
            Assert.DoesNotContain("测试户", body, StringComparison.Ordinal);
            checkedCount++;
        }

        Assert.True(checkedCount >= 8, $"Expected at least 8 village endpoints, found {checkedCount}.");
        Assert.Equal(before, await SnapshotAsync(app, b));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Anonymous_GetsUnauthorized_OnEveryEndpointButLogin(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var client = app.Anonymous();
        foreach (var (method, pattern, _) in ApiEndpoints(app).Where(e => e.Pattern != "/api/v1/auth/token"))
        {
            var response = await SendAsync(client, method, Fill(pattern, a.VillageCode));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {pattern} anonymously gave {(int)response.StatusCode}");
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Villager_SeesOwnHouseholdOnly_AndCannotWrite(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 2);
        await GrantBaseAsync(app, a);
        var villager = await app.ClientAsync(TestApp.In(a, Role.Villager, householdNumber: 1));
        var v = a.VillageCode;

        Assert.Equal(HttpStatusCode.OK, (await villager.GetAsync($"/api/v1/villages/{v}/households/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await villager.GetAsync($"/api/v1/villages/{v}/households/1/ledger")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await villager.GetAsync($"/api/v1/villages/{v}/households/2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await villager.GetAsync($"/api/v1/villages/{v}/households/2/ledger")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await villager.GetAsync($"/api/v1/villages/{v}/entries/2")).StatusCode);
        await Problems.AssertProblemAsync(await villager.GetAsync($"/api/v1/villages/{v}/households?q=测试"), HttpStatusCode.Forbidden);
        var write = await villager.PostAsync($"/api/v1/villages/{v}/households/1/entries", Json(AnyBody));
        await Problems.AssertProblemAsync(write, HttpStatusCode.Forbidden);
        await using var db = app.NewContext();
        Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.VillageId == a.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task TownViewer_ReadsVillagesOfTheTown_ButWritesNothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var other = await VillageBuilder.ArrangeAsync(app.Database, 1);
        await GrantBaseAsync(app, a);
        var viewer = await app.ClientAsync(new RoleAssignment { Role = Role.TownViewer, TownId = a.TownId });

        var visible = await viewer.GetFromJsonAsync<List<VillageCodeOnly>>("/api/v1/villages");
        Assert.Equal([a.VillageCode], visible!.Select(x => x.Code).ToList());
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/v1/villages/{a.VillageCode}/households/1/ledger")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/api/v1/villages/{other.VillageCode}/households/1")).StatusCode);
        await Problems.AssertProblemAsync(await viewer.PostAsync($"/api/v1/villages/{a.VillageCode}/entries/1/reversal", Json("""{"reason":"x"}""")),
            HttpStatusCode.Forbidden);
    }

    private sealed record VillageCodeOnly(string Code);

    internal static IEnumerable<(string Method, string Pattern, RouteEndpoint Endpoint)> ApiEndpoints(TestApp app)
    {
        var sources = app.Factory.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, e.RoutePattern.RawText!.TrimEnd('/'), e)))
            .ToList();
    }

    private static string Fill(string pattern, string villageCode) => pattern
        .Replace("{villageCode}", villageCode, StringComparison.Ordinal)
        .Replace("{householdNo:int}", "1", StringComparison.Ordinal)
        .Replace("{entryNo:long}", "1", StringComparison.Ordinal)
        .Replace("{recordNo:long}", "1", StringComparison.Ordinal);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = method is "GET" or "HEAD" ? null : Json(AnyBody),
        });

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task GrantBaseAsync(TestApp app, ArrangedVillage v)
    {
        await using var db = app.NewContext();
        var posting = new LedgerPosting(db, TimeProvider.System);
        foreach (var id in v.HouseholdIds)
            await posting.PostAsync(new PostEntry(v.VillageId, id, 100, EntryKind.BaseGrant, "基础分", SourceKinds.Opening, State: EntryState.Effective));
    }

    private static async Task<string> SnapshotAsync(TestApp app, ArrangedVillage v)
    {
        await using var db = app.NewContext();
        var entries = await db.LedgerEntries.Where(e => e.VillageId == v.VillageId).OrderBy(e => e.Number).Select(e => e.Hash).ToListAsync();
        var households = await db.Households.Where(h => h.VillageId == v.VillageId).CountAsync();
        var balances = await db.HouseholdBalances.Where(b => b.VillageId == v.VillageId).SumAsync(b => b.Total);
        return $"{households}|{balances}|{string.Join(",", entries)}";
    }
}
