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
        [nameof(LedgerEntry.PreviousHash)] = e => e.PreviousHash = LedgerHash.Genesis,
        [nameof(LedgerEntry.HashVersion)] = e => e.HashVersion = 1,
    };

    /// <summary>
    /// State moves from publicised to effective when a notice closes; the hash itself and the request
    /// fingerprint describe the entry rather than being part of it; the idempotency key is the client's
    /// retry token, not a fact about the entry.
    /// </summary>
    private static readonly string[] NotHashed =
        [nameof(LedgerEntry.State), nameof(LedgerEntry.Hash), nameof(LedgerEntry.RequestHash), nameof(LedgerEntry.IdempotencyKey)];

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

    [Fact]
    public void Compute_NewEntry_UsesVersion2()
    {
        Assert.Equal(2, LedgerHash.CurrentVersion);
        Assert.Equal(LedgerHash.CurrentVersion, new LedgerEntry { Reason = "", SourceKind = "", PreviousHash = "", Hash = "" }.HashVersion);
    }

    [Fact]
    public void Compute_UnitSeparatorInAReason_CollidedInVersion1_DiffersInVersion2()
    {
        // Version 1 joined fields with U+001F, so moving one from the end of the reason to the start of
        // the next text field (rule fields empty in between) gave the same bytes and the same hash.
        var a = Sample();
        a.RuleId = null;
        a.RuleVersion = null;
        a.Reason = "打扫村道\u001f";
        a.SourceKind = "claim";
        var b = Sample();
        b.RuleId = null;
        b.RuleVersion = null;
        b.Reason = "打扫村道";
        b.SourceKind = "\u001fclaim";

        a.HashVersion = b.HashVersion = 1;
        Assert.Equal(LedgerHash.Compute(a), LedgerHash.Compute(b));
        a.HashVersion = b.HashVersion = 2;
        Assert.NotEqual(LedgerHash.Compute(a), LedgerHash.Compute(b));
    }

    [Fact]
    public void Compute_AbsentAndEmptyText_AreDifferentInVersion2()
    {
        var a = Sample();
        a.SourceRef = null;
        var b = Sample();
        b.SourceRef = "";

        Assert.NotEqual(LedgerHash.Compute(a), LedgerHash.Compute(b));
    }

    /// <summary>A hash made before versions were recorded; the version 1 code must keep giving it.</summary>
    [Fact]
    public void Compute_Version1Entry_StillGivesItsOriginalHash()
    {
        var entry = Sample();
        entry.HashVersion = 1;

        Assert.Equal("22f0068ee6438b20d0aae362d812ba2b25f8d18725480370cad74b979bb6e63d", LedgerHash.Compute(entry));
    }

    [Fact]
    public void Compute_Version1_StillCoversTheIdempotencyKey_Version2DoesNot()
    {
        var v1 = Sample();
        v1.HashVersion = 1;
        var v1Before = LedgerHash.Compute(v1);
        var v2 = Sample();
        var v2Before = LedgerHash.Compute(v2);

        v1.IdempotencyKey = v2.IdempotencyKey = "k-2";

        Assert.NotEqual(v1Before, LedgerHash.Compute(v1));
        Assert.Equal(v2Before, LedgerHash.Compute(v2));
    }

    /// <summary>Pins the version 2 encoding: if this changes, every stored version 2 hash stops verifying.</summary>
    [Fact]
    public void CanonicalV2_IsTheTagThenEachFieldLengthPrefixed()
    {
        var entry = Sample();
        entry.SourceRef = null;

        var text = System.Text.Encoding.UTF8.GetString(LedgerHash.CanonicalV2(entry));

        Assert.Equal(
            "2:v2" + "32:0197a000000070008000000000000001" + "32:0197a000000070008000000000000002" + "1:7"
            + "32:0197a000000070008000000000000003" + "1:5" + "5:award" + "18:参加义务植树"
            + "32:0197a000000070008000000000000004" + "1:2" + "5:claim" + "-" + "32:0197a000000070008000000000000005"
            + "32:0197a000000070008000000000000006" + "-" + "10:2026-03-12" + "13:1773304200000" + "64:" + "ab".PadRight(64, 'c'),
            text);
    }

    /// <summary>
    /// Kinds are hashed as these codes, never as C# member names, so renaming a member cannot change a
    /// stored hash. The table is written down here on purpose: changing a code breaks every entry of that kind.
    /// </summary>
    [Fact]
    public void KindCodes_AreFixedAndCoverEveryKind()
    {
        var expected = new Dictionary<EntryKind, string>
        {
            [EntryKind.BaseGrant] = "base-grant",
            [EntryKind.Award] = "award",
            [EntryKind.Deduction] = "deduction",
            [EntryKind.Redemption] = "redemption",
            [EntryKind.Reversal] = "reversal",
            [EntryKind.Adjustment] = "adjustment",
            [EntryKind.Reset] = "reset",
        };

        Assert.Equal(expected.OrderBy(p => p.Key), LedgerHash.KindCodes.OrderBy(p => p.Key));
        Assert.Equal(Enum.GetValues<EntryKind>().Order(), LedgerHash.KindCodes.Keys.Order());
        Assert.Equal(LedgerHash.KindCodes.Count, LedgerHash.KindCodes.Values.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Compute_UnknownVersion_IsRefused()
    {
        var entry = Sample();
        entry.HashVersion = 9;

        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerHash.Compute(entry));
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
