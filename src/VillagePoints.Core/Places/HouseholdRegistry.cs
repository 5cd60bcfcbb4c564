using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
        var normalized = Validate(command);
        var requestHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(normalized))));

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (idempotencyKey is not null)
            {
                var earlier = await db.IdempotentRequests.AsNoTracking()
                    .SingleOrDefaultAsync(r => r.VillageId == command.VillageId && r.Key == idempotencyKey, token);
                if (earlier is not null)
                {
                    if (earlier.Operation != Operation || earlier.RequestHash != requestHash)
                        throw new DomainException("idempotency.conflict", "This Idempotency-Key was already used for a different request.", DomainErrorKind.Conflict);
                    var id = JsonSerializer.Deserialize<Guid>(earlier.ResponseJson);
                    return await db.Households.AsNoTracking().Include(h => h.Members)
                        .SingleAsync(h => h.VillageId == command.VillageId && h.Id == id, token);
                }
            }

            var village = await db.Villages.AsNoTracking().SingleOrDefaultAsync(v => v.Id == command.VillageId, token)
                ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
            var group = await db.VillagerGroups.AsNoTracking()
                .SingleOrDefaultAsync(g => g.VillageId == village.Id && g.Number == command.GroupNumber, token)
                ?? throw new DomainException("group.not-found", "No such villager group in this village.", DomainErrorKind.NotFound);

            await using var tx = await db.Database.BeginTransactionAsync(token);
            var now = time.GetUtcNow();
            // The unique (VillageId, Number) index settles a race between two registrations.
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
            if (idempotencyKey is not null)
            {
                db.IdempotentRequests.Add(new IdempotentRequest
                {
                    VillageId = village.Id, Key = idempotencyKey, Operation = Operation, RequestHash = requestHash,
                    StatusCode = 201, ResponseJson = JsonSerializer.Serialize(household.Id), CreatedAt = now,
                });
            }
            await db.SaveChangesAsync(token);
            await ledger.AppendAsync(village.Id,
            [
                new PostEntry(village.Id, household.Id, village.Settings.BasePoints, EntryKind.BaseGrant, "基础分", SourceKinds.Opening,
                    SubmittedBy: command.ActorId, ApprovedBy: command.ActorId, State: EntryState.Effective),
            ], token);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return household;
        }, ct);
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
