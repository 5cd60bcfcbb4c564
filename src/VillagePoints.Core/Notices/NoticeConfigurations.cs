using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Notices;

internal sealed class NoticeConfiguration : IEntityTypeConfiguration<Notice>
{
    public void Configure(EntityTypeBuilder<Notice> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        // One notice per village per month: a second publication of a month loses this race.
        b.HasIndex(x => new { x.VillageId, x.Month }).IsUnique().HasDatabaseName(ConstraintNames.NoticeMonth);
        // The closing job looks for open windows that have passed.
        b.HasIndex(x => new { x.State, x.WindowClosesAt });
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.HeadHash).HasMaxLength(64);
        b.Property(x => x.DocumentHash).HasMaxLength(64);
        b.HasOne<Village>().WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ObjectionConfiguration : IEntityTypeConfiguration<Objection>
{
    public const int MaxReasonLength = 500;

    public void Configure(EntityTypeBuilder<Objection> b)
    {
        b.HasKey(x => new { x.VillageId, x.Id });
        b.HasIndex(x => new { x.VillageId, x.Number }).IsUnique().HasDatabaseName(ConstraintNames.ObjectionNumber);
        // A household objects to an entry once; the database refuses a second one even from two phones at once.
        b.HasIndex(x => new { x.VillageId, x.EntryId, x.RaisedByHouseholdId }).IsUnique().HasDatabaseName(ConstraintNames.ObjectionPerHousehold);
        b.HasIndex(x => new { x.VillageId, x.State });
        b.HasIndex(x => new { x.VillageId, x.HouseholdId });
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(MaxReasonLength);
        b.Property(x => x.Decision).HasMaxLength(MaxReasonLength);
        b.HasOne<LedgerEntry>().WithMany().HasForeignKey(x => new { x.VillageId, x.EntryId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.HouseholdId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Household>().WithMany().HasForeignKey(x => new { x.VillageId, x.RaisedByHouseholdId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.RaisedBy).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> b)
    {
        b.HasKey(x => x.Name).HasName(ConstraintNames.JobLease);
        b.Property(x => x.Name).HasMaxLength(80);
        b.Property(x => x.Holder).HasMaxLength(120);
    }
}
