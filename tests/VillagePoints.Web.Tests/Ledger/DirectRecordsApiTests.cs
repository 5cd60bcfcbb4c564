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

/// <summary>Four eyes on direct records, through the API. The arranged village has the defaults: threshold 20, maximum 100.</summary>
public sealed class DirectRecordsApiTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_record_above_the_threshold_answers_202_with_the_waiting_record_and_posts_nothing(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));

        var response = await member.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries",
            new { amount = 50, kind = "Award", reason = "带头清理河道" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var waiting = await response.Content.ReadFromJsonAsync<DirectRecordView>();
        Assert.Equal((DirectRecordState.Pending, 50, 1, (long?)null), (waiting!.State, waiting.Amount, waiting.HouseholdNumber, waiting.EntryNumber));
        Assert.Equal($"/api/v1/villages/{v.VillageCode}/direct-records/{waiting.Number}", response.Headers.Location?.OriginalString);
        var located = await member.GetFromJsonAsync<DirectRecordView>(response.Headers.Location);
        Assert.Equal(waiting.Number, located!.Number);
        var listed = await member.GetFromJsonAsync<List<DirectRecordView>>($"/api/v1/villages/{v.VillageCode}/direct-records?state=Pending");
        Assert.Equal([waiting.Number], listed!.Select(r => r.Number));
        await using var db = app.NewContext();
        Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_member_recording_on_their_own_household_waits_for_a_second_member_even_within_the_threshold(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 2);
        var resident = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember), TestApp.In(v, Role.Villager, householdNumber: 1));

        var own = await resident.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries",
            new { amount = 5, kind = "Award", reason = "打扫村道" });
        var neighbours = await resident.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/2/entries",
            new { amount = 5, kind = "Award", reason = "打扫村道" });

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Created), (own.StatusCode, neighbours.StatusCode));
        var waiting = await own.Content.ReadFromJsonAsync<DirectRecordView>();
        Assert.Equal((DirectRecordState.Pending, 5), (waiting!.State, waiting.Amount));
        await using var db = app.NewContext();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_member_who_recorded_it_cannot_approve_it(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var waiting = await RecordWaitingAsync(member, v, 100);

        var approval = await member.PostAsync($"/api/v1/villages/{v.VillageCode}/direct-records/{waiting.Number}/approval", null);

        Assert.Equal("direct-record.own-submission", await Problems.AssertProblemAsync(approval, HttpStatusCode.Forbidden));
        await using var db = app.NewContext();
        Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_second_member_approves_and_the_entry_names_both_submitter_and_approver(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.ClientAsync((await app.CreateUserAsync("陈秀梅", TestApp.In(v, Role.CommitteeMember))).Phone);
        var chair = await app.ClientAsync((await app.CreateUserAsync("黄建国", TestApp.In(v, Role.CommitteeChair))).Phone);
        var waiting = await RecordWaitingAsync(member, v, 60);

        var approval = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/direct-records/{waiting.Number}/approval", null);

        Assert.Equal(HttpStatusCode.OK, approval.StatusCode);
        var approved = await approval.Content.ReadFromJsonAsync<DirectRecordView>();
        Assert.Equal((DirectRecordState.Approved, "黄建国"), (approved!.State, approved.ResolvedBy));
        Assert.Equal(("陈秀梅", "黄建国", 60), (approved.Entry!.SubmittedBy, approved.Entry.ApprovedBy, approved.Entry.Amount));
        var line = await member.GetFromJsonAsync<LedgerLine>($"/api/v1/villages/{v.VillageCode}/entries/{approved.EntryNumber}");
        Assert.NotEqual(line!.SubmittedBy, line.ApprovedBy);
        var pending = await member.GetFromJsonAsync<List<DirectRecordView>>($"/api/v1/villages/{v.VillageCode}/direct-records?state=Pending");
        Assert.Empty(pending!);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Two_members_approving_at_once_post_one_entry(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var other = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var waiting = await RecordWaitingAsync(member, v, 40);
        var url = $"/api/v1/villages/{v.VillageCode}/direct-records/{waiting.Number}/approval";

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? chair : other).PostAsync(url, null)));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, $"Unexpected {s}"));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            Assert.Equal("direct-record.already-resolved", await Problems.AssertProblemAsync(conflict, HttpStatusCode.Conflict));
        var approvedNumbers = new HashSet<long?>();
        foreach (var ok in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
            approvedNumbers.Add((await ok.Content.ReadFromJsonAsync<DirectRecordView>())!.EntryNumber);
        Assert.Single(approvedNumbers);
        await using var db = app.NewContext();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
        Assert.Equal(40, await db.HouseholdBalances.Where(b => b.VillageId == v.VillageId).Select(b => b.Total).SingleAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_record_above_the_villages_direct_maximum_is_refused_with_422(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));

        var response = await member.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries",
            new { amount = 100_000, kind = "Award", reason = "年度贡献" });

        Assert.Equal("entry.above-direct-maximum", await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
        await using var db = app.NewContext();
        Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
        Assert.Equal(0, await db.DirectRecords.CountAsync(r => r.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_rejection_needs_a_reason_and_leaves_the_ledger_untouched(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var waiting = await RecordWaitingAsync(member, v, 30);
        var url = $"/api/v1/villages/{v.VillageCode}/direct-records/{waiting.Number}/rejection";

        var noReason = await chair.PostAsJsonAsync(url, new { reason = "" });
        var rejected = await chair.PostAsJsonAsync(url, new { reason = "没有现场照片" });
        var lateApproval = await chair.PostAsync($"/api/v1/villages/{v.VillageCode}/direct-records/{waiting.Number}/approval", null);

        Assert.Equal("direct-record.reason-required", await Problems.AssertProblemAsync(noReason, HttpStatusCode.UnprocessableEntity));
        var view = await rejected.Content.ReadFromJsonAsync<DirectRecordView>();
        Assert.Equal((DirectRecordState.Rejected, "没有现场照片"), (view!.State, view.ResolutionNote));
        Assert.Equal("direct-record.already-resolved", await Problems.AssertProblemAsync(lateApproval, HttpStatusCode.Conflict));
        await using var db = app.NewContext();
        Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retried_waiting_record_with_the_same_key_answers_the_same_and_a_changed_one_is_a_conflict(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));

        HttpRequestMessage Request(int amount) => new(HttpMethod.Post, $"/api/v1/villages/{v.VillageCode}/households/1/entries")
        {
            Headers = { { "Idempotency-Key", "door-0001-a" } },
            Content = JsonContent.Create(new { amount, kind = "Award", reason = "救助落水儿童" }),
        };

        var first = await member.SendAsync(Request(90));
        var retry = await member.SendAsync(Request(90));
        var changed = await member.SendAsync(Request(95));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, retry.StatusCode));
        Assert.Equal((await first.Content.ReadFromJsonAsync<DirectRecordView>())!.Number, (await retry.Content.ReadFromJsonAsync<DirectRecordView>())!.Number);
        Assert.Equal("idempotency.conflict", await Problems.AssertProblemAsync(changed, HttpStatusCode.Conflict));
        await using var db = app.NewContext();
        Assert.Equal(1, await db.DirectRecords.CountAsync(r => r.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_retried_approval_with_its_key_answers_the_same_and_the_key_cannot_resolve_another_record(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var chair = await app.ClientAsync(TestApp.In(v, Role.CommitteeChair));
        var first = await RecordWaitingAsync(member, v, 30);
        var second = await RecordWaitingAsync(member, v, 35);

        HttpRequestMessage Resolve(long number, string action) => new(HttpMethod.Post, $"/api/v1/villages/{v.VillageCode}/direct-records/{number}/{action}")
        {
            Headers = { { "Idempotency-Key", "approve-7c1e" } },
            Content = JsonContent.Create(new { reason = "核实无误" }),
        };

        var approved = await chair.SendAsync(Resolve(first.Number, "approval"));
        var retried = await chair.SendAsync(Resolve(first.Number, "approval"));
        var reused = await chair.SendAsync(Resolve(second.Number, "rejection"));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (approved.StatusCode, retried.StatusCode));
        Assert.Equal((await approved.Content.ReadFromJsonAsync<DirectRecordView>())!.EntryNumber,
            (await retried.Content.ReadFromJsonAsync<DirectRecordView>())!.EntryNumber);
        Assert.Equal("idempotency.conflict", await Problems.AssertProblemAsync(reused, HttpStatusCode.Conflict));
        await using var db = app.NewContext();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
        Assert.Equal(DirectRecordState.Pending, await db.DirectRecords.Where(r => r.VillageId == v.VillageId && r.Number == second.Number)
            .Select(r => r.State).SingleAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Direct_records_are_committee_business(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.ClientAsync(TestApp.In(v, Role.CommitteeMember));
        var gridWorker = await app.ClientAsync(TestApp.In(v, Role.GridWorker));
        var waiting = await RecordWaitingAsync(member, v, 30);

        var list = await gridWorker.GetAsync($"/api/v1/villages/{v.VillageCode}/direct-records?state=Pending");
        var approval = await gridWorker.PostAsync($"/api/v1/villages/{v.VillageCode}/direct-records/{waiting.Number}/approval", null);

        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(list, HttpStatusCode.Forbidden));
        Assert.Equal("access.forbidden", await Problems.AssertProblemAsync(approval, HttpStatusCode.Forbidden));
    }

    private static async Task<DirectRecordView> RecordWaitingAsync(HttpClient member, ArrangedVillage v, int amount)
    {
        var response = await member.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households/1/entries",
            new { amount, kind = "Award", reason = "组织村道清扫" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DirectRecordView>())!;
    }
}
