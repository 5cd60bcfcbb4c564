using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using VillagePoints.Web.Cli;

namespace VillagePoints.Web.Tests.Cli;

/// <summary>The checkpoint, checkpoints and signing-key verbs, and what verify makes of checkpoints and printed heads.</summary>
public sealed class CheckpointVerbsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "villagepoints-tests", "cli-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkpoint_ThenVerify_CountsTheCheckpointAndExitsZero(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        Assert.Equal(0, (await RunAsync(database, "signing-key", "--create")).Exit);

        var (exit, output, error) = await RunAsync(database, "checkpoint", "--village", v.VillageCode);
        var verified = await RunAsync(database, "verify", "--village", v.VillageCode);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.StartsWith($"{v.VillageCode}: checkpoint 1 at entry 4, hash ", output, StringComparison.Ordinal);
        Assert.True(verified.Exit == 0, $"exit {verified.Exit}: {verified.Error}");
        Assert.Contains("4 entries, 1 checkpoints", verified.Output, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkpoint_WithoutASigningKey_SaysHowToCreateOneAndSignsNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);

        var (exit, _, error) = await RunAsync(database, "checkpoint", "--village", v.VillageCode);

        Assert.Equal(1, exit);
        Assert.Contains("signing-key --create", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "signing.pem")));
        await using var db = database.NewContext();
        Assert.Equal(0, await db.LedgerCheckpoints.CountAsync(c => c.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Checkpoints_Json_ExportsEachSignedHeadWithAPublicKeyThatChecksIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        await RunAsync(database, "signing-key", "--create");
        await RunAsync(database, "checkpoint", "--village", v.VillageCode);

        var (exit, output, error) = await RunAsync(database, "checkpoints", "--village", v.VillageCode, "--json");

        Assert.True(exit == 0, $"exit {exit}: {error}");
        using var json = JsonDocument.Parse(output);
        var checkpoint = Assert.Single(json.RootElement.GetProperty("checkpoints").EnumerateArray());
        var keyId = checkpoint.GetProperty("keyId").GetString()!;
        var publicKey = Assert.Single(json.RootElement.GetProperty("publicKeys").EnumerateArray());
        Assert.Equal(keyId, publicKey.GetProperty("keyId").GetString());
        using var key = ECDsa.Create();
        key.ImportFromPem(publicKey.GetProperty("publicKey").GetString());
        var signed = LedgerCheckpoint.SignedBytes(v.VillageId, v.VillageCode, checkpoint.GetProperty("entryNumber").GetInt64(),
            checkpoint.GetProperty("headHash").GetString()!, checkpoint.GetProperty("signedAt").GetDateTimeOffset(), keyId);
        Assert.True(key.VerifyData(signed, Convert.FromBase64String(checkpoint.GetProperty("signature").GetString()!),
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_HistoryRewrittenAfterACheckpoint_ExitsTwoNamingTheCheckpoint(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        await RunAsync(database, "signing-key", "--create");
        await RunAsync(database, "checkpoint", "--village", v.VillageCode);

        await RehashWithAmountAsync(database, v, entryNumber: 3, amount: 500);
        var (exit, _, error) = await RunAsync(database, "verify", "--village", v.VillageCode);

        Assert.Equal(2, exit);
        Assert.Contains($"FAILED: village {v.VillageCode}, entry 4, household 2: checkpoint 1 signed entry 4 with hash ", error, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_PrintedHeadThatMatches_ExitsZeroAndSaysSo(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        var hash = await HashOfAsync(database, v, 3);

        var (exit, output, error) = await RunAsync(database, "verify", "--village", v.VillageCode, "--head", $"3:{hash.ToUpperInvariant()}");

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Contains($"the printed head 3:{hash} matches", output, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_PrintedHeadThatDiffers_ExitsTwoNamingTheEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        var other = await HashOfAsync(database, v, 2);

        var wrong = await RunAsync(database, "verify", "--village", v.VillageCode, "--head", $"3:{other}");
        var missing = await RunAsync(database, "verify", "--village", v.VillageCode, "--head", $"9:{other}");

        Assert.Equal(2, wrong.Exit);
        Assert.Contains($"FAILED: village {v.VillageCode}, entry 3: the printed head does not verify: every entry up to 3 recomputes, but entry 3 now has hash ",
            wrong.Error, StringComparison.Ordinal);
        Assert.Contains($", not the printed {other}: the chain was rewritten", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.Exit);
        Assert.Contains($"entry 9: The ledger of {v.VillageCode} ends at entry 4; there is no entry 9.", missing.Error, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_AmountChangedWithSqlBeforeThePrintedHead_ExitsTwoNamingThatEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        var printed = $"4:{await HashOfAsync(database, v, 4)}";

        await SetAmountWithSqlAsync(database, v, entryNumber: 2, amount: 150);
        var (exit, _, error) = await RunAsync(database, "verify", "--village", v.VillageCode, "--head", printed);

        Assert.Equal(2, exit);
        Assert.Contains($"FAILED: village {v.VillageCode}, entry 2: the printed head does not verify: entry 2 no longer matches its own hash", error, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_EntryChangedAfterThePrintedHead_SaysTheHeadMatchesButStillFailsOnTheLaterEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        var hash = await HashOfAsync(database, v, 3);

        await SetAmountWithSqlAsync(database, v, entryNumber: 4, amount: -50);
        var (exit, output, error) = await RunAsync(database, "verify", "--village", v.VillageCode, "--head", $"3:{hash}");

        Assert.Equal(2, exit);
        Assert.Contains($"The printed head 3:{hash} matches: the ledger up to entry 3 is unchanged since it was printed.", output, StringComparison.Ordinal);
        Assert.Contains($"FAILED: village {v.VillageCode}, entry 4, household 2: its content does not match its hash", error, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_PrintedHeadOfAChainRewrittenAfterACheckpoint_NamesTheCheckpointToo(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        await RunAsync(database, "signing-key", "--create");
        await RunAsync(database, "checkpoint", "--village", v.VillageCode);
        var printed = $"4:{await HashOfAsync(database, v, 4)}";

        await RehashWithAmountAsync(database, v, entryNumber: 3, amount: 500);
        var (exit, _, error) = await RunAsync(database, "verify", "--village", v.VillageCode, "--head", printed);

        Assert.Equal(2, exit);
        Assert.Contains($"FAILED: village {v.VillageCode}, entry 4: the printed head does not verify: every entry up to 4 recomputes", error, StringComparison.Ordinal);
        Assert.Contains("; signed checkpoint 1 at entry 4 no longer matches either", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PrintedHeadOfAnUnknownVillage_ExitsOneSayingSo()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeWithHistoryAsync(database);
        var hash = await HashOfAsync(database, v, 3);

        var (exit, _, error) = await RunAsync(database, "verify", "--village", "no-such-village", "--head", $"3:{hash}");

        Assert.Equal(1, exit);
        Assert.Contains("No such village.", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("3:abc")]
    [InlineData("x:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Verify_MalformedPrintedHead_ExitsOneAndSaysWhatItTakes(string head)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeWithHistoryAsync(database);

        var (exit, _, error) = await RunAsync(database, "verify", "--village", v.VillageCode, "--head", head);

        Assert.Equal(1, exit);
        Assert.Contains("--head takes ENTRY:HASH", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PrintedHeadWithoutAVillage_ExitsOne()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var v = await ArrangeWithHistoryAsync(database);
        var hash = await HashOfAsync(database, v, 3);

        var (exit, _, error) = await RunAsync(database, "verify", "--head", $"3:{hash}");

        Assert.Equal(1, exit);
        Assert.Contains("--head needs --village", error, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_ChainHeadRowDeleted_ExitsTwoSayingItIsMissing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeWithHistoryAsync(database);
        await using (var db = database.NewContext())
            await db.VillageLedgerHeads.Where(h => h.VillageId == v.VillageId).ExecuteDeleteAsync();

        var (exit, _, error) = await RunAsync(database, "verify", "--village", v.VillageCode);

        Assert.Equal(2, exit);
        Assert.Contains("the chain head is missing", error, StringComparison.Ordinal);
    }

    /// <summary>Two households with base grants, one award and one deduction: entries 1–4.</summary>
    private static async Task<ArrangedVillage> ArrangeWithHistoryAsync(TestDatabase database)
    {
        var v = await VillageBuilder.ArrangeAsync(database, 2);
        await using var db = database.NewContext();
        await new LedgerPosting(db, TimeProvider.System).PostBatchAsync(v.VillageId,
        [
            new PostEntry(v.VillageId, v.HouseholdIds[0], 100, EntryKind.BaseGrant, "基础分", SourceKinds.Opening),
            new PostEntry(v.VillageId, v.HouseholdIds[1], 100, EntryKind.BaseGrant, "基础分", SourceKinds.Opening),
            new PostEntry(v.VillageId, v.HouseholdIds[0], 10, EntryKind.Award, "参与志愿服务", SourceKinds.Patrol),
            new PostEntry(v.VillageId, v.HouseholdIds[1], -5, EntryKind.Deduction, "乱倒垃圾", SourceKinds.Patrol),
        ]);
        return v;
    }

    private static async Task<string> HashOfAsync(TestDatabase database, ArrangedVillage v, long number)
    {
        await using var db = database.NewContext();
        return await db.LedgerEntries.Where(e => e.VillageId == v.VillageId && e.Number == number).Select(e => e.Hash).SingleAsync();
    }

    /// <summary>Someone with database access changes an amount and nothing else.</summary>
    private static async Task SetAmountWithSqlAsync(TestDatabase database, ArrangedVillage v, long entryNumber, int amount)
    {
        await using var db = database.NewContext();
        var rows = await db.Database.ExecuteSqlAsync($"""
            UPDATE "LedgerEntries" SET "Amount" = {amount}
            WHERE "Number" = {entryNumber} AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        Assert.Equal(1, rows);
    }

    /// <summary>A forger with database access: changes an amount, then recomputes every hash, the head and the balance.</summary>
    private static async Task RehashWithAmountAsync(TestDatabase database, ArrangedVillage v, long entryNumber, int amount)
    {
        await using var db = database.NewContext();
        var entries = await db.LedgerEntries.Where(e => e.VillageId == v.VillageId).OrderBy(e => e.Number).ToListAsync();
        var changed = entries.Single(e => e.Number == entryNumber);
        var balance = await db.HouseholdBalances.SingleAsync(b => b.VillageId == v.VillageId && b.HouseholdId == changed.HouseholdId);
        balance.Total += amount - changed.Amount;
        balance.Publicised += amount - changed.Amount;
        if (changed.Kind == EntryKind.Award)
            balance.Earned += amount - changed.Amount;
        changed.Amount = amount;
        var previous = LedgerHash.Genesis;
        foreach (var e in entries)
        {
            e.PreviousHash = previous;
            e.Hash = previous = LedgerHash.Compute(e);
        }
        var head = await db.VillageLedgerHeads.SingleAsync(h => h.VillageId == v.VillageId);
        head.LastHash = previous;
        await db.SaveChangesAsync();
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(TestDatabase database, params string[] args)
    {
        var key = database.Provider == DatabaseProvider.Postgres ? "ConnectionStrings:Postgres" : "ConnectionStrings:Sqlite";
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliVerbs.RunAsync(args, new Dictionary<string, string?>
        {
            [key] = database.ConnectionString,
            ["Ledger:SigningKeyPath"] = Path.Combine(folder, "signing.pem"),
            ["Ledger:PublicKeysPath"] = Path.Combine(folder, "public"),
        }, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
