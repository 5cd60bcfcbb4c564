using CsCheck;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.TestSupport;
using static VillagePoints.Core.Tests.Ledger.LedgerTestKit;

namespace VillagePoints.Core.Tests.Ledger;

/// <summary>
/// Random sequences of every ledger operation (single posts, batches, reversals, closing a month,
/// redemptions that may overdraw, retries with keys) against a real database of each provider.
/// An independent in-memory model decides, from the rules alone, what each call must answer and what
/// every household's Total, Effective, Publicised and Earned must be; the database is compared with it,
/// never with itself.
/// </summary>
public sealed class LedgerPropertyTests
{
    private const int Households = 3;

    public static TheoryData<DatabaseProvider, int> Runs => new()
    {
        { DatabaseProvider.Sqlite, 20 },
        // Each run makes its own database; PostgreSQL's are dearer, so it gets fewer.
        { DatabaseProvider.Postgres, 6 },
    };

    private abstract record Op;

    private sealed record PostOp(EntryKind Kind, int Household, int Size, bool Negative, bool Effective, string? Key) : Op;

    private sealed record BatchOp(IReadOnlyList<PostOp> Posts, bool Keyed) : Op
    {
        public override string ToString() => $"Batch(keyed: {Keyed}; {string.Join(", ", Posts)})";
    }

    private sealed record ReverseOp(int Pick, string? Key) : Op;

    /// <summary>Closes a month: the picked entries (and whatever follows them) take effect.</summary>
    private sealed record MakeEffectiveOp(IReadOnlyList<int> Picks) : Op
    {
        public override string ToString() => $"MakeEffective({string.Join(", ", Picks)})";
    }

    /// <summary>Sends an earlier keyed request again, byte for byte, as a client retry would.</summary>
    private sealed record ReplayOp(int Pick) : Op;

    // A small key pool makes repeated keys, for the same request, another request or another operation, common.
    private static readonly Gen<string?> GenKey = Gen.Int[0, 6].Select(k => k < 4 ? $"k{k}" : null);

    private static readonly Gen<EntryKind> GenKind = Gen.Frequency(
        (4, Gen.Const(EntryKind.Award)), (3, Gen.Const(EntryKind.Deduction)), (2, Gen.Const(EntryKind.Adjustment)),
        (4, Gen.Const(EntryKind.Redemption)), (1, Gen.Const(EntryKind.BaseGrant)));

    private static Gen<PostOp> GenPostWith(Gen<string?> key) => Gen.Select(
        GenKind, Gen.Int[1, Households], Gen.Int[1, 60], Gen.Bool, Gen.Bool, key,
        (kind, household, size, negative, effective, k) => new PostOp(kind, household, size, negative, effective, k));

    private static readonly Gen<Op> GenPost = GenPostWith(GenKey).Select(p => (Op)p);

    private static readonly Gen<Op> GenBatch = Gen.Select(GenPostWith(Gen.Const((string?)null)).List[2, 4], Gen.Bool,
        (posts, keyed) => (Op)new BatchOp(posts, keyed));

    private static readonly Gen<Op> GenReverse = Gen.Select(Gen.Int[0, 1000], GenKey, (pick, key) => (Op)new ReverseOp(pick, key));

    private static readonly Gen<Op> GenMakeEffective = Gen.Int[0, 1000].List[1, 4].Select(picks => (Op)new MakeEffectiveOp(picks));

    private static readonly Gen<Op> GenReplay = Gen.Int[0, 1000].Select(pick => (Op)new ReplayOp(pick));

    private static readonly Gen<(List<Op> Ops, bool SpendEarly)> GenRun = Gen.Select(
        Gen.Frequency((5, GenPost), (2, GenBatch), (3, GenReverse), (2, GenMakeEffective), (2, GenReplay)).List[1, 25],
        Gen.Bool,
        (ops, spendEarly) => (ops, spendEarly));

    [Theory, MemberData(nameof(Runs))]
    public async Task LedgerOperations_AnySequence_MatchAnIndependentModelOfEveryHouseholdAndState(DatabaseProvider provider, int iterations)
    {
        await GenRun.SampleAsync(run => RunAsync(provider, run.Ops, run.SpendEarly), iter: iterations, threads: 1,
            print: run => $"spend early: {run.SpendEarly}; " + string.Join("; ", run.Ops));
    }

