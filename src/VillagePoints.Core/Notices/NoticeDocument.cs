using System.Text.Json.Serialization;

namespace VillagePoints.Core.Notices;

/// <summary>
/// One month's public notice (月度积分公示) as it reads on the board: what the JSON API answers, what the HTML pages,
/// the print layout and the PDF render, and what is frozen in <see cref="Notice.Document"/> when the month is
/// published. A draft is built afresh from the ledger on each request.
/// </summary>
/// <param name="Month">The month, formatted yyyy-MM.</param>
/// <param name="State">draft, published or closed.</param>
/// <param name="NamesMasked">True when household names have been masked (黄*敏) for a public audience.</param>
/// <param name="Households">Every household of the village in number order, each with its month's entries.</param>
/// <param name="Late">Entries dated in earlier months that were recorded after their month's notice was published.</param>
/// <param name="Boards">The red and black list (红黑榜), when the village shows one.</param>
/// <param name="Objections">Objections raised or decided since the previous notice was published.</param>
public sealed record NoticeDocument(
    string VillageCode,
    string VillageName,
    string Month,
    string State,
    DateTimeOffset GeneratedAt,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? WindowClosesAt,
    DateTimeOffset? ClosedAt,
    int PublicityWindowDays,
    bool NamesMasked,
    NoticeSummary Summary,
    IReadOnlyList<NoticeHousehold> Households,
    IReadOnlyList<NoticeLine> Late,
    NoticeBoards? Boards,
    IReadOnlyList<NoticeObjection> Objections,
    NoticeChainHead ChainHead)
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Closed = "closed";

    /// <summary>The same notice with every household name masked, for a page or print that leaves the village.</summary>
    public NoticeDocument Masked() => NamesMasked
        ? this
        : this with
        {
            NamesMasked = true,
            // Each entry line repeats its household's name, so it is masked there too.
            Households = Households.Select(h => h with
            {
                Name = NameMask.Mask(h.Name),
                Entries = h.Entries.Select(e => e with { HouseholdName = NameMask.Mask(e.HouseholdName) }).ToList(),
            }).ToList(),
            Late = Late.Select(l => l with { HouseholdName = NameMask.Mask(l.HouseholdName) }).ToList(),
            Boards = Boards is null ? null : new NoticeBoards(
                Boards.Red.Select(r => r with { Name = NameMask.Mask(r.Name) }).ToList(),
                Boards.Black.Select(r => r with { Name = NameMask.Mask(r.Name) }).ToList()),
            Objections = Objections.Select(o => o with { HouseholdName = NameMask.Mask(o.HouseholdName) }).ToList(),
        };
}

/// <summary>The month's headline figures, as the seed reports them.</summary>
/// <param name="PointsIssued">Points awarded in the month, less awards reversed.</param>
/// <param name="PointsDeducted">Points deducted, as a positive number.</param>
/// <param name="PointsRedeemed">Points spent at the points supermarket, as a positive number.</param>
/// <param name="ParticipatingHouseholds">Households with at least one award or deduction in the month.</param>
/// <param name="VolunteerPersonTimes">Confirmed attendances at volunteer activities held in the month.</param>
/// <param name="Entries">Entries listed in the notice, late ones included.</param>
public sealed record NoticeSummary(
    long PointsIssued,
    long PointsDeducted,
    long PointsRedeemed,
    int ParticipatingHouseholds,
    int VolunteerPersonTimes,
    int Households,
    int Entries);

/// <param name="MonthTotal">The sum of the household's entries dated in the month.</param>
/// <param name="Cumulative">The household's points from its opening to the end of the month.</param>
/// <param name="VillageRank">Rank by <see cref="Cumulative"/> in the village; equal totals share a rank (1, 2, 2, 4).</param>
/// <param name="GroupRank">The same within the household's villager group.</param>
public sealed record NoticeHousehold(
    int Number,
    string Name,
    int GroupNumber,
    string GroupName,
    long MonthTotal,
    long Awarded,
    long Deducted,
    long Redeemed,
    long Cumulative,
    int VillageRank,
    int GroupRank,
    IReadOnlyList<NoticeLine> Entries);

/// <summary>One ledger entry as the notice shows it.</summary>
/// <param name="Kind">The entry kind (Award, Deduction, Redemption, Reversal, …).</param>
/// <param name="Channel">Where the entry came from: a claim channel (SelfDeclared, Recommended, Patrol, GroupInspection),
/// or committee, checkout, opening, objection.</param>
/// <param name="Reverses">For a reversal, the number of the entry it undoes.</param>
/// <param name="Objection">The state of an objection to this entry, if one was raised: open, upheld or dismissed.</param>
public sealed record NoticeLine(
    long Number,
    int HouseholdNumber,
    string HouseholdName,
    DateOnly OccurredOn,
    int Amount,
    string Kind,
    string? RuleCode,
    string? RuleName,
    string Reason,
    string Channel,
    long? Reverses,
    string? Objection);

/// <summary>The red list (most points awarded this month) and the black list (most deducted).</summary>
public sealed record NoticeBoards(IReadOnlyList<NoticeBoardRow> Red, IReadOnlyList<NoticeBoardRow> Black);

public sealed record NoticeBoardRow(int HouseholdNumber, string Name, long Points);

/// <param name="State">open, upheld or dismissed.</param>
/// <param name="Decision">The committee's written decision, once decided.</param>
/// <param name="ReversalEntry">For an upheld objection, the entry that reversed the one objected to.</param>
/// <param name="CorrectionEntry">For an upheld objection, the corrected entry when one was recorded.</param>
public sealed record NoticeObjection(
    int Number,
    long EntryNumber,
    int HouseholdNumber,
    string HouseholdName,
    int EntryAmount,
    string Reason,
    string State,
    DateTimeOffset RaisedAt,
    DateTimeOffset? DecidedAt,
    string? Decision,
    long? ReversalEntry,
    long? CorrectionEntry);

/// <summary>
/// The village's hash-chain head when the notice was generated. Anyone can later check that the ledger up to
/// this entry is unchanged, on the public verification page the QR code points to.
/// </summary>
public sealed record NoticeChainHead(long EntryNumber, string Hash)
{
    /// <summary>How the head is written on paper and typed back: number, colon, hash.</summary>
    [JsonIgnore]
    public string Printed => $"{EntryNumber}:{Hash}";
}
