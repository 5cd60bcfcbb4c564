namespace VillagePoints.Core.Ledger;

/// <summary>
/// One household's figures for one calendar month, kept in the same transaction as its entries so that the
/// monthly notice and rankings read a row per household instead of scanning the ledger.
/// </summary>
/// <remarks>
/// An entry counts in the month of its <see cref="LedgerEntry.OccurredOn"/> (already a business-calendar date).
/// A reversal is a new entry and counts in the month of its own date, not its target's: a published month
/// is never rewritten. It takes back from the figure of the kind it reverses, so a month in which an award
/// of an earlier month was reversed can show a negative <see cref="Awarded"/>.
/// <list type="bullet">
/// <item><see cref="Awarded"/>: points of awards, less reversed awards.</item>
/// <item><see cref="Deducted"/>, <see cref="Redeemed"/>: points taken by deductions and redemptions, as
/// positive numbers, less those reversed.</item>
/// <item><see cref="Net"/>: the sum of every amount, base grants, adjustments and resets included.</item>
/// <item><see cref="EntryCount"/>: every entry, reversals included.</item>
/// </list>
/// </remarks>
public sealed class HouseholdMonthTotal
{
    public Guid VillageId { get; set; }
    public Guid HouseholdId { get; set; }

    /// <summary>The month as yyyymm, e.g. 202611.</summary>
    public int Month { get; set; }
    public long Awarded { get; set; }
    public long Deducted { get; set; }
    public long Redeemed { get; set; }
    public long Net { get; set; }
    public long EntryCount { get; set; }

    public static int MonthOf(DateOnly day) => day.Year * 100 + day.Month;

    /// <summary>Adds one entry to this month's figures.</summary>
    /// <param name="reversedKind">For a reversal, the kind of the entry it undoes.</param>
    public void Add(LedgerEntry entry, EntryKind? reversedKind = null)
    {
        var kind = entry.Kind == EntryKind.Reversal ? reversedKind : entry.Kind;
        switch (kind)
        {
            case EntryKind.Award:
                Awarded += entry.Amount;
                break;
            case EntryKind.Deduction:
                Deducted -= entry.Amount;
                break;
            case EntryKind.Redemption:
                Redeemed -= entry.Amount;
                break;
        }
        Net += entry.Amount;
        EntryCount++;
    }
}
