using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>
/// A checkpoint signs the chain head with a key kept outside the database. Each forgery below recomputes
/// every hash, the head and the balances, so the database agrees with itself and only the checkpoint tells.
/// </summary>
public sealed class LedgerCheckpointTests : IDisposable
{
    private readonly KeyFolder keys = new();

    public void Dispose() => keys.Dispose();

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateCheckpointAsync_SignsTheHead_AndVerifyAcceptsIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        var checkpoint = await CheckpointAsync(database, v);

        var head = (await EntriesAsync(database, v))[^1];
        Assert.Equal((1, 5L, head.Hash, keys.Keys.SigningKey!.KeyId), (checkpoint!.Number, checkpoint.EntryNumber, checkpoint.HeadHash, checkpoint.KeyId));
        var report = await VerifyWithKeysAsync(database, v);
        Assert.True(report.Sound, report.FirstProblem?.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateCheckpointAsync_HeadNotMoved_ReturnsTheSameCheckpoint_AndAMovedHeadGetsTheNext(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        var first = await CheckpointAsync(database, v);
        var again = await CheckpointAsync(database, v);
        await using (var db = database.NewContext())
            await Posting(db).PostAsync(Award(v, 3, 2));
        var next = await CheckpointAsync(database, v);

        Assert.Equal((1, 5L), (again!.Number, again.EntryNumber));
        Assert.Equal((2, 6L), (next!.Number, next.EntryNumber));
        Assert.Equal(first!.Signature, again.Signature);
        Assert.True((await VerifyWithKeysAsync(database, v)).Sound);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateCheckpointAsync_TwoNodesAtOnce_StoreOneCheckpoint(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);

        var both = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var db = database.NewContext();
            return await new LedgerCheckpoints(db, TimeProvider.System, keys.Keys).CreateCheckpointAsync(v.VillageId);
        }));

        Assert.All(both, c => Assert.Equal((1, 5L), (c!.Number, c.EntryNumber)));
        await using var read = database.NewContext();
        Assert.Equal(1, await read.LedgerCheckpoints.CountAsync(c => c.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateCheckpointAsync_EmptyLedger_SignsNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database);

        Assert.Null(await CheckpointAsync(database, v));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateCheckpointAsync_WithoutASigningKey_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        var none = new CheckpointKeys(keys.Keys.Options with { SigningKeyPath = Path.Combine(keys.Folder, "absent.pem"), CreateIfMissing = false });
        await using var db = database.NewContext();

        var refused = await Assert.ThrowsAsync<DomainException>(() => new LedgerCheckpoints(db, TimeProvider.System, none).CreateCheckpointAsync(v.VillageId));

        Assert.Equal("checkpoint.no-signing-key", refused.Code);
        Assert.False(File.Exists(Path.Combine(keys.Folder, "absent.pem")));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateCheckpointAsync_HistoryRewrittenSinceTheLastCheckpoint_SignsNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        await CheckpointAsync(database, v);
        await using (var db = database.NewContext())
            await Posting(db).PostAsync(Award(v, 3, 2));

        await ChainForgery.RewriteAsync(database, v, e =>
        {
            if (e.Number == 2)
                e.Amount = 60;
        });
        await using var write = database.NewContext();
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            new LedgerCheckpoints(write, TimeProvider.System, keys.Keys).CreateCheckpointAsync(v.VillageId));

        Assert.Equal("checkpoint.chain-broken", refused.Code);
        Assert.Equal(1, await write.LedgerCheckpoints.CountAsync(c => c.VillageId == v.VillageId));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_ForgedAwardWithRecomputedHashesHeadAndBalances_NamesTheCheckpoint(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        await CheckpointAsync(database, v);

        await ChainForgery.RewriteAsync(database, v, e =>
        {
            if (e.Number == 2)
                e.Amount = 600;
        });
        var report = await VerifyWithKeysAsync(database, v);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(5, problem.EntryNumber);
        Assert.StartsWith("checkpoint 1 signed entry 5 with hash ", problem.What, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_TruncatedTail_NamesTheCheckpoint(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        await CheckpointAsync(database, v);

        await ChainForgery.TruncateAsync(database, v, lastKept: 3);
        var report = await VerifyWithKeysAsync(database, v);

        var problem = Assert.Single(report.Problems);
        Assert.Equal("checkpoint 1 signed entry 5, but the ledger now ends at entry 3 (entries were removed)", problem.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_RehashedHistory_NamesEveryCheckpointItPassesThrough(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database, entries: 3);
        await CheckpointAsync(database, v);
        await using (var db = database.NewContext())
            await Posting(db).PostAsync(Award(v, 3, 2));
        await CheckpointAsync(database, v);

        await ChainForgery.RewriteAsync(database, v, e =>
        {
            if (e.Number == 1)
                e.Reason = "另一个理由";
        });
        var report = await VerifyWithKeysAsync(database, v);

        Assert.Equal([3L, 4L], report.Problems.Select(p => p.EntryNumber));
        Assert.StartsWith("checkpoint 1 signed entry 3", report.Problems[0].What, StringComparison.Ordinal);
        Assert.StartsWith("checkpoint 2 signed entry 4", report.Problems[1].What, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_TamperedSignature_NamesTheCheckpoint(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        var checkpoint = await CheckpointAsync(database, v);
        var forged = CheckpointSigningKey.Generate();

        // Moving the checkpoint to an earlier head needs a new signature; the key in the database is not it.
        await using (var db = database.NewContext())
        {
            var entry3 = (await EntriesAsync(database, v))[2];
            await db.LedgerCheckpoints.Where(c => c.VillageId == v.VillageId && c.Number == 1).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.EntryNumber, 3)
                .SetProperty(c => c.HeadHash, entry3.Hash)
                .SetProperty(c => c.Signature, forged.Sign(LedgerCheckpoint.SignedBytes(v.VillageId, v.VillageCode, 3, entry3.Hash, checkpoint!.SignedAt, checkpoint.KeyId))));
        }
        var report = await VerifyWithKeysAsync(database, v);

        var problem = Assert.Single(report.Problems);
        Assert.Equal("checkpoint 1's signature does not match its contents", problem.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_CheckpointSignedWithAKeyOutsideTheKeyring_IsReported(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database);
        await CheckpointAsync(database, v);
        using var other = new KeyFolder();

        await using var db = database.NewContext();
        var report = await new LedgerVerifier(db, other.Keys.Keyring()).VerifyAsync(v.VillageCode);

        var problem = Assert.Single(report.Problems);
        Assert.Equal($"checkpoint 1 was signed with key {keys.Keys.SigningKey!.KeyId}, which is not a trusted key", problem.What);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_DeletedCheckpoint_LeavesAGapThatIsReported(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database, entries: 3);
        await CheckpointAsync(database, v);
        await using (var db = database.NewContext())
            await Posting(db).PostAsync(Award(v, 3, 2));
        await CheckpointAsync(database, v);

        await TamperAsync(database, $"""
            DELETE FROM "LedgerCheckpoints"
            WHERE "Number" = 1 AND "VillageId" = (SELECT "Id" FROM "Villages" WHERE "Code" = {v.VillageCode})
            """);
        var report = await VerifyWithKeysAsync(database, v);

        var problem = Assert.Single(report.Problems);
        Assert.Equal("checkpoint 1 is missing (found checkpoint 2 next)", problem.What);
    }

    /// <summary>A lost or replaced key: new checkpoints use the new key, old ones verify with the old public key kept in the keyring folder.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verify_AfterTheSigningKeyIsReplaced_OldCheckpointsStillVerify(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await ArrangeLedgerAsync(database, entries: 3);
        var old = await CheckpointAsync(database, v);

        File.Delete(keys.Keys.Options.SigningKeyPath);
        var replaced = new CheckpointKeys(keys.Keys.Options);
        await using (var db = database.NewContext())
        {
            await Posting(db).PostAsync(Award(v, 3, 2));
            await new LedgerCheckpoints(db, TimeProvider.System, replaced).CreateCheckpointAsync(v.VillageId);
        }

        await using var read = database.NewContext();
        var report = await new LedgerVerifier(read, replaced.Keyring()).VerifyAsync(v.VillageCode);
        Assert.True(report.Sound, report.FirstProblem?.What);
        Assert.NotEqual(old!.KeyId, replaced.SigningKey!.KeyId);
        Assert.Equal([old.KeyId, replaced.SigningKey.KeyId], read.LedgerCheckpoints.Where(c => c.VillageId == v.VillageId).OrderBy(c => c.Number).Select(c => c.KeyId));
    }

    [Fact]
    public void SignedBytes_AreTheTagThenEachFieldLengthPrefixed()
    {
        var bytes = LedgerCheckpoint.SignedBytes(Guid.Parse("0197a000-0000-7000-8000-000000000001"), "shuixin", 42, "ab".PadRight(64, 'c'),
            new DateTimeOffset(2026, 3, 1, 0, 0, 5, TimeSpan.Zero), "0123456789abcdef");

        Assert.Equal(
            "16:vp-checkpoint-v1" + "32:0197a000000070008000000000000001" + "7:shuixin" + "2:42" + "64:" + "ab".PadRight(64, 'c')
            + "20:2026-03-01T00:00:05Z" + "16:0123456789abcdef",
            System.Text.Encoding.UTF8.GetString(bytes));
    }

    private Task<VerifyReport> VerifyWithKeysAsync(TestDatabase database, ArrangedVillage v)
    {
        var keyring = keys.Keys.Keyring();
        return Run();

        async Task<VerifyReport> Run()
        {
            await using var db = database.NewContext();
            return await new LedgerVerifier(db, keyring).VerifyAsync(v.VillageCode);
        }
    }

    private async Task<LedgerCheckpoint?> CheckpointAsync(TestDatabase database, ArrangedVillage v)
    {
        await using var db = database.NewContext();
        return await new LedgerCheckpoints(db, TimeProvider.System, keys.Keys).CreateCheckpointAsync(v.VillageId);
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

/// <summary>A signing key and keyring folder of its own, removed afterwards.</summary>
internal sealed class KeyFolder : IDisposable
{
    public KeyFolder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "villagepoints-tests", "keys-" + Guid.NewGuid().ToString("N"));
        Keys = new CheckpointKeys(new CheckpointKeyOptions(Path.Combine(Folder, "signing.pem"), Path.Combine(Folder, "public"), CreateIfMissing: true));
    }

    public string Folder { get; }
    public CheckpointKeys Keys { get; }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }
}
