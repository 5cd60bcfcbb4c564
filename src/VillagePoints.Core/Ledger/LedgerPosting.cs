using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Ledger;

/// <summary>
/// A request to append one entry. Reversals go through <see cref="LedgerPosting.ReverseAsync"/>; a batch may carry one
/// only as a <see cref="EntryKind.Reversal"/> naming the entry it <paramref name="Reverses"/> (a replayed history: the demo
/// seed), under the same rules, with the opposite amount and taking its target's state.
/// </summary>
public sealed record PostEntry(
    Guid VillageId,
    Guid HouseholdId,
    int Amount,
    EntryKind Kind,
    string Reason,
    string SourceKind,
    string? SourceRef = null,
    Guid? SubmittedBy = null,
    Guid? ApprovedBy = null,
    DateOnly? OccurredOn = null,
    EntryState State = EntryState.Publicised,
    string? IdempotencyKey = null,
    Guid? RuleId = null,
    int? RuleVersion = null,
    DateTimeOffset? RecordedAt = null,
    Guid? Id = null,
    Guid? Reverses = null);

public sealed record ReverseEntry(Guid VillageId, long EntryNumber, string Reason, Guid? ActorId, string? IdempotencyKey = null);

/// <summary>
/// The only way points change. Appends entries to a village's hash chain and updates
/// balances and monthly totals in the same transaction. Idempotent by key (through <see cref="Idempotency"/>);
/// safe under concurrency: every append holds the village's chain-head lock.
/// </summary>
public sealed class LedgerPosting(VillagePointsDb db, TimeProvider time)
{
    public const int MaxReasonLength = 200;
    public const int MaxAmount = 100_000;
    public const int MaxIdempotencyKeyLength = Idempotency.MaxKeyLength;
    public const string PostOperation = "ledger.post";
    public const string ReverseOperation = "ledger.reverse";

    public async Task<LedgerEntry> PostAsync(PostEntry command, CancellationToken ct = default)
    {
        var entries = await PostBatchAsync(command.VillageId, [command], ct);
        return entries[0];
    }

    /// <summary>Appends all entries or none.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> PostBatchAsync(Guid villageId, IReadOnlyList<PostEntry> commands, CancellationToken ct = default)
    {
        ValidateBatch(villageId, commands);
        return await WriteRetry.RunAsync(db, async token =>
        {
            // A retry of a finished request is answered without waiting for the lock.
            var replayed = await FindReplaysAsync(villageId, commands, token);
            if (replayed is not null)
                return replayed;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            var appended = await AppendAsync(villageId, commands, token);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return appended;
        }, ct);
    }

