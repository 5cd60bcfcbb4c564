using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Rules;
using VillagePoints.TestSupport;

namespace VillagePoints.Core.Tests.Rules;

public sealed class RuleBookTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_households_totals_under_a_rule_count_its_day_month_and_year_and_leave_out_reversed_entries(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, 2);
        var rule = Guid.CreateVersion7();
        var other = Guid.CreateVersion7();
        await using var db = database.NewContext();
        var posting = new LedgerPosting(db, TimeProvider.System);
        async Task<LedgerEntry> Post(int household, int amount, DateOnly on, Guid ruleId) =>
            await posting.PostAsync(new PostEntry(v.VillageId, v.HouseholdIds[household - 1], amount, EntryKind.Award, "清理卫生死角",
                SourceKinds.Committee, OccurredOn: on, RuleId: ruleId, RuleVersion: 1));
        await Post(1, 5, new DateOnly(2025, 5, 10), rule);
        await Post(1, 5, new DateOnly(2025, 5, 10), rule);
        var reversed = await Post(1, 5, new DateOnly(2025, 5, 10), rule);
        await Post(1, 5, new DateOnly(2025, 5, 20), rule);
        await Post(1, 5, new DateOnly(2025, 3, 1), rule);
        await Post(1, 5, new DateOnly(2024, 12, 31), rule);
        await Post(1, 7, new DateOnly(2025, 5, 10), other);
        await Post(2, 9, new DateOnly(2025, 5, 10), rule);
        await posting.ReverseAsync(new ReverseEntry(v.VillageId, reversed.Number, "重复记录", null));

        var totals = await new RuleBook(db, TimeProvider.System).TotalsAsync(v.VillageId, v.HouseholdIds[0], rule, new DateOnly(2025, 5, 10));

        Assert.Equal(new HouseholdTotals(10, 15, 20), totals);
    }
}
