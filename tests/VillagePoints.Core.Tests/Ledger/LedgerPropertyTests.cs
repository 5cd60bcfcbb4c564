using CsCheck;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>
/// Random sequences of ledger operations against a real SQLite database, checked step by step
/// against a simple in-memory model and, at the end, against the ledger invariants.
/// </summary>
public sealed class LedgerPropertyTests
{
    private const int Iterations = 25;
    private const int Households = 3;

    private abstract record Op;

    private sealed record PostOp(EntryKind Kind, int Household, int Size, bool Negative, bool Effective, string? Key) : Op;

    private sealed record ReverseOp(int Pick, string? Key) : Op;

    /// <summary>Sends an earlier keyed command again, byte for byte, as a client retry would.</summary>
    private sealed record ReplayOp(int Pick) : Op;

    // A small key pool makes repeated keys, with the same or a different request, common.
    private static readonly Gen<string?> GenKey = Gen.Int[0, 6].Select(k => k < 4 ? $"k{k}" : null);

    private static readonly Gen<Op> GenPost = Gen.Select(
        Gen.OneOfConst(EntryKind.Award, EntryKind.Deduction, EntryKind.Adjustment),
        Gen.Int[1, Households], Gen.Int[1, 50], Gen.Bool, Gen.Bool, GenKey,
        (kind, household, size, negative, effective, key) => (Op)new PostOp(kind, household, size, negative, effective, key));

    private static readonly Gen<Op> GenReverse = Gen.Select(Gen.Int[0, 1000], GenKey, (pick, key) => (Op)new ReverseOp(pick, key));

    private static readonly Gen<Op> GenReplay = Gen.Int[0, 1000].Select(pick => (Op)new ReplayOp(pick));

    private static readonly Gen<List<Op>> GenOps = Gen.Frequency((5, GenPost), (3, GenReverse), (2, GenReplay)).List[1, 30];

    [Fact]
    public async Task LedgerOperations_AnySequence_KeepBalancesChainAndIdempotencyRules()
    {
        await GenOps.SampleAsync(RunAsync, iter: Iterations, print: ops => string.Join("; ", ops));
    }

    [Fact]
    public async Task PostAsync_AnyTwoCommandsWithOneKey_ReplayTheFirstOrConflict()
    {
        var gen = Gen.Select(GenPost, GenPost);
        await gen.SampleAsync(async (first, second) =>
        {
            await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
            var v = await VillageBuilder.ArrangeAsync(database, Households);
            var a = ToCommand(v, (PostOp)first with { Key = "same" });
            var b = ToCommand(v, (PostOp)second with { Key = "same" });

            LedgerEntry recorded, replayed;
            await using (var db = database.NewContext())
                recorded = await Posting(db).PostAsync(a);
            await using (var db = database.NewContext())
                replayed = await Posting(db).PostAsync(a);
            Assert.Equal(recorded.Id, replayed.Id);

            await using (var db = database.NewContext())
            {
                if (a == b)
                    Assert.Equal(recorded.Id, (await Posting(db).PostAsync(b)).Id);
                else
                    Assert.Equal("idempotency.conflict", (await Assert.ThrowsAsync<DomainException>(() => Posting(db).PostAsync(b))).Code);
            }
            Assert.Single(await EntriesAsync(database, v));
        }, iter: Iterations);
    }

    private static PostEntry ToCommand(ArrangedVillage v, PostOp p)
    {
        var amount = p.Kind switch
        {
            EntryKind.Award => p.Size,
            EntryKind.Deduction => -p.Size,
            _ => p.Negative ? -p.Size : p.Size,
        };
        return new PostEntry(v.VillageId, v.HouseholdIds[p.Household - 1], amount, p.Kind, "随机操作", SourceKinds.Committee,
            State: p.Effective ? EntryState.Effective : EntryState.Publicised, IdempotencyKey: p.Key);
    }

    private static async Task RunAsync(List<Op> ops)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var v = await VillageBuilder.ArrangeAsync(database, Households);
        var model = new Model();