    [Theory, MemberData(nameof(Runs))]
    public async Task PostAsync_AnyTwoCommandsWithOneKey_ReplayTheFirstOrConflict(DatabaseProvider provider, int iterations)
    {
        var gen = Gen.Select(GenPostWith(Gen.Const<string?>("same")), GenPostWith(Gen.Const<string?>("same")));
        await gen.SampleAsync(async (first, second) =>
        {
            await using var database = await TestDatabase.CreateAsync(provider);
            var v = await VillageBuilder.ArrangeAsync(database, Households);
            // Enough effective points that no redemption here is refused for want of them.
            await using (var db = database.NewContext())
                await Posting(db).PostBatchAsync(v.VillageId, [.. Enumerable.Range(1, Households).Select(h => Award(v, h, 100, state: EntryState.Effective))]);
            var a = ToCommand(v, first);
            var b = ToCommand(v, second);

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
            Assert.Equal(Households + 1, (await EntriesAsync(database, v)).Count);
        }, iter: iterations, threads: 1);
    }

    private static PostEntry ToCommand(ArrangedVillage v, PostOp p)
    {
        var amount = p.Kind switch
        {
            EntryKind.Award or EntryKind.BaseGrant => p.Size,
            EntryKind.Deduction or EntryKind.Redemption => -p.Size,
            _ => p.Negative ? -p.Size : p.Size,
        };
        return new PostEntry(v.VillageId, v.HouseholdIds[p.Household - 1], amount, p.Kind, "随机操作", SourceKinds.Committee,
            State: p.Effective ? EntryState.Effective : EntryState.Publicised, IdempotencyKey: p.Key);
    }

    private static async Task RunAsync(DatabaseProvider provider, List<Op> ops, bool spendEarly)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v = await VillageBuilder.ArrangeAsync(database, Households);
        await ChangeVillageAsync(database, v, village => village.Settings.AllowSpendBeforeEffective = spendEarly);
        var model = new Model(v, spendEarly);

        for (var i = 0; i < ops.Count; i++)
        {
            var index = i;
            object? command = ops[i] switch
            {
                PostOp p => ToCommand(v, p),
                BatchOp b => b.Posts.Select((p, j) => ToCommand(v, p with { Key = b.Keyed ? $"b{index}-{j}" : null })).ToList(),
                // One past the last entry, now and then, asks for an entry that does not exist.
                ReverseOp r => new ReverseEntry(v.VillageId, r.Pick % (model.Entries.Count + 1) + 1, "冲正", null, r.Key),
                MakeEffectiveOp m => m.Picks.Select(pick => (long)(pick % (model.Entries.Count + 1) + 1)).Distinct().ToList(),
                ReplayOp r => model.Sent.Count == 0 ? null : model.Sent[r.Pick % model.Sent.Count],
                _ => throw new InvalidOperationException(ops[i].ToString()),
            };
            if (command is not null)
                await SendAsync(database, model, command);
        }

