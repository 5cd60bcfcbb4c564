using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;
using VillagePoints.Web.Rules;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Rules;

/// <summary>The village's 积分细则 through the API: the committee writes them, everyone in the village reads them.</summary>
public sealed class RulesApiTests
{
    private static DateOnly Today => BusinessCalendar.Today(TimeProvider.System);

    private static object Category(string code = "env") => new { code, nameZh = "环境卫生", nameEn = "Environment", sortOrder = 1 };

    private static object NewRule(string code = "env-clean-corner", int basePoints = 5, string direction = "Award", string category = "env") => new
    {
        category,
        code,
        nameZh = "清理卫生死角",
        nameEn = "Clearing a neglected corner",
        description = "清理房前屋后的卫生死角。",
        direction,
        terms = new { basePoints, channels = new[] { "SelfDeclaration", "Patrol" }, capPerMonth = 20 },
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task ArrangeRuleAsync(HttpClient committee, ArrangedVillage v, string code = "env-clean-corner")
    {
        var category = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rule-categories", Category());
        Assert.Equal(HttpStatusCode.Created, category.StatusCode);
        var rule = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules", NewRule(code));
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_committee_creates_a_rule_and_a_villager_reads_it_with_its_signed_points_and_version(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rule-categories", Category());

        var created = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules", NewRule("env-litter", 5, "Deduction"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/villages/{v.VillageCode}/rules/env-litter", created.Headers.Location?.OriginalString);
        var list = await villager.GetFromJsonAsync<List<RuleSummary>>($"/api/v1/villages/{v.VillageCode}/rules");
        var rule = Assert.Single(list!);
        Assert.Equal(("env-litter", "清理卫生死角", -5, 1, Today), (rule.Code, rule.Name, rule.Points, rule.Version, rule.EffectiveFrom));
        Assert.Equal([ClaimChannel.SelfDeclaration, ClaimChannel.Patrol], rule.Channels);
        var categories = await villager.GetFromJsonAsync<List<RuleCategoryView>>($"/api/v1/villages/{v.VillageCode}/rule-categories");
        Assert.Equal(["env"], categories!.Select(c => c.Code));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_new_version_takes_over_on_its_date_and_the_history_keeps_every_version(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        await ArrangeRuleAsync(committee, v);
        var versions = $"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner/versions";

        var today = await PostAsync(committee, versions, new { basePoints = 8, channels = new[] { "Patrol" }, effectiveFrom = Today });
        var tomorrow = await PostAsync(committee, versions, new { basePoints = 12, channels = new[] { "Patrol" }, effectiveFrom = Today.AddDays(1) });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (today.StatusCode, tomorrow.StatusCode));
        var listed = Assert.Single((await committee.GetFromJsonAsync<List<RuleSummary>>($"/api/v1/villages/{v.VillageCode}/rules"))!);
        Assert.Equal((8, 2, (int?)3), (listed.Points, listed.Version, listed.UpcomingVersion));
        var detail = await committee.GetFromJsonAsync<RuleDetail>($"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner");
        Assert.Equal([3, 2, 1], detail!.Versions.Select(x => x.Number));
        Assert.Equal([false, true, false], detail.Versions.Select(x => x.InForce));
        Assert.Equal([12, 8, 5], detail.Versions.Select(x => x.BasePoints));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_version_dated_in_the_past_is_refused(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        await ArrangeRuleAsync(committee, v);

        var response = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner/versions",
            new { basePoints = 8, channels = new[] { "Patrol" }, effectiveFrom = Today.AddDays(-1) });

        Assert.Equal("rule.effective-date-invalid", await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
        await using var db = app.NewContext();
        Assert.Equal(1, await db.RuleVersions.CountAsync(x => x.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_code_taken_and_weights_that_fall_are_refused_with_their_codes(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        await ArrangeRuleAsync(committee, v);

        var twin = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules", NewRule());
        var falling = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner/versions", new
        {
            basePoints = 5,
            channels = new[] { "Patrol" },
            difficultyLevels = new[] { new { code = "high", nameZh = "高", nameEn = "high", multiplier = 1.5m }, new { code = "low", nameZh = "低", nameEn = "low", multiplier = 1m } },
        });

        Assert.Equal("rule.code-taken", await Problems.AssertProblemAsync(twin, HttpStatusCode.Conflict));
        Assert.Equal("rule.weights-invalid", await Problems.AssertProblemAsync(falling, HttpStatusCode.UnprocessableEntity));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retired_rule_leaves_the_list_keeps_its_history_and_takes_no_new_version(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        await ArrangeRuleAsync(committee, v);

        var retired = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner/retirement", new { });
        var again = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner/versions",
            new { basePoints = 8, channels = new[] { "Patrol" } });

        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal("rule.retired", await Problems.AssertProblemAsync(again, HttpStatusCode.Conflict));
        Assert.Empty((await committee.GetFromJsonAsync<List<RuleSummary>>($"/api/v1/villages/{v.VillageCode}/rules"))!);
        var all = await committee.GetFromJsonAsync<List<RuleSummary>>($"/api/v1/villages/{v.VillageCode}/rules?includeRetired=true");
        Assert.True(Assert.Single(all!).Retired);
        var detail = await committee.GetFromJsonAsync<RuleDetail>($"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner");
        Assert.Equal([1], detail!.Versions.Select(x => x.Number));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_preview_scores_a_draft_with_its_explanation_and_saves_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));

        var response = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules/preview", new
        {
            name = "志愿服务",
            terms = new
            {
                basePoints = 0,
                pointsPerHour = 10,
                channels = new[] { "SelfDeclaration" },
                difficultyLevels = new[] { new { code = "low", nameZh = "低", nameEn = "low", multiplier = 1m }, new { code = "medium", nameZh = "中", nameEn = "medium", multiplier = 1.2m } },
                capPerMonth = 20,
            },
            hours = 2.5m,
            difficulty = "medium",
            monthTotal = 0,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = await response.Content.ReadFromJsonAsync<RulePreview>();
        Assert.Equal((20, 30, 10, CapPeriod.Month), (preview!.Points, preview.Uncapped, preview.CappedOff, preview.CapReached));
        Assert.Equal("志愿服务 2.5 小时 × 10 分/小时 × 难度·中 (×1.2) = 30 分，本月已达上限 20 分，记 20 分", preview.ExplanationZh);
        await using var db = app.NewContext();
        Assert.Equal(0, await db.RuleVersions.CountAsync(x => x.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_reads_the_rules_but_cannot_write_them(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var villager = await app.ClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        await ArrangeRuleAsync(committee, v);

        var read = await villager.GetAsync($"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner");
        var write = await PostAsync(villager, $"/api/v1/villages/{v.VillageCode}/rules", NewRule("env-other"));
        var retire = await PostAsync(villager, $"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner/retirement", new { });

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(write, HttpStatusCode.Forbidden));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(retire, HttpStatusCode.Forbidden));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Another_villages_committee_finds_no_rules_here(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var other = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var stranger = await app.ClientAsync(TestApp.In(other, Role.CommitteeChair));
        await ArrangeRuleAsync(committee, v);

        var read = await stranger.GetAsync($"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner");
        var write = await PostAsync(stranger, $"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner/retirement", new { });

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
        Assert.Empty((await stranger.GetFromJsonAsync<List<RuleSummary>>($"/api/v1/villages/{other.VillageCode}/rules"))!);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retried_post_with_the_same_key_writes_once_and_answers_the_same(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        await ArrangeRuleAsync(committee, v);
        var url = $"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner/versions";
        var body = new { basePoints = 8, channels = new[] { "Patrol" } };

        var first = await PostAsync(committee, url, body, "publish-8a1");
        var retry = await PostAsync(committee, url, body, "publish-8a1");
        var otherBody = await PostAsync(committee, url, new { basePoints = 9, channels = new[] { "Patrol" } }, "publish-8a1");
        var ruleRetry = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules", NewRule("env-new"), "create-1");
        var ruleRetryAgain = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules", NewRule("env-new"), "create-1");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode));
        Assert.Equal("idempotency.conflict", await Problems.AssertProblemAsync(otherBody, HttpStatusCode.Conflict));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (ruleRetry.StatusCode, ruleRetryAgain.StatusCode));
        await using var db = app.NewContext();
        Assert.Equal(2, await db.RuleVersions.CountAsync(x => x.VillageId == v.VillageId && x.RuleId == db.Rules.Single(r => r.VillageId == v.VillageId && r.Code == "env-clean-corner").Id));
        Assert.Equal(2, await db.Rules.CountAsync(x => x.VillageId == v.VillageId));
    }

    [Theory]
    [InlineData("", "小时数须大于 0，且一天不超过 24 小时。")]
    [InlineData("?culture=en-US&ui-culture=en-US", "Hours must be more than 0 and at most 24 a day.")]
    public async Task A_preview_with_absurd_hours_says_why_in_the_users_language(string culture, string detail)
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));

        var response = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules/preview{culture}",
            new { terms = new { basePoints = 0, pointsPerHour = 10, channels = new[] { "SelfDeclaration" } }, hours = 30 });

        Assert.Equal("rule.hours-invalid", await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(detail, json.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_preview_explains_in_english_for_an_english_reader()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));

        var response = await PostAsync(committee, $"/api/v1/villages/{v.VillageCode}/rules/preview?culture=en-US&ui-culture=en-US",
            new { direction = "Deduction", name = "Dumping rubbish", terms = new { basePoints = 5, channels = new[] { "Patrol" } } });

        var preview = await response.Content.ReadFromJsonAsync<RulePreview>();
        Assert.Equal((-5, "Dumping rubbish: 5 pts = −5 pts"), (preview!.Points, preview.Explanation));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Committee_members_publishing_at_once_each_get_their_own_version_number(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var committee = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        await ArrangeRuleAsync(committee, v);
        var url = $"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner/versions";

        var responses = await Task.WhenAll(Enumerable.Range(6, 4).Select(points =>
            PostAsync(points % 2 == 0 ? committee : chair, url, new { basePoints = points, channels = new[] { "Patrol" } })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var detail = await committee.GetFromJsonAsync<RuleDetail>($"/api/v1/villages/{v.VillageCode}/rules/env-clean-corner");
        Assert.Equal([5, 4, 3, 2, 1], detail!.Versions.Select(x => x.Number));
        Assert.Equal([5, 6, 7, 8, 9], detail.Versions.Select(x => x.BasePoints).Order());
    }
}
