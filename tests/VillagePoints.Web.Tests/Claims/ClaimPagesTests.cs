using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Claims;

/// <summary>The phone pages where villagers and grid workers record claims: 记一笔, the recommendation, my claims and the patrol.</summary>
public sealed partial class ClaimPagesTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vp-claim-pages-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    internal static async Task ArrangeRulesAsync(TestApp app, ArrangedVillage v)
    {
        await using var db = app.NewContext();
        var book = new RuleBook(db, TimeProvider.System);
        var actor = Guid.CreateVersion7();
        await book.CreateCategoryAsync(new CreateRuleCategory(v.VillageId, "env", "环境卫生", "Environment", 1, actor));
        await book.CreateCategoryAsync(new CreateRuleCategory(v.VillageId, "volunteer", "志愿服务", "Volunteering", 2, actor));
        await book.CreateAsync(new CreateRule(v.VillageId, "env", "env-litter", "乱倒垃圾", "Dumping rubbish", null, RuleDirection.Deduction,
            new RuleTerms(5, [ClaimChannel.Patrol]), actor));
        await book.CreateAsync(new CreateRule(v.VillageId, "env", "env-clean", "清理卫生死角", "Cleaning a neglected corner", null, RuleDirection.Award,
            new RuleTerms(5, [ClaimChannel.SelfDeclaration, ClaimChannel.NeighbourRecommendation, ClaimChannel.Patrol]), actor));
        await book.CreateAsync(new CreateRule(v.VillageId, "env", "env-river", "护河巡河", "River patrol", null, RuleDirection.Award,
            new RuleTerms(0, [ClaimChannel.Patrol], PointsPerHour: 4m,
                DifficultyLevels: [new("low", "低", "low", 1m), new("high", "高", "high", 1.5m)]), actor));
        await book.CreateAsync(new CreateRule(v.VillageId, "volunteer", "volunteer-hours", "志愿服务", "Volunteering", null, RuleDirection.Award,
            new RuleTerms(0, [ClaimChannel.SelfDeclaration], PointsPerHour: 10m,
                DifficultyLevels: [new("low", "低", "low", 1m), new("medium", "中", "medium", 1.2m)]), actor));
    }

    private async Task<(TestApp App, ArrangedVillage V)> StartAsync(DatabaseProvider provider, int households = 3)
    {
        var app = await TestApp.StartAsync(provider, new Dictionary<string, string?> { [LocalFolderEvidenceStore.ConfigKey] = folder });
        var v = await VillageBuilder.ArrangeAsync(app.Database, households);
        await ArrangeRulesAsync(app, v);
        return (app, v);
    }

    internal static byte[] Jpeg(int width = 800, int height = 600)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
            canvas.Clear(SKColors.SeaGreen);
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A multipart form as a phone's browser sends it, with the page's antiforgery token.</summary>
    private static async Task<MultipartFormDataContent> FormAsync(HttpClient client, string page, Dictionary<string, string> fields, params (string Name, byte[] Bytes)[] photos)
    {
        var form = new MultipartFormDataContent { { new StringContent(await PageClients.FormTokenAsync(client, page)), "__RequestVerificationToken" } };
        foreach (var (k, value) in fields)
            form.Add(new StringContent(value), k);
        foreach (var (name, bytes) in photos)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "Photos", name);
        }
        return form;
    }

    private static string FieldError(string html, string field)
    {
        var m = Regex.Match(html, $"id=\"{field}-error\" class=\"field-error\">([^<]*)<");
        Assert.True(m.Success, $"No error slot for {field}.");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    private static async Task<int> ClaimCountAsync(TestApp app, ArrangedVillage v)
    {
        await using var db = app.NewContext();
        return await db.Claims.CountAsync(c => c.VillageId == v.VillageId);
    }

    private static async Task<int> PhotoCountAsync(TestApp app, ArrangedVillage v)
    {
        await using var db = app.NewContext();
        return await db.EvidencePhotos.CountAsync(p => p.VillageId == v.VillageId);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_declares_with_a_photo_and_sees_the_number_state_points_and_explanation(DatabaseProvider provider)
    {
        var (app, v) = await StartAsync(provider);
        await using var _ = app;
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var page = $"/villages/{v.VillageCode}/claims/new";

        var picker = await villager.GetStringAsync(page);
        var form = await villager.GetStringAsync(page + "?rule=volunteer-hours");
        var response = await villager.PostAsync(page + "?rule=volunteer-hours", await FormAsync(villager, page + "?rule=volunteer-hours",
            new() { ["OccurredOn"] = Today, ["Hours"] = "2.5", ["Difficulty"] = "medium", ["Note"] = "打扫村口", ["FormKey"] = "k1" }, ("a.jpg", Jpeg())));

        Assert.Contains("志愿服务", picker, StringComparison.Ordinal);
        Assert.Contains("+5 分", WebUtility.HtmlDecode(picker), StringComparison.Ordinal);
        Assert.DoesNotContain("乱倒垃圾", picker, StringComparison.Ordinal);
        Assert.Contains("capture=\"environment\"", form, StringComparison.Ordinal);
        Assert.Contains("name=\"Hours\"", form, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var done = await villager.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("申报第 1 号", done, StringComparison.Ordinal);
        Assert.Contains("待审核", done, StringComparison.Ordinal);
        Assert.Contains("志愿服务 2.5 小时 × 10 分/小时 × 难度·中 (×1.2) = 30 分", done, StringComparison.Ordinal);
        Assert.Contains($"/villages/{v.VillageCode}/claims\"", done, StringComparison.Ordinal);
        await using var db = app.NewContext();
        var claim = await db.Claims.SingleAsync(c => c.VillageId == v.VillageId);
        Assert.Equal((ClaimChannel.SelfDeclaration, v.HouseholdIds[0], 30), (claim.Channel, claim.HouseholdId, claim.Points));
        Assert.Equal(1, await PhotoCountAsync(app, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_double_tap_on_send_writes_one_claim_with_its_photos_once(DatabaseProvider provider)
    {
        var (app, v) = await StartAsync(provider);
        await using var _ = app;
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var page = $"/villages/{v.VillageCode}/claims/new?rule=env-clean";
        var fields = new Dictionary<string, string> { ["OccurredOn"] = Today, ["FormKey"] = "samekey1" };

        var first = await villager.PostAsync(page, await FormAsync(villager, page, fields, ("a.jpg", Jpeg()), ("b.jpg", Jpeg(640, 480))));
        var second = await villager.PostAsync(page, await FormAsync(villager, page, fields, ("a.jpg", Jpeg()), ("b.jpg", Jpeg(640, 480))));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await ClaimCountAsync(app, v));
        Assert.Equal(2, await PhotoCountAsync(app, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bad_input_on_the_declaration_is_named_beside_its_field_in_chinese_and_writes_nothing(DatabaseProvider provider)
    {
        var (app, v) = await StartAsync(provider);
        await using var _ = app;
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var hours = $"/villages/{v.VillageCode}/claims/new?rule=volunteer-hours";
        var clean = $"/villages/{v.VillageCode}/claims/new?rule=env-clean";
        var pdf = "%PDF-1.7\n1 0 obj <<>> endobj\n"u8.ToArray();
        var huge = new byte[50 * 1024 * 1024];
        Jpeg().CopyTo(huge, 0);
        var future = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(3)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var seven = Enumerable.Range(1, 7).Select(i => ($"{i}.jpg", Jpeg(320, 240))).ToArray();

        var cases = new (string Page, Dictionary<string, string> Fields, (string, byte[])[] Photos, string Field, string Message)[]
        {
            (clean, new() { ["OccurredOn"] = Today }, [("photo.jpg", pdf)], "claim-photos", "这个文件不是照片"),
            (clean, new() { ["OccurredOn"] = Today }, [("big.jpg", huge)], "claim-photos", "照片太大"),
            (clean, new() { ["OccurredOn"] = Today }, seven, "claim-photos", "最多 6 张照片"),
            (clean, new() { ["OccurredOn"] = future }, [("a.jpg", Jpeg())], "claim-date", "发生日期不能晚于今天"),
            (hours, new() { ["OccurredOn"] = Today, ["Hours"] = "25" }, [], "claim-hours", "一天不超过 24 小时"),
            (hours, new() { ["OccurredOn"] = Today, ["Hours"] = "-1" }, [], "claim-hours", "一天不超过 24 小时"),
        };
        foreach (var (page, fields, photos, field, message) in cases)
        {
            var response = await villager.PostAsync(page, await FormAsync(villager, page, fields, photos));
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(message, FieldError(html, field), StringComparison.Ordinal);
            Assert.Contains("error-summary", html, StringComparison.Ordinal);
        }
        // A rule the village does not allow on self-declaration (a patrol-only deduction).
        var patrolOnly = $"/villages/{v.VillageCode}/claims/new?rule=env-litter";
        var refused = await villager.PostAsync(patrolOnly, await FormAsync(villager, $"/villages/{v.VillageCode}/claims/new", new() { ["OccurredOn"] = Today }));
        Assert.Contains("这条细则不能通过该渠道申报", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(0, await ClaimCountAsync(app, v));
        Assert.Equal(0, await PhotoCountAsync(app, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_recommends_a_neighbour_but_not_their_own_household_nor_one_of_another_village(DatabaseProvider provider)
    {
        var (app, v) = await StartAsync(provider);
        await using var _ = app;
        var other = await VillageBuilder.ArrangeAsync(app.Database, 5);
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var page = $"/villages/{v.VillageCode}/claims/recommend";

        var search = await villager.GetStringAsync(page + "?q=测试户");
        var own = await villager.PostAsync(page + "?household=1&rule=env-clean",
            await FormAsync(villager, page, new() { ["household"] = "1", ["rule"] = "env-clean", ["OccurredOn"] = Today }));
        var foreign = await villager.PostAsync(page + "?household=5&rule=env-clean",
            await FormAsync(villager, page, new() { ["household"] = "5", ["rule"] = "env-clean", ["OccurredOn"] = Today }));
        var ok = await villager.PostAsync(page + "?household=2&rule=env-clean",
            await FormAsync(villager, page, new() { ["household"] = "2", ["rule"] = "env-clean", ["OccurredOn"] = Today, ["FormKey"] = "rec1" }, ("a.jpg", Jpeg())));

        Assert.DoesNotContain("?household=1\"", search, StringComparison.Ordinal);
        Assert.Contains("?household=2\"", search, StringComparison.Ordinal);
        Assert.Contains("邻里推荐只能推荐别的户，不能推荐本户", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("找不到这户", FieldError(await foreign.Content.ReadAsStringAsync(), "claim-household"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        await using var db = app.NewContext();
        var claim = await db.Claims.SingleAsync(c => c.VillageId == v.VillageId);
        Assert.Equal((ClaimChannel.NeighbourRecommendation, v.HouseholdIds[1]), (claim.Channel, claim.HouseholdId));
        Assert.Equal(0, await db.Claims.CountAsync(c => c.VillageId == other.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task My_claims_show_states_in_words_withdraw_a_waiting_one_and_resubmit_a_returned_one_with_a_photo(DatabaseProvider provider)
    {
        var (app, v) = await StartAsync(provider);
        await using var _ = app;
        var user = await app.CreateUserAsync("王大妈", TestApp.In(v, Role.Villager, householdNumber: 1));
        var reviewer = await app.CreateUserAsync("李组长", TestApp.In(v, Role.ReviewGroup));
        var neighbour = await app.CreateUserAsync("张三", TestApp.In(v, Role.Villager, householdNumber: 2));
        await using (var db = app.NewContext())
        {
            var desk = new ClaimDesk(db, new VillagePoints.Core.Ledger.LedgerPosting(db, TimeProvider.System), new RuleBook(db, TimeProvider.System), TimeProvider.System);
            var today = DateOnly.Parse(Today, System.Globalization.CultureInfo.InvariantCulture);
            await desk.SubmitAsync(new SubmitClaim(v.VillageId, ClaimChannel.SelfDeclaration, v.HouseholdIds[0], "env-clean", today, user.Id));
            await desk.SubmitAsync(new SubmitClaim(v.VillageId, ClaimChannel.SelfDeclaration, v.HouseholdIds[0], "env-clean", today, user.Id));
            await desk.DecideAsync(new DecideClaim(v.VillageId, 2, reviewer.Id, ClaimDecision.Return, "照片看不清"));
            await desk.SubmitAsync(new SubmitClaim(v.VillageId, ClaimChannel.NeighbourRecommendation, v.HouseholdIds[0], "env-clean", today, neighbour.Id));
            await desk.SubmitAsync(new SubmitClaim(v.VillageId, ClaimChannel.SelfDeclaration, v.HouseholdIds[1], "env-clean", today, neighbour.Id));
        }
        var client = await PageClientForAsync(app, user);
        var page = $"/villages/{v.VillageCode}/claims";

        var html = await client.GetStringAsync(page);
        var withdraw = await client.PostAsync(page + "?handler=Withdraw", await FormAsync(client, page, new() { ["Number"] = "1", ["FormKey"] = "w1" }));
        var badPhoto = await client.PostAsync(page + "?handler=Resubmit", await FormAsync(client, page, new() { ["Number"] = "2", ["FormKey"] = "r0" },
            ("photo.jpg", "%PDF-1.4"u8.ToArray())));
        var resubmit = await client.PostAsync(page + "?handler=Resubmit", await FormAsync(client, page, new() { ["Number"] = "2", ["FormKey"] = "r1" }, ("a.jpg", Jpeg())));
        var again = await client.PostAsync(page + "?handler=Resubmit", await FormAsync(client, page, new() { ["Number"] = "2", ["FormKey"] = "r1" }, ("a.jpg", Jpeg())));

        Assert.Contains("待审核", html, StringComparison.Ordinal);
        Assert.Contains("退回补充", html, StringComparison.Ordinal);
        Assert.Contains("照片看不清", html, StringComparison.Ordinal);
        Assert.Contains($"{page}/3\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"{page}/4\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, withdraw.StatusCode);
        Assert.Contains("这个文件不是照片", FieldError(await badPhoto.Content.ReadAsStringAsync(), "resubmit-photos-2"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, resubmit.StatusCode);
        Assert.Equal(resubmit.Headers.Location, again.Headers.Location);
        await using var check = app.NewContext();
        var states = await check.Claims.Where(c => c.VillageId == v.VillageId).OrderBy(c => c.Number).Select(c => c.State).ToListAsync();
        Assert.Equal([ClaimState.Withdrawn, ClaimState.Submitted, ClaimState.Submitted, ClaimState.Submitted], states);
        Assert.Equal(1, await PhotoCountAsync(app, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_grid_worker_opens_a_household_by_its_number_and_records_a_patrol_with_rule_photo_and_send(DatabaseProvider provider)
    {
        var (app, v) = await StartAsync(provider);
        await using var _ = app;
        var worker = await app.PageClientAsync(TestApp.In(v, Role.GridWorker));
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        var byNumber = await worker.GetAsync($"/villages/{v.VillageCode}/patrol?q=0002");
        var page = $"/villages/{v.VillageCode}/patrol/2";
        var html = await worker.GetStringAsync(page);
        var noRule = await worker.PostAsync(page, await FormAsync(worker, page, new() { ["FormKey"] = "p0" }, ("a.jpg", Jpeg())));
        var sent = await worker.PostAsync(page, await FormAsync(worker, page, new() { ["rule"] = "env-litter", ["FormKey"] = "p1" }, ("a.jpg", Jpeg())));

        Assert.Equal(HttpStatusCode.Redirect, byNumber.StatusCode);
        Assert.Equal(page, byNumber.Headers.Location!.OriginalString);
        Assert.Contains("乱倒垃圾", html, StringComparison.Ordinal);
        Assert.Contains("\u22125 分", html, StringComparison.Ordinal);
        Assert.Contains("请选一个事项", await noRule.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("−5", await worker.GetStringAsync(sent.Headers.Location!.OriginalString), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await villager.GetAsync($"/villages/{v.VillageCode}/patrol")).StatusCode);
        await using var db = app.NewContext();
        var claim = await db.Claims.SingleAsync(c => c.VillageId == v.VillageId);
        Assert.Equal((ClaimChannel.Patrol, v.HouseholdIds[1], -5), (claim.Channel, claim.HouseholdId, claim.Points));
        Assert.Equal(1, await PhotoCountAsync(app, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_patrol_under_a_rule_scored_by_the_hour_asks_the_hours_beside_their_field_and_takes_the_lowest_level(DatabaseProvider provider)
    {
        var (app, v) = await StartAsync(provider);
        await using var _ = app;
        var worker = await app.PageClientAsync(TestApp.In(v, Role.GridWorker));
        var page = $"/villages/{v.VillageCode}/patrol/1";

        var first = await worker.PostAsync(page, await FormAsync(worker, page, new() { ["rule"] = "env-river", ["FormKey"] = "h0" }));
        var html = await first.Content.ReadAsStringAsync();
        var tooMany = await worker.PostAsync(page, await FormAsync(worker, page, new() { ["rule"] = "env-river", ["Hours"] = "30", ["FormKey"] = "h1" }));
        var sent = await worker.PostAsync(page, await FormAsync(worker, page, new() { ["rule"] = "env-river", ["Hours"] = "2", ["FormKey"] = "h2" }));

        Assert.Contains("请填写服务时长", FieldError(html, "claim-hours"), StringComparison.Ordinal);
        Assert.Contains("一天不超过 24 小时", FieldError(await tooMany.Content.ReadAsStringAsync(), "claim-hours"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        await using var db = app.NewContext();
        var claim = await db.Claims.SingleAsync(c => c.VillageId == v.VillageId);
        Assert.Equal((8, "low", 2m), (claim.Points, claim.Difficulty, claim.Hours));
    }

    /// <summary>A phone photo is megabytes: the photo endpoint and forms take one, where other requests stay small.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_photo_of_a_few_megabytes_is_taken_by_the_api_while_other_bodies_keep_their_small_limit(DatabaseProvider provider)
    {
        var (app, v) = await StartAsync(provider);
        await using var _ = app;
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var claim = await villager.PostAsync($"/api/v1/villages/{v.VillageCode}/claims", new StringContent(
            $$"""{"channel":"SelfDeclaration","householdNo":1,"ruleCode":"env-clean","occurredOn":"{{Today}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, claim.StatusCode);
        var photo = NoisyJpeg();
        Assert.True(photo.Length > 1024 * 1024, $"The test photo should be over 1 MB, is {photo.Length} bytes.");

        var upload = await villager.PostAsync($"/api/v1/villages/{v.VillageCode}/claims/1/photos",
            new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "photo.jpg" } });
        var bigJson = await villager.PostAsync($"/api/v1/villages/{v.VillageCode}/claims",
            new StringContent("{\"note\":\"" + new string('x', 400_000) + "\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal("request.too-large", await Problems.AssertProblemAsync(bigJson, HttpStatusCode.RequestEntityTooLarge));
    }

    private static byte[] NoisyJpeg()
    {
        using var bitmap = new SKBitmap(2000, 1500);
        var random = new Random(7);
        var pixels = new SKColor[2000 * 1500];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        bitmap.Pixels = pixels;
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static async Task<HttpClient> PageClientForAsync(TestApp app, UserAccount user)
    {
        var client = app.Anonymous();
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Phone"] = user.Phone,
            ["Password"] = TestApp.Password,
            ["__RequestVerificationToken"] = await PageClients.FormTokenAsync(client, "/login"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }
}
