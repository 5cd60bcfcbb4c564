using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace VillagePoints.Core.Data;

/// <summary>
/// Names of the unique constraints the write path reasons about. The configurations set them
/// explicitly, so a renamed index cannot silently turn a race into a "duplicate".
/// </summary>
public static class ConstraintNames
{
    public const string ChainHead = "PK_VillageLedgerHeads";
    /// <summary>A household's first balance row: two first appends of a new village race for it like for the head.</summary>
    public const string HouseholdBalance = "PK_HouseholdBalances";
    /// <summary>A household's first totals row of a month, raced for like its balance row.</summary>
    public const string HouseholdMonthTotal = "PK_HouseholdMonthTotals";
    public const string EntryNumber = "IX_LedgerEntries_VillageId_Number";
    public const string EntryReversal = "IX_LedgerEntries_VillageId_ReversesEntryId";
    public const string IdempotencyKey = "PK_IdempotentRequests";
    public const string HouseholdNumber = "IX_Households_VillageId_Number";
    /// <summary>A direct record's number: where no chain-head lock holds yet (a village's first write), two records race for it.</summary>
    public const string DirectRecordNumber = "IX_DirectRecords_VillageId_Number";
    /// <summary>One notice per village per month.</summary>
    public const string NoticeMonth = "IX_Notices_VillageId_Month";
    public const string ObjectionNumber = "IX_Objections_VillageId_Number";
    /// <summary>A household objects to an entry once.</summary>
    public const string ObjectionPerHousehold = "IX_Objections_VillageId_EntryId_RaisedByHouseholdId";
    /// <summary>A scheduled job's lease row, raced for by every instance when it is first taken.</summary>
    public const string JobLease = "PK_JobLeases";
    public const string ShopItemCode = "IX_ShopItems_VillageId_Code";
    /// <summary>Stock and holds stay in range (0 ≤ reserved ≤ stock): the database refuses an oversell.</summary>
    public const string ItemStockInRange = "CK_ShopItems_StockInRange";
    /// <summary>An item's movement chain position: two writers of one item race for it.</summary>
    public const string StockMovementSequence = "IX_StockMovements_VillageId_ItemId_Sequence";
    public const string CheckoutNumber = "IX_Checkouts_VillageId_Number";
    public const string VoucherCode = "IX_Vouchers_Code";
    public const string ReservationNumber = "IX_Reservations_VillageId_Number";

    /// <summary>
    /// Maps SQLite's "Table.Column, Table.Column" (all it says about a unique failure) to the name
    /// of the model's unique index or key on exactly those columns.
    /// </summary>
    public static string? FromColumns(IModel model, string failure)
    {
        var parts = failure.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('.', 2))
            .Where(p => p.Length == 2)
            .ToList();
        if (parts.Count == 0 || parts.Select(p => p[0]).Distinct(StringComparer.Ordinal).Count() != 1)
            return null;
        var table = parts[0][0];
        var columns = parts.Select(p => p[1]).ToList();
        foreach (var entity in model.GetEntityTypes().Where(e => e.GetTableName() == table))
        {
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            bool Same(IReadOnlyList<IProperty> properties) =>
                properties.Select(p => p.GetColumnName(store)).SequenceEqual(columns, StringComparer.Ordinal);
            foreach (var index in entity.GetIndexes().Where(i => i.IsUnique && Same(i.Properties)))
                return index.GetDatabaseName(store);
            foreach (var key in entity.GetKeys().Where(k => Same(k.Properties)))
                return key.GetName(store);
        }
        return null;
    }
}