        await AssertDatabaseMatchesAsync(database, v, model);
    }

    private static async Task SendAsync(TestDatabase database, Model model, object command)
    {
        await using var db = database.NewContext();
        var posting = Posting(db);
        switch (command)
        {
            case PostEntry single:
                await SendPostsAsync(model, [single], async () => [await posting.PostAsync(single)]);
                break;
            case List<PostEntry> batch:
                await SendPostsAsync(model, batch, () => posting.PostBatchAsync(model.Village.VillageId, batch));
                break;
            case ReverseEntry reverse:
                await SendReverseAsync(model, reverse, () => posting.ReverseAsync(reverse));
                break;
            case List<long> numbers:
                await SendMakeEffectiveAsync(model, numbers, () => posting.MakeEffectiveAsync(model.Village.VillageId, numbers));
                break;
            default:
                throw new InvalidOperationException(command.ToString());
        }
    }

    private static async Task SendPostsAsync(Model model, IReadOnlyList<PostEntry> commands, Func<Task<IReadOnlyList<LedgerEntry>>> send)
    {
        if (commands.Any(c => c.IdempotencyKey is not null))
            model.Remember(commands.Count == 1 ? commands[0] : commands);

        // Any key seen before makes this a retry: every command must be the one first sent under its key.
        if (commands.Any(c => c.IdempotencyKey is { } k && model.Keyed.ContainsKey(k)))
        {
            var numbers = new List<long>();
            foreach (var c in commands)
            {
                if (c.IdempotencyKey is not { } key || !model.Keyed.TryGetValue(key, out var earlier))
                {
                    await AssertRefusedAsync("idempotency.partial", send);
                    return;
                }
                if (!earlier.Command.Equals(c))
                {
                    await AssertRefusedAsync("idempotency.conflict", send);
                    return;
                }
                numbers.Add(earlier.Number);
            }
            Assert.Equal(numbers, (await send()).Select(e => e.Number));
            return;
        }

        // A batch lands whole or not at all; a redemption may not take the spendable points below zero.
        var sums = model.Sums.ToDictionary(s => s.Key, s => s.Value with { });
        foreach (var c in commands)
        {
            var sum = sums.GetValueOrDefault(c.HouseholdId) ?? new Sums();
            sums[c.HouseholdId] = sum = sum.With(c.Amount, c.State, earned: c.Kind == EntryKind.Award ? c.Amount : 0);
            if (c.Kind == EntryKind.Redemption && sum.Spendable(model.SpendEarly) < 0)
            {
                await AssertRefusedAsync("balance.insufficient", send);
                return;
            }
        }

        var entries = await send();
        Assert.Equal(commands.Count, entries.Count);
        for (var i = 0; i < commands.Count; i++)
        {
            var c = commands[i];
            var entry = entries[i];
            Assert.Equal((model.Entries.Count + 1L, c.Amount, c.State, c.HouseholdId), (entry.Number, entry.Amount, entry.State, entry.HouseholdId));
            model.Add(new ModelEntry(entry.Number, entry.Id, c.HouseholdId, c.Kind, c.Amount, c.State, null));
            if (c.IdempotencyKey is { } key)
                model.Keyed[key] = (c, entry.Number);
        }
    }

    private static async Task SendReverseAsync(Model model, ReverseEntry command, Func<Task<LedgerEntry>> send)
    {
        if (command.IdempotencyKey is { } key)
        {
            model.Remember(command);
            if (model.Keyed.TryGetValue(key, out var earlier))
            {
                if (earlier.Command.Equals(command))
                    Assert.Equal(earlier.Number, (await send()).Number);
                else
                    await AssertRefusedAsync("idempotency.conflict", send);
                return;
            }
        }

        var target = model.Entries.SingleOrDefault(e => e.Number == command.EntryNumber);
        var refusal = target switch
        {
            null => "entry.not-found",
            { Kind: EntryKind.Reversal } => "entry.reverse-reversal",
            { Kind: EntryKind.BaseGrant } => "entry.reverse-base-grant",
            { ReversedBy: not null } => "entry.already-reversed",
            _ => null,
        };
        if (refusal is not null)
        {
            await AssertRefusedAsync(refusal, send);
            return;
        }

        var entry = await send();
        // A reversal undoes its target in the target's own state, and un-earns an award.
        Assert.Equal((model.Entries.Count + 1L, -target!.Amount, target.State, target.Id),
            (entry.Number, entry.Amount, entry.State, entry.ReversesEntryId!.Value));
        target.ReversedBy = entry.Number;
        model.Add(new ModelEntry(entry.Number, entry.Id, target.HouseholdId, EntryKind.Reversal, -target.Amount, target.State, target.Id),
            earned: target.Kind == EntryKind.Award ? -target.Amount : 0);
        if (command.IdempotencyKey is { } k)
            model.Keyed[k] = (command, entry.Number);
    }

    private static async Task SendMakeEffectiveAsync(Model model, List<long> numbers, Func<Task<int>> send)
    {
        // The named publicised entries move, and every reversal of one of them moves with it; a reversal never moves alone.
        var targets = model.Entries.Where(e => numbers.Contains(e.Number) && e.State == EntryState.Publicised && e.Kind != EntryKind.Reversal).ToList();
        var followers = model.Entries.Where(e => e.Reverses is { } t && targets.Any(x => x.Id == t) && e.State == EntryState.Publicised).ToList();
        var moved = targets.Concat(followers).ToList();

        Assert.Equal(moved.Count, await send());
        foreach (var e in moved)
        {
            e.State = EntryState.Effective;
            model.Sums[e.HouseholdId] = model.Sums[e.HouseholdId].Moved(e.Amount);
        }
    }

    private static async Task AssertRefusedAsync<T>(string code, Func<Task<T>> send) =>
        Assert.Equal(code, (await Assert.ThrowsAsync<DomainException>(send)).Code);

    private static async Task AssertDatabaseMatchesAsync(TestDatabase database, ArrangedVillage v, Model model)
    {
        var entries = await EntriesAsync(database, v);
        Assert.Equal(
            model.Entries.Select(e => (e.Number, e.Id, e.HouseholdId, e.Kind, e.Amount, e.State, e.Reverses)),
            entries.Select(e => (e.Number, e.Id, e.HouseholdId, e.Kind, e.Amount, e.State, e.ReversesEntryId)));

        await using var db = database.NewContext();
        var stored = await db.HouseholdBalances.AsNoTracking().Where(b => b.VillageId == v.VillageId).ToDictionaryAsync(b => b.HouseholdId);
        foreach (var id in v.HouseholdIds)
        {
            var expected = model.Sums.GetValueOrDefault(id) ?? new Sums();
            var actual = stored.GetValueOrDefault(id);
            Assert.Equal(
                (expected.Total, expected.Effective, expected.Publicised, expected.Earned, expected.Count),
                (actual?.Total ?? 0, actual?.Effective ?? 0, actual?.Publicised ?? 0, actual?.Earned ?? 0, actual?.EntryCount ?? 0));
        }
        var report = await new LedgerVerifier(db).VerifyAsync(v.VillageCode);
        Assert.True(report.Sound, report.FirstProblem?.What);
    }

    /// <summary>One household's figures as the rules say they must be.</summary>
    private sealed record Sums(long Total = 0, long Effective = 0, long Publicised = 0, long Earned = 0, long Count = 0)
    {
        public Sums With(int amount, EntryState state, long earned) => this with
        {
            Total = Total + amount,
            Effective = Effective + (state == EntryState.Effective ? amount : 0),
            Publicised = Publicised + (state == EntryState.Publicised ? amount : 0),
            Earned = Earned + earned,
            Count = Count + 1,
        };

        public Sums Moved(int amount) => this with { Publicised = Publicised - amount, Effective = Effective + amount };

        /// <summary>Pending awards count only where the village allows it; pending deductions always count.</summary>
        public long Spendable(bool spendEarly) => Effective + (spendEarly ? Publicised : Math.Min(0, Publicised));
    }

    private sealed class Model(ArrangedVillage village, bool spendEarly)
    {
        public ArrangedVillage Village { get; } = village;
        public bool SpendEarly { get; } = spendEarly;
        public List<ModelEntry> Entries { get; } = [];
        public Dictionary<Guid, Sums> Sums { get; } = [];
        public Dictionary<string, (object Command, long Number)> Keyed { get; } = [];
        public List<object> Sent { get; } = [];

        public void Remember(object command)
        {
            if (!Sent.Contains(command))
                Sent.Add(command);
        }

        public void Add(ModelEntry entry, long? earned = null)
        {
            Entries.Add(entry);
            var sum = Sums.GetValueOrDefault(entry.HouseholdId) ?? new Sums();
            Sums[entry.HouseholdId] = sum.With(entry.Amount, entry.State, earned ?? (entry.Kind == EntryKind.Award ? entry.Amount : 0));
        }
    }

    private sealed record ModelEntry(long Number, Guid Id, Guid HouseholdId, EntryKind Kind, int Amount, EntryState State, Guid? Reverses)
    {
        public EntryState State { get; set; } = State;
        public long? ReversedBy { get; set; }
    }
}
