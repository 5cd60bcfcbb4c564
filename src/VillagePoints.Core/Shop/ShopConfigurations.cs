using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Shop;

internal sealed class ShopItemConfiguration : IEntityTypeConfiguration<ShopItem>
{
    public void Configure(EntityTypeBuilder<ShopItem> b)
    {
        // The last line of defence against overselling: whatever the code does, the database keeps stock and holds in range.
        b.ToTable(t => t.HasCheckConstraint(ConstraintNames.ItemStockInRange,
            "\"Stock\" >= 0 AND \"Reserved\" >= 0 AND \"Reserved\" <= \"Stock\""));
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Code }).IsUnique().HasDatabaseName(ConstraintNames.ShopItemCode);
        b.Property(x => x.Code).HasMaxLength(ShopItem.MaxCodeLength);
        b.Property(x => x.NameZh).HasMaxLength(ShopItem.MaxNameLength);
        b.Property(x => x.NameEn).HasMaxLength(ShopItem.MaxNameLength);
        b.Property(x => x.Unit).HasMaxLength(ShopItem.MaxUnitLength);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.LimitPeriod).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.LastMovementHash).HasMaxLength(64);
        b.Property(x => x.MovementCount).IsConcurrencyToken();
        b.Ignore(x => x.IsVoucher);
        b.Ignore(x => x.Available);
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Merchant>().WithMany().HasForeignKey(x => new { x.VillageId, x.MerchantId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MerchantConfiguration : IEntityTypeConfiguration<Merchant>
{
    public void Configure(EntityTypeBuilder<Merchant> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Code }).IsUnique();
        b.HasIndex(x => x.AccountId);
        b.Property(x => x.Code).HasMaxLength(ShopItem.MaxCodeLength);
        b.Property(x => x.Name).HasMaxLength(Merchant.MaxNameLength);
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StockMovementConfiguration : IEntityTypeConfiguration<StockMovement>
{
    public void Configure(EntityTypeBuilder<StockMovement> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        // One movement per position in an item's chain: two writers of one item cannot both append.
        b.HasIndex(x => new { x.VillageId, x.ItemId, x.Sequence }).IsUnique().HasDatabaseName(ConstraintNames.StockMovementSequence);
        b.HasIndex(x => new { x.VillageId, x.CheckoutId });
        b.HasIndex(x => new { x.VillageId, x.Kind, x.OccurredOn });
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Counterparty).HasMaxLength(StockMovement.MaxTextLength);
        b.Property(x => x.Reason).HasMaxLength(StockMovement.MaxTextLength);
        b.Property(x => x.PreviousHash).HasMaxLength(64);
        b.Property(x => x.Hash).HasMaxLength(64);
        b.HasOne<ShopItem>().WithMany().HasForeignKey(x => new { x.VillageId, x.ItemId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.RecordedBy).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CheckoutConfiguration : IEntityTypeConfiguration<Checkout>
{
    public const int MaxReasonLength = 200;

    public void Configure(EntityTypeBuilder<Checkout> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Number }).IsUnique().HasDatabaseName(ConstraintNames.CheckoutNumber);
        b.HasIndex(x => new { x.VillageId, x.HouseholdId, x.OccurredOn });
        b.HasIndex(x => new { x.VillageId, x.OccurredOn });
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.CancelReason).HasMaxLength(MaxReasonLength);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => new { x.VillageId, x.CheckoutId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ClerkId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CheckoutLineConfiguration : IEntityTypeConfiguration<CheckoutLine>
{
    public void Configure(EntityTypeBuilder<CheckoutLine> b)
    {
        b.HasKey(x => new { x.VillageId, x.CheckoutId, x.LineNo });
        b.HasIndex(x => new { x.VillageId, x.ItemId });
        b.Property(x => x.ItemCode).HasMaxLength(ShopItem.MaxCodeLength);
        b.Property(x => x.ItemName).HasMaxLength(ShopItem.MaxNameLength);
        b.Property(x => x.Unit).HasMaxLength(ShopItem.MaxUnitLength);
        b.HasOne<ShopItem>().WithMany().HasForeignKey(x => new { x.VillageId, x.ItemId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<LedgerEntry>().WithMany().HasForeignKey(x => new { x.VillageId, x.EntryId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<LedgerEntry>().WithMany().HasForeignKey(x => new { x.VillageId, x.ReversalEntryId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VoucherConfiguration : IEntityTypeConfiguration<Voucher>
{
    public const int MaxCodeLength = 32;

    public void Configure(EntityTypeBuilder<Voucher> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        // Unique everywhere, not only in the village: a code alone names its voucher.
        b.HasIndex(x => x.Code).IsUnique().HasDatabaseName(ConstraintNames.VoucherCode);
        b.HasIndex(x => new { x.VillageId, x.MerchantId, x.SettlementMonth });
        b.HasIndex(x => new { x.VillageId, x.HouseholdId });
        b.HasIndex(x => new { x.VillageId, x.CheckoutId });
        b.Property(x => x.Code).HasMaxLength(MaxCodeLength);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.HasOne<Checkout>().WithMany().HasForeignKey(x => new { x.VillageId, x.CheckoutId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ShopItem>().WithMany().HasForeignKey(x => new { x.VillageId, x.ItemId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Merchant>().WithMany().HasForeignKey(x => new { x.VillageId, x.MerchantId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReservationConfiguration : IEntityTypeConfiguration<Reservation>
{
    public void Configure(EntityTypeBuilder<Reservation> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Number }).IsUnique().HasDatabaseName(ConstraintNames.ReservationNumber);
        b.HasIndex(x => new { x.VillageId, x.HouseholdId });
        // The expiry job looks for open reservations past their time.
        b.HasIndex(x => new { x.State, x.ExpiresAt });
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => new { x.VillageId, x.ReservationId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ReservedBy).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReservationLineConfiguration : IEntityTypeConfiguration<ReservationLine>
{
    public void Configure(EntityTypeBuilder<ReservationLine> b)
    {
        b.HasKey(x => new { x.VillageId, x.ReservationId, x.LineNo });
        b.HasOne<ShopItem>().WithMany().HasForeignKey(x => new { x.VillageId, x.ItemId }).OnDelete(DeleteBehavior.Restrict);
    }
}
