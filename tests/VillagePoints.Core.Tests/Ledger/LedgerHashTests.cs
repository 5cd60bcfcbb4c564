using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Tests.Ledger;

public sealed class LedgerHashTests
{
    /// <summary>One change per field the hash must cover.</summary>
    private static readonly Dictionary<string, Action<LedgerEntry>> Changes = new()
    {
        [nameof(LedgerEntry.VillageId)] = e => e.VillageId = Guid.Parse("11111111-1111-1111-1111-111111111111"),
        [nameof(LedgerEntry.Id)] = e => e.Id = Guid.Parse("22222222-2222-2222-2222-222222222222"),
        [nameof(LedgerEntry.Number)] = e => e.Number++,
        [nameof(LedgerEntry.HouseholdId)] = e => e.HouseholdId = Guid.Parse("33333333-3333-3333-3333-333333333333"),
        [nameof(LedgerEntry.Amount)] = e => e.Amount++,
        [nameof(LedgerEntry.Kind)] = e => e.Kind = EntryKind.Adjustment,
        [nameof(LedgerEntry.Reason)] = e => e.Reason += "。",
        [nameof(LedgerEntry.RuleId)] = e => e.RuleId = null,
        [nameof(LedgerEntry.RuleVersion)] = e => e.RuleVersion = 3,
        [nameof(LedgerEntry.SourceKind)] = e => e.SourceKind = SourceKinds.Patrol,
        [nameof(LedgerEntry.SourceRef)] = e => e.SourceRef = "claim:8",
        [nameof(LedgerEntry.SubmittedBy)] = e => e.SubmittedBy = null,
        [nameof(LedgerEntry.ApprovedBy)] = e => e.ApprovedBy = Guid.Parse("44444444-4444-4444-4444-444444444444"),
        [nameof(LedgerEntry.ReversesEntryId)] = e => e.ReversesEntryId = Guid.Parse("55555555-5555-5555-5555-555555555555"),
        [nameof(LedgerEntry.OccurredOn)] = e => e.OccurredOn = e.OccurredOn.AddDays(1),
        [nameof(LedgerEntry.RecordedAt)] = e => e.RecordedAt = e.RecordedAt.AddMilliseconds(1),
        [nameof(LedgerEntry.IdempotencyKey)] = e => e.IdempotencyKey = "k-2",
        [nameof(LedgerEntry.PreviousHash)] = e => e.PreviousHash = LedgerHash.Genesis,
    };

    /// <summary>
    /// State moves from publicised to effective when a notice closes; the hash itself and the request
    /// fingerprint describe the entry rather than being part of it.
    /// </summary>
    private static readonly string[] NotHashed =
        [nameof(LedgerEntry.State), nameof(LedgerEntry.Hash), nameof(LedgerEntry.RequestHash)];

    public static TheoryData<string> HashedFields => new(Changes.Keys);

    [Theory, MemberData(nameof(HashedFields))]
    public void Compute_AnyHashedFieldChanged_GivesADifferentHash(string field)
    {
        var entry = Sample();
        var before = LedgerHash.Compute(entry);

        Changes[field](entry);

        Assert.NotEqual(before, LedgerHash.Compute(entry));
    }

    [Fact]
    public void Compute_EveryEntryProperty_IsEitherHashedOrDeliberatelyLeftOut()
    {
        var properties = typeof(LedgerEntry).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(properties, Changes.Keys.Concat(NotHashed).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compute_StateChangedToEffective_KeepsTheHash()
    {
        var entry = Sample();
        var before = LedgerHash.Compute(entry);

        entry.State = EntryState.Effective;

        Assert.Equal(before, LedgerHash.Compute(entry));
    }

    [Fact]
    public void Compute_SameContent_GivesTheSameLowercaseSha256Hex()
    {
        var hash = LedgerHash.Compute(Sample());

        Assert.Equal(hash, LedgerHash.Compute(Sample()));
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Compute_TextMovedBetweenAdjacentFields_GivesADifferentHash()
    {
        var a = Sample();
        a.SourceKind = "claim";
        a.SourceRef = "x";
        var b = Sample();
        b.SourceKind = "claimx";
        b.SourceRef = "";

        Assert.NotEqual(LedgerHash.Compute(a), LedgerHash.Compute(b));
    }

    private static LedgerEntry Sample() => new()
    {
        VillageId = Guid.Parse("0197a000-0000-7000-8000-000000000001"),
        Id = Guid.Parse("0197a000-0000-7000-8000-000000000002"),
        Number = 7,
        HouseholdId = Guid.Parse("0197a000-0000-7000-8000-000000000003"),
        Amount = 5,
        Kind = EntryKind.Award,
        State = EntryState.Publicised,
        Reason = "参加义务植树",
        RuleId = Guid.Parse("0197a000-0000-7000-8000-000000000004"),
        RuleVersion = 2,
        SourceKind = SourceKinds.Claim,
        SourceRef = "claim:7",
        SubmittedBy = Guid.Parse("0197a000-0000-7000-8000-000000000005"),
        ApprovedBy = Guid.Parse("0197a000-0000-7000-8000-000000000006"),
        ReversesEntryId = null,
        OccurredOn = new DateOnly(2026, 3, 12),
        RecordedAt = new DateTimeOffset(2026, 3, 12, 8, 30, 0, TimeSpan.Zero),
        IdempotencyKey = "k-1",
        RequestHash = "r",
        PreviousHash = "ab".PadRight(64, 'c'),
        Hash = "",
    };
}
