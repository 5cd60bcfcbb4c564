using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Data;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Ledger;

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Number }).IsUnique().HasDatabaseName(ConstraintNames.EntryNumber);
        b.HasIndex(x => new { x.VillageId, x.HouseholdId, x.Number });
        // A monthly notice also lists entries dated after the previous notice's month but numbered before its head.
        b.HasIndex(x => new { x.VillageId, x.OccurredOn });
        // Entries recorded before idempotency moved to IdempotentRequests carry their key here (their hash covers it).
        b.HasIndex(x => new { x.VillageId, x.IdempotencyKey }).IsUnique();
        // An entry can be reversed once: the database refuses a second reversal.
        b.HasIndex(x => new { x.VillageId, x.ReversesEntryId }).IsUnique().HasDatabaseName(ConstraintNames.EntryReversal);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(LedgerPosting.MaxReasonLength);
        b.Property(x => x.SourceKind).HasMaxLength(40);
        b.Property(x => x.SourceRef).HasMaxLength(100);
        b.Property(x => x.IdempotencyKey).HasMaxLength(Idempotency.MaxKeyLength);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        b.Property(x => x.PreviousHash).HasMaxLength(64);
        b.Property(x => x.Hash).HasMaxLength(64);
        // Rows that existed before hash versions were recorded were all hashed with version 1.
        b.Property(x => x.HashVersion).HasDefaultValue(1);
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class HouseholdBalanceConfiguration : IEntityTypeConfiguration<HouseholdBalance>
{
    public void Configure(EntityTypeBuilder<HouseholdBalance> b)
    {
        b.HasKey(x => new { x.VillageId, x.HouseholdId }).HasName(ConstraintNames.HouseholdBalance);
        b.HasIndex(x => new { x.VillageId, x.Earned });
        b.HasOne<Household>().WithOne().HasForeignKey<HouseholdBalance>(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class HouseholdMonthTotalConfiguration : IEntityTypeConfiguration<HouseholdMonthTotal>
{
    public void Configure(EntityTypeBuilder<HouseholdMonthTotal> b)
    {
        b.HasKey(x => new { x.VillageId, x.HouseholdId, x.Month }).HasName(ConstraintNames.HouseholdMonthTotal);
        // A month's notice and ranking read every household of the village for that month.
        b.HasIndex(x => new { x.VillageId, x.Month });
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VillageLedgerHeadConfiguration : IEntityTypeConfiguration<VillageLedgerHead>
{
    public void Configure(EntityTypeBuilder<VillageLedgerHead> b)
    {
        b.HasKey(x => x.VillageId).HasName(ConstraintNames.ChainHead);
        b.Property(x => x.LastNumber).IsConcurrencyToken();
        b.Property(x => x.LastHash).HasMaxLength(64);
        b.HasOne<Village>().WithOne().HasForeignKey<VillageLedgerHead>(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
    }
}
