using System.Net;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Households;

/// <summary>Recording from a household's page: the preview says what will happen, the confirmation does it.</summary>
public sealed class HouseholdRecordPageTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_member_recording_on_their_own_household_is_told_it_waits_and_it_waits(DatabaseProvider provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var member = await app.PageClientAsync("测试户1", TestApp.In(v, Role.CommitteeMember), TestApp.In(v, Role.Villager, householdNumber: 1));
        var path = $"/villages/{v.VillageCode}/households/1";
        const string formKey = "0123456789abcdef0123456789abcdef";

        var previewPath = $"{path}?handler=Preview&FormKey={formKey}&Kind=Award&Amount=5&Reason={Uri.EscapeDataString("打扫村道")}";
        var preview = WebUtility.HtmlDecode(await member.GetStringAsync(previewPath));
        Assert.Contains("这是您自家的记录：确认后还要另一位委员批准，才会记入积分。", preview, StringComparison.Ordinal);
        var confirmed = await member.PostAsync($"{path}?handler=Record", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await PageClients.FormTokenAsync(member, previewPath),
            ["FormKey"] = formKey,
            ["Kind"] = "Award",
            ["Amount"] = "5",
            ["Reason"] = "打扫村道",
        }));

        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Matches(@"\?record=1$", confirmed.Headers.Location?.OriginalString ?? "");
        var result = WebUtility.HtmlDecode(await member.GetStringAsync(confirmed.Headers.Location!.OriginalString));
        Assert.Contains("已提交待审记录 1：这是您自家的记录，另一位委员批准后才记入积分。", result, StringComparison.Ordinal);
        await using var db = app.NewContext();
        Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.VillageId == v.VillageId));
        Assert.Equal(DirectRecordState.Pending, await db.DirectRecords.Where(r => r.VillageId == v.VillageId).Select(r => r.State).SingleAsync());
    }
}