        foreach (var op in ops)
        {
            object? command = op switch
            {
                PostOp p => ToCommand(v, p),
                ReverseOp r => new ReverseEntry(v.VillageId, model.Entries.Count == 0 ? 1 : model.Entries[r.Pick % model.Entries.Count].Number,
                    "冲正", null, r.Key),
                ReplayOp r => model.Sent.Count == 0 ? null : model.Sent[r.Pick % model.Sent.Count],
                _ => throw new InvalidOperationException(op.ToString()),
            };
            if (command is not null)
                await SendAsync(database, v, model, command);
        }

        var entries = await EntriesAsync(database, v);
        Assert.Equal(model.Entries.Select(e => (e.Number, e.Id, e.Amount)), entries.Select(e => (e.Number, e.Id, e.Amount)));
        await using var db = database.NewContext();
        var balances = await db.HouseholdBalances.AsNoTracking().Where(b => b.VillageId == v.VillageId).ToDictionaryAsync(b => b.HouseholdId);
        for (var number = 1; number <= Households; number++)
        {
            var id = v.HouseholdIds[number - 1];
            var mine = entries.Where(e => e.HouseholdId == id).ToList();
            var stored = balances.GetValueOrDefault(id);
            Assert.Equal(mine.Sum(e => (long)e.Amount), stored?.Total ?? 0);
            Assert.Equal(mine.Where(e => e.State == EntryState.Effective).Sum(e => (long)e.Amount), stored?.Effective ?? 0);
            Assert.Equal(mine.Where(e => e.State == EntryState.Publicised).Sum(e => (long)e.Amount), stored?.Publicised ?? 0);
        }
        var report = await new LedgerVerifier(db).VerifyAsync(v.VillageCode);
        Assert.True(report.Sound, report.FirstProblem?.What);
    }

    private static async Task SendAsync(TestDatabase database, ArrangedVillage v, Model model, object command)
    {
        var key = command switch
        {
            PostEntry p => p.IdempotencyKey,
            ReverseEntry r => r.IdempotencyKey,
            _ => null,
        };
        await using var db = database.NewContext();
        var posting = Posting(db);
        Task<LedgerEntry> Send() => command is PostEntry p ? posting.PostAsync(p) : posting.ReverseAsync((ReverseEntry)command);

        if (key is not null && model.Keyed.TryGetValue(key, out var prior))
        {
            if (prior.Command.Equals(command))
                Assert.Equal(prior.Number, (await Send()).Number);
            else
                Assert.Equal("idempotency.conflict", (await Assert.ThrowsAsync<DomainException>(Send)).Code);
            return;
        }

        string? refusal = null;
        ModelEntry? target = null;
        if (command is ReverseEntry reverse)
        {
            target = model.Entries.SingleOrDefault(e => e.Number == reverse.EntryNumber);
            refusal = target switch
            {
                null => "entry.not-found",
                { Kind: EntryKind.Reversal } => "entry.reverse-reversal",
                { Reversed: true } => "entry.already-reversed",
                _ => null,
            };
        }
        if (key is not null)
            model.Sent.Add(command);
        if (refusal is not null)
        {
            Assert.Equal(refusal, (await Assert.ThrowsAsync<DomainException>(Send)).Code);
            return;
        }

        var entry = await Send();
        Assert.Equal(model.Entries.Count + 1, entry.Number);
        if (target is not null)
        {
            Assert.Equal(-target.Amount, entry.Amount);
            Assert.Equal(target.Id, entry.ReversesEntryId);
            target.Reversed = true;
        }
        model.Entries.Add(new ModelEntry(entry.Number, entry.Id, entry.Kind, entry.Amount));
        if (key is not null)
            model.Keyed[key] = (command, entry.Number);
    }

    private sealed class Model
    {
        public List<ModelEntry> Entries { get; } = [];
        public Dictionary<string, (object Command, long Number)> Keyed { get; } = [];
        public List<object> Sent { get; } = [];
    }

    private sealed record ModelEntry(long Number, Guid Id, EntryKind Kind, int Amount)
    {
        public bool Reversed { get; set; }
    }
}
