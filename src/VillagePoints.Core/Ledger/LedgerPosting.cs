using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Ledger;

/// <summary>A request to append one entry. Reversals go through <see cref="LedgerPosting.ReverseAsync"/>.</summary>
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
    Guid? Id = null);

public sealed record ReverseEntry(Guid VillageId, long EntryNumber, string Reason, Guid? ActorId, string? IdempotencyKey = null);

/// <summary>
/// The only way points change. Appends entries to a village's hash chain and updates
/// balances in the same transaction. Idempotent by key; safe under concurrency.
/// </summary>
public sealed class LedgerPosting(VillagePointsDb db, TimeProvider time)
{
    public const int MaxReasonLength = 200;
    public const int MaxAmount = 100_000;
    public const int MaxIdempotencyKeyLength = 100;

    public async Task<LedgerEntry> PostAsync(PostEntry command, CancellationToken ct = default)
    {
        var entries = await PostBatchAsync(command.VillageId, [command], ct);
        return entries[0];
    }

    /// <summary>Appends all entries or none.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> PostBatchAsync(Guid villageId, IReadOnlyList<PostEntry> commands, CancellationToken ct = default)
    {
        foreach (var c in commands)
            Validate(c, villageId);
        var keys = commands.Where(c => c.IdempotencyKey is not null).Select(c => c.IdempotencyKey!).ToList();
        if (keys.Count != keys.Distinct(StringComparer.Ordinal).Count())
            throw new DomainException("idempotency.duplicate-key", "Each entry of a batch needs its own Idempotency-Key.");

        return await WriteRetry.RunAsync(db, async token =>
        {
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
    /// and retries the whole use case through <see cref="WriteRetry"/>.
    /// </summary>
    public async Task<IReadOnlyList<LedgerEntry>> AppendAsync(Guid villageId, IReadOnlyList<PostEntry> commands, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("AppendAsync needs an open transaction.");
        foreach (var c in commands)
            Validate(c, villageId);
        var head = await LockHeadAsync(villageId, ct);
        var householdIds = commands.Select(c => c.HouseholdId).Distinct().ToList();
        var known = await db.Households.Where(h => h.VillageId == villageId && householdIds.Contains(h.Id))
            .Select(h => h.Id).ToListAsync(ct);
        if (known.Count != householdIds.Count)
            throw new DomainException("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);

        var balances = await LoadBalancesAsync(villageId, householdIds, ct);
        var appended = new List<LedgerEntry>(commands.Count);
        foreach (var c in commands)
        {
            var entry = NewEntry(head, c.HouseholdId, c.Amount, c.Kind, c.State, c.Reason.Trim(), c.SourceKind, c.SourceRef,
                c.SubmittedBy, c.ApprovedBy, null, c.OccurredOn, c.IdempotencyKey, RequestHash(c), c.RuleId, c.RuleVersion, c.RecordedAt, c.Id);
            Apply(balances[c.HouseholdId], entry);
            appended.Add(entry);
        }
        db.LedgerEntries.AddRange(appended);
        return appended;
    }

    /// <summary>
    /// The only correction: a new entry of the opposite amount that points at the original.
    /// An entry can be reversed once, and a reversal cannot itself be reversed.
    /// </summary>
    public async Task<LedgerEntry> ReverseAsync(ReverseEntry command, CancellationToken ct = default)
    {
        ValidateReason(command.Reason);
        ValidateKey(command.IdempotencyKey);
        var requestHash = Sha256(string.Join('\u001f', "reverse", command.VillageId, command.EntryNumber, command.Reason.Trim(), command.ActorId));

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (command.IdempotencyKey is not null)
            {
                var existing = await FindByKeyAsync(command.VillageId, command.IdempotencyKey, token);
                if (existing is not null)
                    return existing.RequestHash == requestHash ? existing : throw IdempotencyConflict();
            }

            await using var tx = await db.Database.BeginTransactionAsync(token);
            var head = await LockHeadAsync(command.VillageId, token);
            var target = await db.LedgerEntries.AsNoTracking()
                .SingleOrDefaultAsync(e => e.VillageId == command.VillageId && e.Number == command.EntryNumber, token)
                ?? throw new DomainException("entry.not-found", "The ledger entry does not exist.", DomainErrorKind.NotFound);
            if (target.Kind == EntryKind.Reversal)
                throw new DomainException("entry.reverse-reversal", "A reversal cannot be reversed; record a new entry instead.", DomainErrorKind.Conflict);
            if (await db.LedgerEntries.AnyAsync(e => e.VillageId == command.VillageId && e.ReversesEntryId == target.Id, token))
                throw new DomainException("entry.already-reversed", "This entry has already been reversed.", DomainErrorKind.Conflict);

            var balances = await LoadBalancesAsync(command.VillageId, [target.HouseholdId], token);
            var entry = NewEntry(head, target.HouseholdId, -target.Amount, EntryKind.Reversal, target.State, command.Reason.Trim(),
                SourceKinds.Committee, $"entry:{target.Number}", command.ActorId, command.ActorId, target.Id, null,
                command.IdempotencyKey, requestHash, target.RuleId, target.RuleVersion, null, null);
            Apply(balances[target.HouseholdId], entry, target.Kind);
            db.LedgerEntries.Add(entry);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return entry;
        }, ct);
    }

    /// <summary>Moves a household's publicised entries to effective, e.g. when a notice closes.</summary>
    public async Task<int> MakeEffectiveAsync(Guid villageId, IReadOnlyCollection<long> entryNumbers, CancellationToken ct = default)
    {
        return await WriteRetry.RunAsync(db, async token =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(token);
            await LockHeadAsync(villageId, token);
            var entries = await db.LedgerEntries
                .Where(e => e.VillageId == villageId && entryNumbers.Contains(e.Number) && e.State == EntryState.Publicised)
                .ToListAsync(token);
            var balances = await LoadBalancesAsync(villageId, entries.Select(e => e.HouseholdId).Distinct().ToList(), token);
            foreach (var e in entries)
            {
                e.State = EntryState.Effective;
                balances[e.HouseholdId].Publicised -= e.Amount;
                balances[e.HouseholdId].Effective += e.Amount;
            }
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return entries.Count;
        }, ct);
    }

    public static string RequestHash(PostEntry c) => Sha256(string.Join('\u001f',
        "post", c.VillageId, c.HouseholdId, c.Amount, c.Kind, c.Reason.Trim(), c.SourceKind, c.SourceRef,
        c.SubmittedBy, c.ApprovedBy, c.OccurredOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.State, c.RuleId, c.RuleVersion));

    private static DomainException IdempotencyConflict() =>
        new("idempotency.conflict", "This Idempotency-Key was already used for a different request.", DomainErrorKind.Conflict);

    private async Task<IReadOnlyList<LedgerEntry>?> FindReplaysAsync(Guid villageId, IReadOnlyList<PostEntry> commands, CancellationToken ct)
    {
        var keys = commands.Where(c => c.IdempotencyKey is not null).Select(c => c.IdempotencyKey!).ToList();
        if (keys.Count == 0)
            return null;
        var existing = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.VillageId == villageId && e.IdempotencyKey != null && keys.Contains(e.IdempotencyKey))
            .ToDictionaryAsync(e => e.IdempotencyKey!, ct);
        if (existing.Count == 0)
            return null;
        var result = new List<LedgerEntry>(commands.Count);
        foreach (var c in commands)
        {
            if (c.IdempotencyKey is null || !existing.TryGetValue(c.IdempotencyKey, out var e))
                throw new DomainException("idempotency.partial", "Part of this batch was already recorded with other keys.", DomainErrorKind.Conflict);
            if (e.RequestHash != RequestHash(c))
                throw IdempotencyConflict();
            result.Add(e);
        }
        return result;
    }

