using System.Net;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Rules;

/// <summary>The rule pages: everyone in the village reads them; the committee previews and publishes a new version.</summary>
public sealed class RulePageTests
{
    internal static async Task ArrangeRulesAsync(TestApp app, ArrangedVillage v)
    {
        await using var db = app.NewContext();
        var book = new RuleBook(db, TimeProvider.System);
        var actor = Guid.CreateVersion7();
        await book.CreateCategoryAsync(new CreateRuleCategory(v.VillageId, "env", "环境卫生", "Environment", 1, actor));
        await book.CreateCategoryAsync(new CreateRuleCategory(v.VillageId, "volunteer", "志愿服务", "Volunteering", 2, actor));
        await book.CreateAsync(new CreateRule(v.VillageId, "env", "env-litter", "乱倒垃圾", "Dumping rubbish", null, RuleDirection.Deduction,
            new RuleTerms(5, [ClaimChannel.Patrol]), actor));
        await book.CreateAsync(new CreateRule(v.VillageId, "volunteer", "volunteer-hours", "志愿服务", "Volunteering", "按时长计分。", RuleDirection.Award,
            new RuleTerms(0, [ClaimChannel.SelfDeclaration], PointsPerHour: 10m,
                DifficultyLevels: [new("low", "低", "low", 1m), new("medium", "中", "medium", 1.2m)], CapPerMonth: 40), actor));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_reads_the_rules_by_category_with_their_points(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        await ArrangeRulesAsync(app, v);
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));

        var list = await villager.GetStringAsync($"/villages/{v.VillageCode}/rules");
        var rule = await villager.GetStringAsync($"/villages/{v.VillageCode}/rules/env-litter");
        var my = await villager.GetStringAsync("/my");

        Assert.Contains("环境卫生", list, StringComparison.Ordinal);
        Assert.Contains("乱倒垃圾", list, StringComparison.Ordinal);
        Assert.Contains("−5", list, StringComparison.Ordinal);
        Assert.Contains("每小时 10 分", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Terms.BasePoints", list, StringComparison.Ordinal);
        Assert.Contains("第 1 版", rule, StringComparison.Ordinal);
        Assert.DoesNotContain("发布新版本", rule, StringComparison.Ordinal);
        Assert.Contains($"/villages/{v.VillageCode}/rules", my, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_committee_previews_a_draft_then_publishes_it_and_the_history_shows_both_versions(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        await ArrangeRulesAsync(app, v);
        var member = await app.PageClientAsync(TestApp.In(v, Role.CommitteeMember));
        var path = $"/villages/{v.VillageCode}/rules/volunteer-hours";
        Dictionary<string, string> Form(string token) => new()
        {
            ["Terms.BasePoints"] = "0",
            ["Terms.PointsPerHour"] = "12",
            ["Terms.CapPerMonth"] = "40",
            ["Terms.Channels"] = "SelfDeclaration",
            ["Hours"] = "2.5",
            ["Difficulty"] = "medium",
            ["FormKey"] = "abc123",
            ["__RequestVerificationToken"] = token,
        };

        var preview = await member.PostAsync($"{path}?handler=Preview", new FormUrlEncodedContent(Form(await PageClients.FormTokenAsync(member, path))));
        var previewHtml = await preview.Content.ReadAsStringAsync();
        await using (var db = app.NewContext())
            Assert.Equal(1, await db.RuleVersions.CountAsync(x => x.VillageId == v.VillageId && x.Number > 0 && db.Rules.Any(r => r.Id == x.RuleId && r.Code == "volunteer-hours")));
        var publish = await member.PostAsync($"{path}?handler=Publish", new FormUrlEncodedContent(Form(await PageClients.FormTokenAsync(member, path))));

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("志愿服务 2.5 小时 × 12 分/小时 × 难度·中 (×1.2) = 36 分", previewHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, publish.StatusCode);
        var page = await member.GetStringAsync(publish.Headers.Location!.OriginalString);
        Assert.Contains("第 2 版已发布", page, StringComparison.Ordinal);
        Assert.Contains("第 1 版", page, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_draft_dated_in_the_past_shows_the_problem_at_the_top_and_publishes_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        await ArrangeRulesAsync(app, v);
        var member = await app.PageClientAsync(TestApp.In(v, Role.CommitteeChair));
        var path = $"/villages/{v.VillageCode}/rules/env-litter";

        var publish = await member.PostAsync($"{path}?handler=Publish", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Terms.BasePoints"] = "8",
            ["Terms.EffectiveFrom"] = "2020-01-01",
            ["Terms.Channels"] = "Patrol",
            ["__RequestVerificationToken"] = await PageClients.FormTokenAsync(member, path),
        }));

        Assert.Equal(HttpStatusCode.OK, publish.StatusCode);
        var html = await publish.Content.ReadAsStringAsync();
        Assert.Contains("error-summary", html, StringComparison.Ordinal);
        Assert.Contains("生效日期须为今天或以后", html, StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(2, await db.RuleVersions.CountAsync(x => x.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_villager_cannot_publish_from_the_page(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        await ArrangeRulesAsync(app, v);
        var villager = await app.PageClientAsync(TestApp.In(v, Role.Villager, householdNumber: 1));
        var path = $"/villages/{v.VillageCode}/rules/env-litter";

        var publish = await villager.PostAsync($"{path}?handler=Publish", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Terms.BasePoints"] = "8",
            ["Terms.Channels"] = "Patrol",
            ["__RequestVerificationToken"] = await PageClients.FormTokenAsync(villager, "/my"),
        }));

        // Refused as the app refuses any forbidden page action: never the "published" answer.
        Assert.DoesNotContain("published", publish.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, publish.StatusCode);
        await using var db = app.NewContext();
        Assert.Equal(2, await db.RuleVersions.CountAsync(x => x.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_committee_adds_a_category_and_a_rule_from_the_rules_page(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var chair = await app.PageClientAsync(TestApp.In(v, Role.CommitteeChair));
        var path = $"/villages/{v.VillageCode}/rules";

        var category = await chair.PostAsync($"{path}?handler=Category", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["CategoryCode"] = "family",
            ["CategoryNameZh"] = "家庭美德",
            ["CategoryNameEn"] = "Family virtues",
            ["FormKey"] = "cat1",
            ["__RequestVerificationToken"] = await PageClients.FormTokenAsync(chair, path),
        }));
        var rule = await chair.PostAsync($"{path}?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Category"] = "family",
            ["Code"] = "family-filial",
            ["NameZh"] = "孝老爱亲",
            ["Direction"] = "Award",
            ["Terms.BasePoints"] = "10",
            ["Terms.Channels"] = "NeighbourRecommendation",
            ["Terms.HonourPoints"] = "true",
            ["FormKey"] = "rule1",
            ["__RequestVerificationToken"] = await PageClients.FormTokenAsync(chair, path),
        }));

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (category.StatusCode, rule.StatusCode));
        Assert.Equal($"{path}/family-filial?created=1", rule.Headers.Location!.OriginalString);
        var list = await chair.GetStringAsync(path);
        Assert.Contains("家庭美德", list, StringComparison.Ordinal);
        Assert.Contains("孝老爱亲", list, StringComparison.Ordinal);
        await using var db = app.NewContext();
        var version = await db.RuleVersions.SingleAsync(x => x.VillageId == v.VillageId);
        Assert.Equal((10, true, ClaimChannel.NeighbourRecommendation), (version.BasePoints, version.HonourPoints, Assert.Single(version.Channels)));
    }
}
