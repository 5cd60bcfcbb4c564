using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VillagePoints.Core.Places;

internal sealed class DistrictConfiguration : IEntityTypeConfiguration<District>
{
    public void Configure(EntityTypeBuilder<District> b)
    {
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Code).HasMaxLength(40);
        b.Property(x => x.Name).HasMaxLength(60);
    }
}

internal sealed class TownConfiguration : IEntityTypeConfiguration<Town>
{
    public void Configure(EntityTypeBuilder<Town> b)
    {
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Code).HasMaxLength(40);
        b.Property(x => x.Name).HasMaxLength(60);
        b.HasOne(x => x.District).WithMany(d => d.Towns).HasForeignKey(x => x.DistrictId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VillageConfiguration : IEntityTypeConfiguration<Village>
{
    public void Configure(EntityTypeBuilder<Village> b)
    {
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Code).HasMaxLength(40);
        b.Property(x => x.Name).HasMaxLength(60);
        b.HasOne(x => x.Town).WithMany(t => t.Villages).HasForeignKey(x => x.TownId).OnDelete(DeleteBehavior.Restrict);
        b.OwnsOne(x => x.Settings, s =>
        {
            s.Property(p => p.BasePoints).HasColumnName("BasePoints").HasDefaultValue(100);
            s.Property(p => p.PublicityWindowDays).HasColumnName("PublicityWindowDays").HasDefaultValue(7);
            s.Property(p => p.AllowSpendBeforeEffective).HasColumnName("AllowSpendBeforeEffective");
            s.Property(p => p.TwoStepReview).HasColumnName("TwoStepReview");
            s.Property(p => p.TwoReviewerThreshold).HasColumnName("TwoReviewerThreshold");
            s.Property(p => p.MaxDirectRecordAmount).HasColumnName("MaxDirectRecordAmount");
            s.Property(p => p.MaskNamesInPublic).HasColumnName("MaskNamesInPublic");
            s.Property(p => p.RedBlackList).HasColumnName("RedBlackList");
            s.Property(p => p.ShopDays).HasColumnName("ShopDays").HasDefaultValue(Shop.ShopHours.EveryDay);
            s.Property(p => p.ShopOpensAt).HasColumnName("ShopOpensAt").HasDefaultValue(new TimeOnly(8, 0));
            s.Property(p => p.ShopClosesAt).HasColumnName("ShopClosesAt").HasDefaultValue(new TimeOnly(18, 0));
        });
        b.Navigation(x => x.Settings).IsRequired();
    }
}

internal sealed class VillagerGroupConfiguration : IEntityTypeConfiguration<VillagerGroup>
{
    public void Configure(EntityTypeBuilder<VillagerGroup> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Number }).IsUnique();
        b.Property(x => x.Name).HasMaxLength(60);
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class HouseholdConfiguration : IEntityTypeConfiguration<Household>
{
    public void Configure(EntityTypeBuilder<Household> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Number }).IsUnique().HasDatabaseName(Data.ConstraintNames.HouseholdNumber);
        b.HasIndex(x => new { x.VillageId, x.Phone });
        b.HasIndex(x => new { x.VillageId, x.HeadName });
        b.Property(x => x.HeadName).HasMaxLength(40);
        b.Property(x => x.Address).HasMaxLength(120);
        b.Property(x => x.Phone).HasMaxLength(20);
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VillagerGroup>().WithMany().HasForeignKey(x => new { x.VillageId, x.GroupId }).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Members).WithOne().HasForeignKey(p => new { p.VillageId, p.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Phone });
        b.HasIndex(x => new { x.VillageId, x.Name });
        b.Property(x => x.Name).HasMaxLength(40);
        b.Property(x => x.Relation).HasMaxLength(20);
        b.Property(x => x.Phone).HasMaxLength(20);
    }
}
