using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
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

/// <summary>Walks the app's own route table, API endpoints and pages with every handler, so nothing new can escape the scope check unnoticed.</summary>
public sealed class VillageScopeTests
{
    private const string VillagePrefix = "/api/v1/villages/{villageCode}";

    // Endpoints outside any village: who may call them is checked by their own tests.
    private static readonly string[] Unscoped = ["POST /api/v1/auth/token", "POST /api/v1/auth/refresh", "POST /api/v1/auth/logout", "POST /api/v1/auth/password", "GET /api/v1/me", "GET /api/v1/villages",
        "GET /api/v1/notifications", "POST /api/v1/notifications/read"];

    // Public routes: no login, no village scope, a rate limit. Nothing else may answer anonymously under a village.
    private static readonly string[] PublicApiPrefixes = ["/api/v1/public/"];
    private static readonly string[] PublicPagePrefixes = ["public/"];

    private static bool IsPublicApi(string pattern) => PublicApiPrefixes.Any(p => pattern.StartsWith(p, StringComparison.Ordinal));

    private static bool IsPublicPage(string route) => PublicPagePrefixes.Any(p => route.StartsWith(p, StringComparison.Ordinal));

    private const string AnyBody = """{"amount":5,"kind":"Award","reason":"清理卫生死角","groupNumber":1,"headName":"王五","members":[]}""";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EveryApiEndpoint_IsVillageScopedOrKnown(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        foreach (var (method, pattern, endpoint) in ApiEndpoints(app))
        {
            var scoped = endpoint.Metadata.GetMetadata<VillageScopeAttribute>() is not null;
            if (IsPublicApi(pattern))
            {
                Assert.False(scoped, $"{method} {pattern} is public but carries a village scope.");
                Assert.True(endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null, $"{method} {pattern} is public but not anonymous.");
                Assert.True(endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>() is not null, $"{method} {pattern} is public but has no rate limit.");
            }
            else if (pattern.StartsWith(VillagePrefix, StringComparison.Ordinal))
                Assert.True(scoped, $"{method} {pattern} lives under a village but has no RequireVillage.");
            else
                Assert.True(scoped || Unscoped.Contains($"{method} {pattern}") || IsPublicApi(pattern),
                    $"{method} {pattern} is neither village-scoped nor a known unscoped endpoint.");
            Assert.True(endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null || IsPublicApi(pattern)
                || pattern.StartsWith("/api/v1/auth/", StringComparison.Ordinal), $"{method} {pattern} allows anonymous callers but is not a known public endpoint.");
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
            Assert.Equal("village.not-found", await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound));
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
        foreach (var (method, pattern, _) in ApiEndpoints(app).Where(e => e.Pattern != "/api/v1/auth/token" && !IsPublicApi(e.Pattern)))
        {
            var response = await SendAsync(client, method, Fill(pattern, a.VillageCode));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {pattern} anonymously gave {(int)response.StatusCode}");
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Anonymous_IsAnswered_OnEveryPublicEndpointAndPage(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        await GrantBaseAsync(app, a);
        string hash;
        await using (var db = app.NewContext())
            hash = await db.LedgerEntries.Where(e => e.VillageId == a.VillageId && e.Number == 1).Select(e => e.Hash).SingleAsync();
        var client = app.Anonymous();
        // Whatever a public route reads from the query, a real chain head of the village is there for it.
        var query = $"?entry=1&hash={hash}";

        var publicApi = ApiEndpoints(app).Where(e => IsPublicApi(e.Pattern)).ToList();
        var publicPages = (await PageEndpointsAsync(app)).Where(p => IsPublicPage(p.Route)).ToList();
        Assert.Contains(publicApi, e => e.Pattern == "/api/v1/public/villages/{villageCode}/verification");
        Assert.Contains(publicPages, p => p.Route == "public/villages/{villageCode}/verification");
        foreach (var (method, pattern, _) in publicApi)
        {
            var response = await SendAsync(client, method, Fill(pattern, a.VillageCode) + query);
            Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.Redirect or HttpStatusCode.InternalServerError),
                $"{method} {pattern} anonymously gave {(int)response.StatusCode}");
        }
        foreach (var page in publicPages)
        {
            Assert.Empty(page.Metadata.GetOrderedMetadata<VillageScopeAttribute>());
            var response = await client.GetAsync(Fill("/" + page.Route, a.VillageCode) + query);
            // A month with no published notice is a 404 page with its message; never a sign-in, a refusal or a failure.
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound,
                $"Page {page.Route} anonymously gave {(int)response.StatusCode} {response.Headers.Location}");
        }
        var answer = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/public/villages/{a.VillageCode}/verification{query}");
        Assert.True(answer.GetProperty("intact").GetBoolean());
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

    // The published notices, for anyone without signing in: they must not carry a village scope, and must answer anonymously.
    private static readonly string[] PublicNoticePages = ["public/villages/{code}/notices", "public/villages/{code}/notices/{month}"];