    private Task<LedgerEntry?> FindByKeyAsync(Guid villageId, string key, CancellationToken ct) =>
        db.LedgerEntries.AsNoTracking().SingleOrDefaultAsync(e => e.VillageId == villageId && e.IdempotencyKey == key, ct);

    private async Task<VillageLedgerHead> LockHeadAsync(Guid villageId, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // Serialize appends per village at the database, not in process: several nodes may run.
            await db.Database.ExecuteSqlAsync(
                $"SELECT 1 FROM \"VillageLedgerHeads\" WHERE \"VillageId\" = {villageId} FOR UPDATE", ct);
        }
        var head = await db.VillageLedgerHeads.SingleOrDefaultAsync(h => h.VillageId == villageId, ct);
        if (head is null)
        {
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

    private LedgerEntry NewEntry(VillageLedgerHead head, Guid householdId, int amount, EntryKind kind, EntryState state, string reason,
        string sourceKind, string? sourceRef, Guid? submittedBy, Guid? approvedBy, Guid? reverses, DateOnly? occurredOn,
        string? key, string requestHash, Guid? ruleId, int? ruleVersion, DateTimeOffset? recordedAt, Guid? id)
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
            IdempotencyKey = key,
            RequestHash = requestHash,
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

    private static void Validate(PostEntry c, Guid villageId)
    {
        if (c.VillageId != villageId)
            throw new DomainException("ledger.village-mismatch", "All entries of a batch belong to one village.");
        ValidateReason(c.Reason);
        ValidateKey(c.IdempotencyKey);
        if (c.Amount == 0 || Math.Abs((long)c.Amount) > MaxAmount)
            throw new DomainException("entry.amount-range", $"The amount must be between 1 and {MaxAmount} points, and not zero.");
        var signOk = c.Kind switch
        {
            EntryKind.BaseGrant or EntryKind.Award => c.Amount > 0,
            EntryKind.Deduction or EntryKind.Redemption or EntryKind.Reset => c.Amount < 0,
            EntryKind.Adjustment => true,
            _ => false,
        };
        if (!signOk)
            throw new DomainException("entry.amount-sign", $"A {c.Kind} entry cannot have the amount {c.Amount}.");
        if (string.IsNullOrWhiteSpace(c.SourceKind) || c.SourceKind.Length > 40 || c.SourceRef?.Length > 100)
            throw new DomainException("entry.source", "The entry's source is missing or too long.");
    }

    private static void ValidateReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("entry.reason-required", "Every entry needs a reason.");
        if (reason.Trim().Length > MaxReasonLength)
            throw new DomainException("entry.reason-too-long", $"The reason may be at most {MaxReasonLength} characters.");
        StoredText.Check(reason.Trim(), "The reason");
    }

    private static void ValidateKey(string? key)
    {
        if (key is not null && (key.Length is 0 or > MaxIdempotencyKeyLength))
            throw new DomainException("idempotency.key-invalid", $"An Idempotency-Key has 1 to {MaxIdempotencyKeyLength} characters.");
    }

    private static string Sha256(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
}