    /// <summary>
    /// Appends inside the caller's open transaction, for use cases that write more than entries
    /// (registering a household with its base grant, a checkout). The caller saves and commits,
    /// and retries the whole use case through <see cref="WriteRetry"/>. Keyed commands that were
    /// recorded before (a request that waited on the lock behind its own double tap) return the
    /// entries recorded then and append nothing.
    /// </summary>
    public async Task<IReadOnlyList<LedgerEntry>> AppendAsync(Guid villageId, IReadOnlyList<PostEntry> commands, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("AppendAsync needs an open transaction.");
        ValidateBatch(villageId, commands);
        var head = await LockHeadAsync(villageId, ct);
        var replayed = await FindReplaysAsync(villageId, commands, ct);
        if (replayed is not null)
            return replayed;

        var village = await db.Villages.AsNoTracking().Where(v => v.Id == villageId)
                .Select(v => new { v.StartedOn, v.Settings.AllowSpendBeforeEffective })
                .SingleOrDefaultAsync(ct)
            ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
        var now = time.GetUtcNow();
        foreach (var c in commands)
            CheckOccurredOnNotBeforeStart(OccurredOnOf(c, now), village.StartedOn);

        var householdIds = commands.Select(c => c.HouseholdId).Distinct().ToList();
        var known = await db.Households.Where(h => h.VillageId == villageId && householdIds.Contains(h.Id))
            .Select(h => h.Id).ToListAsync(ct);
        if (known.Count != householdIds.Count)
            throw new DomainException("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);

        var balances = await LoadBalancesAsync(villageId, householdIds, ct);
        var months = await LoadMonthTotalsAsync(villageId,
            commands.Select(c => (c.HouseholdId, HouseholdMonthTotal.MonthOf(OccurredOnOf(c, now)))).ToList(), ct);
        var reversals = await LoadReversalTargetsAsync(villageId, commands, ct);
        var appended = new List<LedgerEntry>(commands.Count);
        foreach (var c in commands)
        {
            var target = c.Reverses is { } reverses ? ReversalTarget(reversals, appended, c, reverses) : null;
            var entry = NewEntry(head, c.HouseholdId, c.Amount, c.Kind, target?.State ?? c.State, c.Reason.Trim(), c.SourceKind, c.SourceRef,
                c.SubmittedBy, c.ApprovedBy, c.Reverses, c.OccurredOn, c.RuleId, c.RuleVersion, c.RecordedAt, c.Id);
            var balance = balances[c.HouseholdId];
            Apply(balance, entry, target?.Kind);
            // Under the chain-head lock, so parallel redemptions see each other's effect. Deductions may
            // still take a balance below zero: a household cannot refuse a penalty.
            if (c.Kind == EntryKind.Redemption && Spendable(balance, village.AllowSpendBeforeEffective) < 0)
                throw new DomainException("balance.insufficient", "The household does not have enough spendable points for this redemption.",
                    DomainErrorKind.Conflict);
            MonthRow(months, villageId, entry).Add(entry, target?.Kind);
            appended.Add(entry);
            Idempotency.Remember(db, villageId, c.IdempotencyKey, PostOperation, RequestHash(c), entry.Id, now);
        }
        db.LedgerEntries.AddRange(appended);
        return appended;
    }

    /// <summary>The saved entries a batch's reversals name, and which of them are reversed already.</summary>
    private async Task<(Dictionary<Guid, LedgerEntry> Targets, HashSet<Guid> Reversed)> LoadReversalTargetsAsync(Guid villageId,
        IReadOnlyList<PostEntry> commands, CancellationToken ct)
    {
        var ids = commands.Where(c => c.Reverses is not null).Select(c => c.Reverses!.Value).Distinct().ToList();
        if (ids.Count == 0)
            return ([], []);
        var targets = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == villageId && ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        var reversed = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.VillageId == villageId && e.ReversesEntryId != null && ids.Contains(e.ReversesEntryId.Value))
            .Select(e => e.ReversesEntryId!.Value).ToListAsync(ct);
        return (targets, reversed.ToHashSet());
    }

    /// <summary>The rules every reversal follows, whichever way it is written: see <see cref="ReverseAsync"/>.</summary>
    private static LedgerEntry CheckReversible(LedgerEntry? target, bool reversedAlready)
    {
        if (target is null)
            throw new DomainException("entry.not-found", "The ledger entry does not exist.", DomainErrorKind.NotFound);
        if (target.Kind == EntryKind.Reversal)
            throw new DomainException("entry.reverse-reversal", "A reversal cannot be reversed; record a new entry instead.", DomainErrorKind.Conflict);
        if (target.Kind == EntryKind.BaseGrant)
            throw new DomainException("entry.reverse-base-grant",
                "The base points that opened a household's archive cannot be reversed; record an adjustment instead.", DomainErrorKind.Conflict);
        if (reversedAlready)
            throw new DomainException("entry.already-reversed", "This entry has already been reversed.", DomainErrorKind.Conflict);
        return target;
    }

    /// <summary>The entry a batch's reversal undoes, saved or earlier in the batch, checked as <see cref="ReverseAsync"/> checks it.</summary>
    private static LedgerEntry ReversalTarget((Dictionary<Guid, LedgerEntry> Targets, HashSet<Guid> Reversed) reversals, List<LedgerEntry> appended,
        PostEntry c, Guid reverses)
    {
        var target = CheckReversible(reversals.Targets.GetValueOrDefault(reverses) ?? appended.FirstOrDefault(e => e.Id == reverses),
            reversals.Reversed.Contains(reverses));
        reversals.Reversed.Add(target.Id);
        if (c.HouseholdId != target.HouseholdId || c.Amount != -target.Amount)
            throw new DomainException("entry.amount-sign", $"A reversal of entry {target.Number} has its household and the amount {-target.Amount}.");
        return target;
    }