    // The villager's own shop pages: they read only the signed-in villager's household, never a route's.
    private static readonly string[] MyShopPages = ["my/reservations", "my/receipts", "my/receipts/{number:long}", "my/vouchers"];

    // Pages outside any village: the landing redirect, sign-in and out, the error page, preferences, the villager's home and the place browser.
    private static readonly string[] UnscopedPages = ["", "login", "logout", "error/{code?}", "preferences", "my", "places", "notifications",
        .. PublicNoticePages, .. MyShopPages];

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PublicNoticePages_AnswerAnonymously_WithoutAVillageScope(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var pages = (await PageEndpointsAsync(app)).Where(p => PublicNoticePages.Contains(p.Route)).ToList();

        Assert.Equal(PublicNoticePages.Length, pages.Count);
        foreach (var page in pages)
        {
            Assert.Empty(page.Metadata.GetOrderedMetadata<VillageScopeAttribute>());
            Assert.Equal([("GET", (string?)null)], page.Handlers);
            // An unpublished month answers 404 with its own message, not a sign-in redirect.
            var response = await app.Anonymous().GetAsync(Fill("/" + page.Route, a.VillageCode));
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{page.Route} anonymously gave {(int)response.StatusCode}.");
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EveryPage_UnderAVillage_CarriesTheVillageScope(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var pages = await PageEndpointsAsync(app);

        Assert.True(pages.Count(p => p.Route.Contains("{villageCode}", StringComparison.Ordinal)) >= 2, "Expected the village and household pages.");
        foreach (var page in pages)
        {
            var scope = page.Metadata.GetOrderedMetadata<VillageScopeAttribute>();
            if (IsPublicPage(page.Route))
                Assert.True(scope.Count == 0 && page.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null,
                    $"Page {page.Route} is public, so it must be anonymous and carry no village scope.");
            else if (page.Route.Contains("{villageCode}", StringComparison.Ordinal))
                Assert.True(scope.Count > 0, $"Page {page.Route} lives under a village but carries no village scope.");
            else
                Assert.True(scope.Count > 0 || UnscopedPages.Contains(page.Route), $"Page {page.Route} is neither village-scoped nor a known unscoped page.");
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UserOfVillageA_GetsNotFound_OnEveryPageAndHandlerOfVillageB(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 2);
        var b = await VillageBuilder.ArrangeAsync(app.Database, 2);
        await GrantBaseAsync(app, b);
        var chairOfA = await app.PageClientAsync(TestApp.In(a, Role.CommitteeChair));
        var token = await PageClients.FormTokenAsync(chairOfA, $"/villages/{a.VillageCode}");
        var before = await SnapshotAsync(app, b);

        var checkedCount = 0;
        foreach (var (method, handler, route) in (await PageEndpointsAsync(app)).SelectMany(p => p.Handlers.Select(h => (h.Method, h.Name, p.Route)))
                     .Where(p => p.Route.Contains("{villageCode}", StringComparison.Ordinal) && !IsPublicPage(p.Route)))
        {
            var response = await SendPageAsync(chairOfA, method, handler, Fill("/" + route, b.VillageCode), token);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {route} handler '{handler}' as A's chair on village B gave {(int)response.StatusCode}.");
            Assert.DoesNotContain("测试户", body, StringComparison.Ordinal);
            checkedCount++;
        }

        Assert.True(checkedCount >= 4, $"Expected at least 4 page handlers under a village, found {checkedCount}.");
        Assert.Equal(before, await SnapshotAsync(app, b));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Villager_GetsNotFound_OnEveryHandlerOfAnotherHouseholdsPage(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 2);
        await GrantBaseAsync(app, a);
        var villager = await app.PageClientAsync(TestApp.In(a, Role.Villager, householdNumber: 1));
        var token = await PageClients.FormTokenAsync(villager, "/my");
        var before = await SnapshotAsync(app, a);

        Assert.Equal(HttpStatusCode.OK, (await villager.GetAsync($"/villages/{a.VillageCode}/households/1")).StatusCode);
        // The household's own pages; the patrol (staff only) and the door card's link (a redirect for every role) are tested with their features.
        var householdPages = (await PageEndpointsAsync(app)).Where(p => p.Route.Contains("households/{householdNo", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(householdPages);
        foreach (var (method, handler, route) in householdPages.SelectMany(p => p.Handlers.Select(h => (h.Method, h.Name, p.Route))))
        {
            var url = Fill("/" + route, a.VillageCode).Replace("/households/1", "/households/2", StringComparison.Ordinal);
            var response = await SendPageAsync(villager, method, handler, url, token);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {url} handler '{handler}' as household 1's villager gave {(int)response.StatusCode}.");
            Assert.DoesNotContain("测试户2", body, StringComparison.Ordinal);
        }
        Assert.Equal(before, await SnapshotAsync(app, a));
    }

    public static TheoryData<DatabaseProvider, Role> ViewersWithProviders()
    {
        var data = new TheoryData<DatabaseProvider, Role>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(provider, Role.TownViewer);
            data.Add(provider, Role.ShopClerk);
        }
        return data;
    }

    [Theory, MemberData(nameof(ViewersWithProviders))]
    public async Task Viewer_IsRefused_OnEveryPageWriteHandler_AndNothingChanges(DatabaseProvider provider, Role role)
    {
        await using var app = await TestApp.StartAsync(provider);
        var a = await VillageBuilder.ArrangeAsync(app.Database, 2);
        await GrantBaseAsync(app, a);
        var assignment = role == Role.TownViewer ? new RoleAssignment { Role = Role.TownViewer, TownId = a.TownId } : TestApp.In(a, role);
        var viewer = await app.PageClientAsync(assignment);
        var token = await PageClients.FormTokenAsync(viewer, $"/villages/{a.VillageCode}");
        var before = await SnapshotAsync(app, a);

        // The shop's own pages are the clerk's work, not a viewer's; their writes are tested with the shop.
        var writes = (await PageEndpointsAsync(app)).Where(p => p.Route.Contains("{villageCode}", StringComparison.Ordinal) && !IsPublicPage(p.Route))
            .Where(p => role != Role.ShopClerk || !p.Metadata.GetOrderedMetadata<VillageScopeAttribute>().Any(s => s.Permission == VillagePermission.RunShop))
            .SelectMany(p => p.Handlers.Where(h => h.Method == "POST").Select(h => (h.Name, p.Route))).ToList();
        Assert.NotEmpty(writes);
        foreach (var (handler, route) in writes)
        {
            var response = await SendPageAsync(viewer, "POST", handler, Fill("/" + route, a.VillageCode), token);
            // Refused means the error page: answered in place (403 or 404), or reached by a redirect to it.
            var refused = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound
                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
                    && Uri.UnescapeDataString(location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString).StartsWith("/error", StringComparison.Ordinal));
            Assert.True(refused, $"POST {route} handler '{handler}' as {role} gave {(int)response.StatusCode} {response.Headers.Location}.");
        }
        Assert.Equal(before, await SnapshotAsync(app, a));
    }

    private sealed record PageEndpoint(string Route, EndpointMetadataCollection Metadata, IReadOnlyList<(string Method, string? Name)> Handlers);

    /// <summary>Every Razor page with its full metadata and every handler it declares, named ones included.</summary>
    private static async Task<List<PageEndpoint>> PageEndpointsAsync(TestApp app)
    {
        var services = app.Factory.Services;
        var loader = services.GetRequiredService<PageLoader>();
        var pages = services.GetRequiredService<IEnumerable<EndpointDataSource>>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (e, Descriptor: e.Metadata.GetMetadata<PageActionDescriptor>())).Where(x => x.Descriptor is not null).ToList();
        var result = new List<PageEndpoint>();
        foreach (var (endpoint, descriptor) in pages)
        {
            var compiled = await loader.LoadAsync(descriptor!, endpoint.Metadata);
            var handlers = compiled.HandlerMethods.Select(h => (h.HttpMethod.ToUpperInvariant(), h.Name)).Distinct().ToList();
            result.Add(new PageEndpoint((endpoint.RoutePattern.RawText ?? "").Trim('/'), compiled.Endpoint?.Metadata ?? endpoint.Metadata, handlers));
        }
        return result;
    }

    private const string AnyForm = "FormKey=0123456789abcdef0123456789abcdef&Amount=5&Kind=Award&Reason=清理卫生死角&EntryNumber=1&ReverseReason=录入错误";

    private static Task<HttpResponseMessage> SendPageAsync(HttpClient client, string method, string? handler, string url, string token)
    {
        var target = handler is null ? url : $"{url}?handler={Uri.EscapeDataString(handler)}";
        var request = new HttpRequestMessage(new HttpMethod(method), target);
        if (method != "GET")
            request.Content = new StringContent($"{AnyForm}&__RequestVerificationToken={Uri.EscapeDataString(token)}", Encoding.UTF8, "application/x-www-form-urlencoded");
        return client.SendAsync(request);
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
        .Replace("{recordNo:long}", "1", StringComparison.Ordinal)
        .Replace("{number:long}", "1", StringComparison.Ordinal)
        .Replace("{objectionNo:int}", "1", StringComparison.Ordinal)
        .Replace("{month}", "2026-01", StringComparison.Ordinal)
        .Replace("{itemCode}", "rice", StringComparison.Ordinal)
        .Replace("{code}", villageCode, StringComparison.Ordinal)
        .Replace("{merchantCode}", "yongqiang-barber", StringComparison.Ordinal)
        .Replace("{id:guid}", "0197a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", StringComparison.Ordinal);

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
