using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Activities;

/// <summary>
/// A village for activity tests: three households of one member each (household 1's is 王建国), the award rule
/// "volunteer-service" (+10, open to group inspection) and the rule "blood" that only villagers may declare.
/// </summary>
internal static class ActivityTestKit
{
    public static string Today => Wording(BusinessCalendar.Today(TimeProvider.System));

    public static string Wording(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<Dictionary<int, Guid>> ArrangeAsync(TestApp app, ArrangedVillage v)
    {
        var people = new Dictionary<int, Guid>();
        await using var db = app.NewContext();
        string[] names = ["王建国", "李桂兰", "张德福"];
        for (var i = 0; i < v.HouseholdIds.Count; i++)
        {
            var person = new Person
            {
                VillageId = v.VillageId, Id = Ids.New(), HouseholdId = v.HouseholdIds[i], Name = names[i % names.Length], Relation = "户主",
            };
            db.People.Add(person);
            people[i + 1] = person.Id;
        }
        await db.SaveChangesAsync();
        var book = new RuleBook(db, TimeProvider.System);
        var actor = Guid.CreateVersion7();
        await book.CreateCategoryAsync(new CreateRuleCategory(v.VillageId, "volunteer", "志愿服务", "Volunteering", 1, actor));
        await book.CreateAsync(new CreateRule(v.VillageId, "volunteer", "volunteer-service", "志愿服务", "Volunteer service", null, RuleDirection.Award,
            new RuleTerms(10, [ClaimChannel.SelfDeclaration, ClaimChannel.GroupInspection]), actor));
        await book.CreateAsync(new CreateRule(v.VillageId, "volunteer", "blood", "无偿献血", "Donating blood", null, RuleDirection.Award,
            new RuleTerms(10, [ClaimChannel.SelfDeclaration]), actor));
        return people;
    }

    public static object NewActivity(string? title = null, int capacity = 30, decimal hours = 2.5m, string? heldOn = null, string rule = "volunteer-service") => new
    {
        title = title ?? "村庄大扫除", heldOn = heldOn ?? Today, place = "村委会门前", ruleCode = rule, hours, capacity,
    };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object? body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<int> ActivityCountAsync(TestApp app, ArrangedVillage v)
    {
        await using var db = app.NewContext();
        return await db.Activities.CountAsync(a => a.VillageId == v.VillageId);
    }

    public static async Task<string> TokenAsync(TestApp app, ArrangedVillage v, long number)
    {
        await using var db = app.NewContext();
        return await db.Activities.Where(a => a.VillageId == v.VillageId && a.Number == number).Select(a => a.CheckInToken).SingleAsync();
    }

    public static RoleAssignment Villager(ArrangedVillage v, int household) => TestApp.In(v, Role.Villager, householdNumber: household);
}
