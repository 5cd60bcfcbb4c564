using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>
/// A chain head printed on a notice, checked later against the ledger. Tampering is done with raw SQL or by
/// recomputing the whole chain, as someone with database access could.
/// </summary>
public sealed class PrintedHeadVerificationTests : IDisposable
{
    private readonly KeyFolder keys = new();

    public void Dispose() => keys.Dispose();

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_UntouchedLedger_IsIntactAndCountsTheEntriesUpToTheHead(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        var printed = await PrintedAsync(database, v, 4);

        var report = await VerifyAsync(database, v, printed with { Hash = printed.Hash.ToUpperInvariant() });

        Assert.True(report.Intact, report.What);
        Assert.Equal((PrintedHeadFinding.Intact, 4L, (long?)null), (report.Finding, report.CheckedEntries, report.FirstDifferingEntry));
        Assert.Equal(printed, report.Head);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_AmountChangedInTheDatabase_NamesThatEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        var printed = await PrintedAsync(database, v, 5);

        await TamperAsync(database, $"""
            UPDATE "LedgerEntries" SET "Amount" = 60
            WHERE "Number" = 3 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        var report = await VerifyAsync(database, v, printed);

        Assert.False(report.Intact);
        Assert.Equal((PrintedHeadFinding.EntryChanged, (long?)3), (report.Finding, report.FirstDifferingEntry));
        Assert.Equal("entry 3 no longer matches its own hash (its content was changed); the ledger up to entry 5 is not the one printed", report.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_EntryAfterThePrintedHeadChanged_IsStillIntactForTheHead(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        var printed = await PrintedAsync(database, v, 3);

        await TamperAsync(database, $"""
            UPDATE "LedgerEntries" SET "Amount" = 60
            WHERE "Number" = 4 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        var atThree = await VerifyAsync(database, v, printed);
        var atFive = await VerifyAsync(database, v, await PrintedAsync(database, v, 5));

        Assert.True(atThree.Intact, atThree.What);
        Assert.Equal(3, atThree.CheckedEntries);
        Assert.Equal(4, atFive.FirstDifferingEntry);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_EntryDeletedBeforeTheHead_NamesTheMissingEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        var printed = await PrintedAsync(database, v, 5);

        await TamperAsync(database, $"""
            DELETE FROM "LedgerEntries"
            WHERE "Number" = 2 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        var report = await VerifyAsync(database, v, printed);

        Assert.Equal((PrintedHeadFinding.EntryChanged, (long?)2), (report.Finding, report.FirstDifferingEntry));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_WholeChainRewrittenConsistently_NamesThePrintedEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        var printed = await PrintedAsync(database, v, 4);

        await ChainForgery.RewriteAsync(database, v, e => e.Amount = e.Number == 2 ? 60 : e.Amount);
        var report = await VerifyAsync(database, v, printed);

        Assert.Equal((PrintedHeadFinding.ChainRewritten, 4L, (long?)4), (report.Finding, report.CheckedEntries, report.FirstDifferingEntry));
        Assert.Null(report.MismatchedCheckpoint);
        Assert.StartsWith("every entry up to 4 recomputes, but entry 4 now has hash ", report.What, StringComparison.Ordinal);
        Assert.EndsWith($", not the printed {printed.Hash}: the chain was rewritten", report.What, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_ChainRewrittenBehindASignedCheckpoint_NamesTheCheckpoint(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database, entries: 3);
        await using (var db = database.NewContext())
            await new LedgerCheckpoints(db, TimeProvider.System, keys.Keys).CreateCheckpointAsync(v.VillageId);
        await using (var db = database.NewContext())
        {
            await Posting(db).PostAsync(Award(v, 1, 3));
            await Posting(db).PostAsync(Adjustment(v, 3, -1));
        }
        var printed = await PrintedAsync(database, v, 5);

        await ChainForgery.RewriteAsync(database, v, e => e.Amount = e.Number == 2 ? 60 : e.Amount);
        var withKeys = await VerifyAsync(database, v, printed, keys.Keys.Keyring());
        var withoutKeys = await VerifyAsync(database, v, printed);

        Assert.Equal((PrintedHeadFinding.ChainRewritten, (long?)5), (withKeys.Finding, withKeys.FirstDifferingEntry));
        Assert.Equal(new CheckpointMismatch(1, 3), withKeys.MismatchedCheckpoint);
        Assert.EndsWith("; signed checkpoint 1 at entry 3 no longer matches either, so the rewrite reaches back to entry 3 or earlier", withKeys.What, StringComparison.Ordinal);
        // Without the keyring a checkpoint row is just another row an intruder could have written.
        Assert.Null(withoutKeys.MismatchedCheckpoint);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00000000000000000000000000000000000000000000000000000000000000000")]
    public async Task VerifyAsync_MalformedHash_IsRefusedAsMalformed(string hash)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeLedgerAsync(database);

        var ex = await Assert.ThrowsAsync<DomainException>(() => VerifyAsync(database, v, new PrintedHead(3, hash)));

        Assert.Equal(PrintedHead.HashMalformed, ex.Code);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VerifyAsync_EntryOutsideTheLedgerOrUnknownVillage_IsRefusedWithItsCode(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        var hash = (await PrintedAsync(database, v, 5)).Hash;

        Assert.Equal(PrintedHead.EntryMalformed, await OutcomeAsync(() => VerifyAsync(database, v, new PrintedHead(0, hash))));
        Assert.Equal(PrintedHead.EntryUnknown, await OutcomeAsync(() => VerifyAsync(database, v, new PrintedHead(6, hash))));
        Assert.Equal("village.not-found", await OutcomeAsync(async () =>
        {
            await using var db = database.NewContext();
            await new PrintedHeadVerification(db).VerifyAsync("no-such-village", new PrintedHead(5, hash));
        }));
    }

    [Fact]
    public void Parse_OneField_SplitsAtTheColonAndLowersTheHash()
    {
        var hash = new string('A', 64);

        Assert.Equal(new PrintedHead(1234, new string('a', 64)), PrintedHead.Parse($" 1234:{hash} "));
        Assert.Equal(PrintedHead.EntryMalformed, Assert.Throws<DomainException>(() => PrintedHead.Parse(hash)).Code);
        Assert.Equal(PrintedHead.EntryMalformed, Assert.Throws<DomainException>(() => PrintedHead.Parse($"-3:{hash}")).Code);
        Assert.Equal(PrintedHead.HashMalformed, Assert.Throws<DomainException>(() => PrintedHead.Parse("12:abc")).Code);
    }

    private static async Task<PrintedHead> PrintedAsync(TestDatabase database, ArrangedVillage v, long entry) =>
        new(entry, (await EntriesAsync(database, v)).Single(e => e.Number == entry).Hash);

    private static async Task<PrintedHeadReport> VerifyAsync(TestDatabase database, ArrangedVillage v, PrintedHead head, CheckpointKeyring? keyring = null)
    {
        await using var db = database.NewContext();
        return await new PrintedHeadVerification(db, keyring).VerifyAsync(v.VillageCode, head);
    }

    /// <summary>Up to five entries: 1 and 4 for household 1, 2 and 3 for household 2, 5 for household 3.</summary>
    private static async Task<ArrangedVillage> ArrangeLedgerAsync(TestDatabase database, int entries = 5)
    {
        var v = await VillageBuilder.ArrangeAsync(database);
        await using var db = database.NewContext();
        var posting = Posting(db);
        PostEntry[] all = [Award(v, 1, 10), Award(v, 2, 6), Deduction(v, 2, 2), Award(v, 1, 3), Adjustment(v, 3, -1)];
        foreach (var command in all.Take(entries))
            await posting.PostAsync(command);
        return v;
    }
}