    /// <summary>
    /// Takes the village's chain-head lock in the caller's open transaction, for use cases that must look
    /// again (an idempotency key, the next household number) once no other writer of the village can move.
    /// </summary>
    public async Task LockAsync(Guid villageId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("LockAsync needs an open transaction.");
        await LockHeadAsync(villageId, ct);
    }

    /// <summary>
    /// The only correction: a new entry of the opposite amount that points at the original.
    /// An entry can be reversed once, and a reversal cannot itself be reversed. A reversal has its
    /// target's state and follows it (see <see cref="MakeEffectiveAsync"/>), so reversed points are
    /// never spendable. A base grant cannot be reversed: opening the archive is not a finding that
    /// can be wrong; a wrong opening balance is corrected with an adjustment that says why.
    /// </summary>
    public async Task<LedgerEntry> ReverseAsync(ReverseEntry command, CancellationToken ct = default)
    {
        ValidateReason(command.Reason);
        Idempotency.ValidateKey(command.IdempotencyKey);
        var requestHash = Idempotency.Fingerprint(ReverseOperation)
            .Add(command.VillageId).Add(command.EntryNumber).Add(command.Reason.Trim()).Add(command.ActorId).Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayedAsync(command.VillageId, command.IdempotencyKey, ReverseOperation, requestHash, token) is { } earlier)
                return earlier;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            await LockHeadAsync(command.VillageId, token);
            // A double tap that waited here behind its twin gets the twin's reversal, not "already reversed".
            if (await ReplayedAsync(command.VillageId, command.IdempotencyKey, ReverseOperation, requestHash, token) is { } twin)
                return twin;
            var entry = await AppendReversalAsync(command, SourceKinds.Committee, null, token);
            Idempotency.Remember(db, command.VillageId, command.IdempotencyKey, ReverseOperation, requestHash, entry.Id, time.GetUtcNow());
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return entry;
        }, ct);
    }

    /// <summary>
    /// Appends the reversal of <paramref name="command"/>'s entry inside the caller's open transaction, under the rules of
    /// <see cref="ReverseAsync"/>, for a use case that writes more in the same transaction (an upheld objection). The
    /// caller saves, commits, retries through <see cref="WriteRetry"/> and keeps its own Idempotency-Key; the command's key
    /// is not used here.
    /// </summary>
    /// <param name="sourceRef">What the reversal comes from; null names the reversed entry ("entry:12").</param>
    public async Task<LedgerEntry> AppendReversalAsync(ReverseEntry command, string sourceKind, string? sourceRef, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("AppendReversalAsync needs an open transaction.");
        ValidateReason(command.Reason);
        var head = await LockHeadAsync(command.VillageId, ct);
        var found = await db.LedgerEntries.AsNoTracking()
            .SingleOrDefaultAsync(e => e.VillageId == command.VillageId && e.Number == command.EntryNumber, ct);
        var target = CheckReversible(found,
            found is not null && await db.LedgerEntries.AnyAsync(e => e.VillageId == command.VillageId && e.ReversesEntryId == found.Id, ct));

        var balances = await LoadBalancesAsync(command.VillageId, [target.HouseholdId], ct);
        var entry = NewEntry(head, target.HouseholdId, -target.Amount, EntryKind.Reversal, target.State, command.Reason.Trim(),
            sourceKind, sourceRef ?? $"entry:{target.Number}", command.ActorId, command.ActorId, target.Id, null,
            target.RuleId, target.RuleVersion, null, null);
        Apply(balances[target.HouseholdId], entry, target.Kind);
        // A reversal counts in the month of its own date, as the new entry it is (see HouseholdMonthTotal).
        var month = (entry.HouseholdId, HouseholdMonthTotal.MonthOf(entry.OccurredOn));
        (await LoadMonthTotalsAsync(command.VillageId, [month], ct))[month].Add(entry, target.Kind);
        db.LedgerEntries.Add(entry);
        return entry;
    }

    /// <summary>
    /// Moves publicised entries to effective, e.g. when a notice closes. A reversal moves with the entry it
    /// reverses, and never on its own: an entry and its reversal always share a state, so the reversed points
    /// cancel in the effective figure as they do in the publicised one.
    /// </summary>
    /// <returns>How many entries moved, reversals that followed their targets included.</returns>
    public async Task<int> MakeEffectiveAsync(Guid villageId, IReadOnlyCollection<long> entryNumbers, CancellationToken ct = default)
    {
        return await WriteRetry.RunAsync(db, async token =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(token);
            var moved = await MakeEffectiveWithinAsync(villageId, entryNumbers, token);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return moved;
        }, ct);
    }

    /// <summary>
    /// <see cref="MakeEffectiveAsync"/> inside the caller's open transaction, for use cases that change more in the
    /// same breath (closing a notice, deciding an objection). It reads the saved rows: the caller saves entries it appended
    /// in the same transaction first, then saves and commits what this changed.
    /// </summary>
    public async Task<int> MakeEffectiveWithinAsync(Guid villageId, IReadOnlyCollection<long> entryNumbers, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("MakeEffectiveWithinAsync needs an open transaction.");
        await LockHeadAsync(villageId, ct);
        var targets = new List<LedgerEntry>();
        // Chunks keep the IN list within what both databases take as parameters.
        foreach (var chunk in entryNumbers.Distinct().Chunk(1000))
        {
            targets.AddRange(await db.LedgerEntries
                .Where(e => e.VillageId == villageId && chunk.Contains(e.Number) && e.State == EntryState.Publicised
                            && e.Kind != EntryKind.Reversal)
                .ToListAsync(ct));
        }
        var followers = new List<LedgerEntry>();
        foreach (var chunk in targets.Select(e => e.Id).Chunk(1000))
        {
            followers.AddRange(await db.LedgerEntries
                .Where(e => e.VillageId == villageId && e.ReversesEntryId != null && chunk.Contains(e.ReversesEntryId.Value)
                            && e.State == EntryState.Publicised)
                .ToListAsync(ct));
        }
        var moved = targets.Concat(followers).ToList();
        var balances = await LoadBalancesAsync(villageId, moved.Select(e => e.HouseholdId).Distinct().ToList(), ct);
        foreach (var e in moved)
        {
            e.State = EntryState.Effective;
            balances[e.HouseholdId].Publicised -= e.Amount;
            balances[e.HouseholdId].Effective += e.Amount;
        }
        return moved.Count;
    }

    /// <summary>
    /// What a household may redeem now. Publicised awards count only where the village lets points be spent
    /// before they take effect; publicised deductions always count, so a pending penalty cannot be spent away.
    /// </summary>
    public static long Spendable(HouseholdBalance balance, bool allowSpendBeforeEffective) =>
        balance.Effective + (allowSpendBeforeEffective ? balance.Publicised : Math.Min(0, balance.Publicised));

    /// <summary>The canonical fingerprint of a post, so a retry with the same key is recognised as the same request.</summary>
    public static string RequestHash(PostEntry c)
    {
        var fingerprint = Idempotency.Fingerprint(PostOperation)
            .Add(c.VillageId).Add(c.HouseholdId).Add(c.Amount).Add(c.Kind).Add(c.Reason.Trim()).Add(c.SourceKind).Add(c.SourceRef)
            .Add(c.SubmittedBy).Add(c.ApprovedBy).Add(c.OccurredOn).Add(c.State).Add(c.RuleId).Add(c.RuleVersion);
        // Only a reversal names a target, so every other request keeps the fingerprint it always had.
        if (c.Reverses is { } reverses)
            fingerprint.Add(reverses);
        return fingerprint.Hash();
    }

    private async Task<IReadOnlyList<LedgerEntry>?> FindReplaysAsync(Guid villageId, IReadOnlyList<PostEntry> commands, CancellationToken ct)
    {
        var keys = commands.Where(c => c.IdempotencyKey is not null).Select(c => c.IdempotencyKey!).ToList();
        var earlier = await Idempotency.FindAsync(db, villageId, keys, ct);
        if (earlier.Count == 0)
            return null;
        var ids = new List<Guid>(commands.Count);
        foreach (var c in commands)
        {
            if (c.IdempotencyKey is null || !earlier.TryGetValue(c.IdempotencyKey, out var request))
                throw new DomainException("idempotency.partial", "Part of this batch was already recorded with other keys.", DomainErrorKind.Conflict);
            ids.Add(Idempotency.Answer<Guid>(request, PostOperation, RequestHash(c)));
        }
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.VillageId == villageId && ids.Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, ct);
        return ids.Select(id => entries[id]).ToList();
    }

    private async Task<LedgerEntry?> ReplayedAsync(Guid villageId, string? key, string operation, string requestHash, CancellationToken ct)
    {
        var id = await Idempotency.ReplayAsync<Guid?>(db, villageId, key, operation, requestHash, ct);
        return id is null
            ? null
            : await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.VillageId == villageId && e.Id == id, ct);
    }

    private async Task<VillageLedgerHead> LockHeadAsync(Guid villageId, CancellationToken ct)
    {
        // A use case that locked first (registration) and then appends finds the head it already holds.
        if (db.VillageLedgerHeads.Local.FirstOrDefault(h => h.VillageId == villageId) is { } held)
            return held;
        if (db.Database.IsNpgsql())
        {
            // Serialize appends per village at the database, not in process: several nodes may run.
            await db.Database.ExecuteSqlAsync(
                $"SELECT 1 FROM \"VillageLedgerHeads\" WHERE \"VillageId\" = {villageId} FOR UPDATE", ct);
        }
        // SQLite's transactions begin IMMEDIATE, holding the database's write lock already.
        var head = await db.VillageLedgerHeads.SingleOrDefaultAsync(h => h.VillageId == villageId, ct);
        if (head is null)
        {
            // A missing head over existing entries means the table was tampered with: appending from genesis
            // would fork the chain, so refuse and send the operator to verify.
            if (await db.LedgerEntries.AnyAsync(e => e.VillageId == villageId, ct))
            {
                // Entries and head commit together, so a first append that committed since the head was read
                // shows both now: that is a race to retry, not damage.
                if (await db.VillageLedgerHeads.AnyAsync(h => h.VillageId == villageId, ct))
                    throw new DbUpdateConcurrencyException("The village's first append committed meanwhile; try again.");
                throw new DomainException("ledger.head-missing",
                    "The village's ledger is damaged (its chain head is missing); nothing can be recorded until an administrator has run verify.",
                    DomainErrorKind.Conflict);
            }
            // The first append of a village: a parallel first append fails on the head's key and is retried.
            head = new VillageLedgerHead { VillageId = villageId, LastNumber = 0, LastHash = LedgerHash.Genesis };
            db.VillageLedgerHeads.Add(head);
        }
        return head;
    }

    private async Task<Dictionary<Guid, HouseholdBalance>> LoadBalancesAsync(Guid villageId, IReadOnlyCollection<Guid> householdIds, CancellationToken ct)
    {
        var balances = await db.HouseholdBalances
            .Where(b => b.VillageId == villageId && householdIds.Contains(b.HouseholdId))
            .ToDictionaryAsync(b => b.HouseholdId, ct);
        foreach (var id in householdIds.Where(id => !balances.ContainsKey(id)))
        {
            var balance = new HouseholdBalance { VillageId = villageId, HouseholdId = id };
            db.HouseholdBalances.Add(balance);
            balances[id] = balance;
        }
        return balances;
    }

    /// <summary>
    /// The month rows the entries about to be appended will change, created where missing. Read, changed and
    /// written back under the village's chain-head lock, which every writer of the village's entries holds, so
    /// no other transaction can change these rows in between: read-modify-write is race-free here.
    /// </summary>
    private async Task<Dictionary<(Guid HouseholdId, int Month), HouseholdMonthTotal>> LoadMonthTotalsAsync(Guid villageId,
        IReadOnlyCollection<(Guid HouseholdId, int Month)> keys, CancellationToken ct)
    {
        var householdIds = keys.Select(k => k.HouseholdId).Distinct().ToList();
        var monthNumbers = keys.Select(k => k.Month).Distinct().ToList();
        // Households x months is a superset of the keys; a batch spans few months, so the extra rows are few.
        var rows = await db.HouseholdMonthTotals
            .Where(t => t.VillageId == villageId && householdIds.Contains(t.HouseholdId) && monthNumbers.Contains(t.Month))
            .ToListAsync(ct);
        var totals = rows.ToDictionary(t => (t.HouseholdId, t.Month));
        // Rows added earlier in this transaction and not yet saved (a use case that appends twice).
        foreach (var added in db.HouseholdMonthTotals.Local.Where(t => t.VillageId == villageId))
            totals.TryAdd((added.HouseholdId, added.Month), added);
        foreach (var key in keys.Where(k => !totals.ContainsKey(k)).Distinct())
        {
            var total = new HouseholdMonthTotal { VillageId = villageId, HouseholdId = key.HouseholdId, Month = key.Month };
            db.HouseholdMonthTotals.Add(total);
            totals[key] = total;
        }
        return totals;
    }

    /// <summary>The entry's month row, created if its date fell outside the months loaded (a batch that crossed midnight).</summary>
    private HouseholdMonthTotal MonthRow(Dictionary<(Guid HouseholdId, int Month), HouseholdMonthTotal> months, Guid villageId, LedgerEntry entry)
    {
        var key = (entry.HouseholdId, HouseholdMonthTotal.MonthOf(entry.OccurredOn));
        if (!months.TryGetValue(key, out var row))
        {
            row = new HouseholdMonthTotal { VillageId = villageId, HouseholdId = key.HouseholdId, Month = key.Item2 };
            db.HouseholdMonthTotals.Add(row);
            months[key] = row;
        }
        return row;
    }

    private LedgerEntry NewEntry(VillageLedgerHead head, Guid householdId, int amount, EntryKind kind, EntryState state, string reason,
        string sourceKind, string? sourceRef, Guid? submittedBy, Guid? approvedBy, Guid? reverses, DateOnly? occurredOn,
        Guid? ruleId, int? ruleVersion, DateTimeOffset? recordedAt, Guid? id)
    {
        var now = BusinessCalendar.Truncate(recordedAt ?? time.GetUtcNow());
        var entry = new LedgerEntry
        {
            VillageId = head.VillageId,
            // A caller-made id lets an import or the demo seed reproduce the same chain.
            Id = id ?? Ids.New(now),
            Number = head.LastNumber + 1,
            HouseholdId = householdId,
            Amount = amount,
            Kind = kind,
            State = state,
            Reason = reason,
            RuleId = ruleId,
            RuleVersion = ruleVersion,
            SourceKind = sourceKind,
            SourceRef = sourceRef,
            SubmittedBy = submittedBy,
            ApprovedBy = approvedBy,
            ReversesEntryId = reverses,
            OccurredOn = occurredOn ?? BusinessCalendar.DateOf(now),
            RecordedAt = now,
            // The key and the request's fingerprint live in IdempotentRequests now; these stay empty.
            IdempotencyKey = null,
            RequestHash = null,
            PreviousHash = head.LastHash,
            Hash = "",
        };
        entry.Hash = LedgerHash.Compute(entry);
        head.LastNumber = entry.Number;
        head.LastHash = entry.Hash;
        return entry;
    }

    /// <param name="reversedKind">For a reversal, the kind of the entry it undoes: undoing an award also undoes what it earned.</param>
    internal static void Apply(HouseholdBalance balance, LedgerEntry entry, EntryKind? reversedKind = null)
    {
        balance.Total += entry.Amount;
        if (entry.State == EntryState.Effective)
            balance.Effective += entry.Amount;
        else
            balance.Publicised += entry.Amount;
        if (entry.Kind == EntryKind.Award || (entry.Kind == EntryKind.Reversal && reversedKind == EntryKind.Award))
            balance.Earned += entry.Amount;
        balance.EntryCount++;
    }

    private void ValidateBatch(Guid villageId, IReadOnlyList<PostEntry> commands)
    {
        var today = BusinessCalendar.Today(time);
        foreach (var c in commands)
            Validate(c, villageId, today);
        var keys = commands.Where(c => c.IdempotencyKey is not null).Select(c => c.IdempotencyKey!).ToList();
        if (keys.Count != keys.Distinct(StringComparer.Ordinal).Count())
            throw new DomainException("idempotency.duplicate-key", "Each entry of a batch needs its own Idempotency-Key.");
    }

    /// <summary>The business date an entry will carry: the one given, or the day it is recorded.</summary>
    private static DateOnly OccurredOnOf(PostEntry c, DateTimeOffset now) =>
        c.OccurredOn ?? BusinessCalendar.DateOf(BusinessCalendar.Truncate(c.RecordedAt ?? now));

    private static void Validate(PostEntry c, Guid villageId, DateOnly today)
    {
        if (c.VillageId != villageId)
            throw new DomainException("ledger.village-mismatch", "All entries of a batch belong to one village.");
        ValidateReason(c.Reason);
        Idempotency.ValidateKey(c.IdempotencyKey);
        if (c.Amount == 0 || Math.Abs((long)c.Amount) > MaxAmount)
            throw new DomainException("entry.amount-range", $"The amount must be between 1 and {MaxAmount} points, and not zero.");
        var signOk = c.Kind switch
        {
            EntryKind.BaseGrant or EntryKind.Award => c.Amount > 0,
            EntryKind.Deduction or EntryKind.Redemption or EntryKind.Reset => c.Amount < 0,
            EntryKind.Adjustment => true,
            // Its amount is checked against the entry it reverses, once that is read.
            EntryKind.Reversal => c.Reverses is not null,
            _ => false,
        };
        if (c.Reverses is not null && c.Kind != EntryKind.Reversal)
            signOk = false;
        if (!signOk)
            throw new DomainException("entry.amount-sign", $"A {c.Kind} entry cannot have the amount {c.Amount}.");
        if (string.IsNullOrWhiteSpace(c.SourceKind) || c.SourceKind.Length > 40 || c.SourceRef?.Length > 100)
            throw new DomainException("entry.source", "The entry's source is missing or too long.");
        // A deed cannot happen after today in the village's calendar, nor after the moment it was recorded.
        var latest = c.RecordedAt is { } recorded && BusinessCalendar.DateOf(recorded) < today ? BusinessCalendar.DateOf(recorded) : today;
        CheckOccurredOnNotAfter(c.OccurredOn, latest);
    }

    /// <summary>
    /// The upper bound of an entry's business date: not after <paramref name="latest"/> (today in the village's
    /// calendar, or the day an imported entry was recorded). Public so that a use case which keeps a change
    /// before it reaches the ledger (a direct record waiting for a second member) refuses the same dates at once.
    /// </summary>
    public static void CheckOccurredOnNotAfter(DateOnly? occurredOn, DateOnly latest)
    {
        if (occurredOn > latest)
            throw new DomainException("entry.occurred-on-future", $"The date a change happened cannot be later than {Iso(latest)}.");
    }

    /// <summary>The lower bound of an entry's business date: not before the village's points archive started.</summary>
    public static void CheckOccurredOnNotBeforeStart(DateOnly occurredOn, DateOnly villageStartedOn)
    {
        if (occurredOn < villageStartedOn)
            throw new DomainException("entry.occurred-on-too-early",
                $"The date a change happened cannot be before the village's points archive started ({Iso(villageStartedOn)}).");
        // Once monthly notices exist, this is where a date inside a month whose notice has closed is
        // refused ("entry.occurred-on-closed-month"): that month's totals were published and verified.
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An entry's reason: present, not too long, and free of characters that cannot be stored or shown safely.</summary>
    public static void ValidateReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("entry.reason-required", "Every entry needs a reason.");
        if (reason.Trim().Length > MaxReasonLength)
            throw new DomainException("entry.reason-too-long", $"The reason may be at most {MaxReasonLength} characters.");
        StoredText.Check(reason.Trim(), "The reason");
    }
}
