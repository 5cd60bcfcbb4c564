using System.Text;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Places;

public sealed record NewMember(string Name, string Relation, int? BirthYear = null, string? Phone = null);

public sealed record RegisterHousehold(
    Guid VillageId,
    int GroupNumber,
    string HeadName,
    string? Address,
    string? Phone,
    IReadOnlyList<NewMember> Members,
    Guid? ActorId);

/// <summary>Opens a household's points archive: the household, its members and the base grant, in one transaction.</summary>
public sealed class HouseholdRegistry(VillagePointsDb db, LedgerPosting ledger, TimeProvider time)
{
    public const int MaxNameLength = 40;
    public const int MaxMembers = 30;
    public const string Operation = "household.register";

    public async Task<Household> RegisterAsync(RegisterHousehold command, string? idempotencyKey, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(idempotencyKey);
        var normalized = Validate(command);
        var requestHash = Idempotency.Fingerprint(Operation)
            .Add(normalized.VillageId).Add(normalized.GroupNumber).Add(normalized.HeadName).Add(normalized.Address).Add(normalized.Phone)
            .AddList(normalized.Members, (f, m) => f.Add(m.Name).Add(m.Relation).Add(m.BirthYear).Add(m.Phone))
            .Add(normalized.ActorId)
            .Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayedAsync(command.VillageId, idempotencyKey, requestHash, token) is { } earlier)
                return earlier;

            var village = await db.Villages.AsNoTracking().SingleOrDefaultAsync(v => v.Id == command.VillageId, token)
                ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
            var group = await db.VillagerGroups.AsNoTracking()
                .SingleOrDefaultAsync(g => g.VillageId == village.Id && g.Number == command.GroupNumber, token)
                ?? throw new DomainException("group.not-found", "No such villager group in this village.", DomainErrorKind.NotFound);

            await using var tx = await db.Database.BeginTransactionAsync(token);
            // Under the village's ledger lock a double tap finds its twin's household, and numbers do not race.
            await ledger.LockAsync(village.Id, token);
            if (await ReplayedAsync(village.Id, idempotencyKey, requestHash, token) is { } twin)
                return twin;
            var now = time.GetUtcNow();
            // Where the lock cannot hold (a village's very first write), the unique number index settles the race.
            var number = (await db.Households.Where(h => h.VillageId == village.Id).MaxAsync(h => (int?)h.Number, token) ?? 0) + 1;
            var household = new Household
            {
                VillageId = village.Id,
                Id = Ids.New(),
                Number = number,
                GroupId = group.Id,
                HeadName = normalized.HeadName,
                Address = normalized.Address,
                Phone = normalized.Phone,
                CreatedAt = now,
            };
            household.Members.Add(new Person
            {
                VillageId = village.Id, Id = Ids.New(), HouseholdId = household.Id, Name = normalized.HeadName, Relation = "户主", Phone = normalized.Phone,
            });
            foreach (var m in normalized.Members)
                household.Members.Add(new Person { VillageId = village.Id, Id = Ids.New(), HouseholdId = household.Id, Name = m.Name, Relation = m.Relation, BirthYear = m.BirthYear, Phone = m.Phone });
            db.Households.Add(household);
            Idempotency.Remember(db, village.Id, idempotencyKey, Operation, requestHash, household.Id, now);
            await db.SaveChangesAsync(token);
            // A village may choose to start every archive at zero; then there is no grant to record.
            if (village.Settings.BasePoints != 0)
            {
                await ledger.AppendAsync(village.Id,
                [
                    new PostEntry(village.Id, household.Id, village.Settings.BasePoints, EntryKind.BaseGrant, "基础分", SourceKinds.Opening,
                        SubmittedBy: command.ActorId, ApprovedBy: command.ActorId, State: EntryState.Effective),
                ], token);
                await db.SaveChangesAsync(token);
            }
            await tx.CommitAsync(token);
            return household;
        }, [ConstraintNames.HouseholdNumber], ct);
    }

    private async Task<Household?> ReplayedAsync(Guid villageId, string? key, string requestHash, CancellationToken ct)
    {
        var id = await Idempotency.ReplayAsync<Guid?>(db, villageId, key, Operation, requestHash, ct);
        return id is null
            ? null
            : await db.Households.AsNoTracking().Include(h => h.Members).SingleAsync(h => h.VillageId == villageId && h.Id == id, ct);
    }

    private static RegisterHousehold Validate(RegisterHousehold c)
    {
        static string Name(string? s, string field)
        {
            // Checked before normalizing, which throws on a lone surrogate; surrounding white space is trimmed, not refused.
            var t = StoredText.Check(s?.Trim(), field)?.Normalize(NormalizationForm.FormKC).Trim();
            if (string.IsNullOrEmpty(t))
                throw new DomainException("household.name-required", $"{field} is required.");
            if (t.Length > MaxNameLength)
                throw new DomainException("household.name-too-long", $"{field} may be at most {MaxNameLength} characters.");
            return t;
        }

        string? Phone(string? p)
        {
            if (string.IsNullOrWhiteSpace(p))
                return null;
            return Accounts.PhoneNumber.Normalize(p) ?? throw new DomainException("phone.invalid", "The phone number is not a valid mobile number.");
        }

        if (c.Members is null || c.Members.Count > MaxMembers)
            throw new DomainException("household.too-many-members", $"A household has at most {MaxMembers} members.");
        // A JSON client can send "members": [null]; the type system does not stop it.
        if (c.Members.Any(m => m is null))
            throw new DomainException("household.member-missing", "Each member needs a name and a relation; an empty member was sent.");
        if (c.Address?.Length > 120)
            throw new DomainException("household.address-too-long", "The address may be at most 120 characters.");
        return c with
        {
            HeadName = Name(c.HeadName, "The head's name"),
            Address = string.IsNullOrWhiteSpace(c.Address) ? null : StoredText.Check(c.Address.Trim(), "The address"),
            Phone = Phone(c.Phone),
            Members = c.Members.Select(m => new NewMember(Name(m.Name, "A member's name"), Name(m.Relation, "A member's relation"),
                m.BirthYear is null or (>= 1900 and <= 2100) ? m.BirthYear : throw new DomainException("person.birth-year", "The birth year is not plausible."),
                Phone(m.Phone))).ToList(),
        };
    }
}
