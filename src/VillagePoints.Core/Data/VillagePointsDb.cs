using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notifications;
using VillagePoints.Core.Places;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Data;

/// <remarks>
/// One model, two migrations assemblies. After changing the model:
/// <code>
/// dotnet ef migrations add NAME --project src/VillagePoints.Migrations.Sqlite
/// dotnet ef migrations add NAME --project src/VillagePoints.Migrations.Postgres
/// </code>
/// (each migrations project is its own startup project; see its design-time factory).
/// </remarks>
public sealed class VillagePointsDb(DbContextOptions<VillagePointsDb> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<District> Districts => Set<District>();
    public DbSet<Town> Towns => Set<Town>();
    public DbSet<Village> Villages => Set<Village>();
    public DbSet<VillagerGroup> VillagerGroups => Set<VillagerGroup>();
    public DbSet<Household> Households => Set<Household>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<HouseholdBalance> HouseholdBalances => Set<HouseholdBalance>();
    public DbSet<HouseholdMonthTotal> HouseholdMonthTotals => Set<HouseholdMonthTotal>();
    public DbSet<VillageLedgerHead> VillageLedgerHeads => Set<VillageLedgerHead>();
    public DbSet<LedgerCheckpoint> LedgerCheckpoints => Set<LedgerCheckpoint>();
    public DbSet<DirectRecord> DirectRecords => Set<DirectRecord>();
    public DbSet<Claim> Claims => Set<Claim>();
    public DbSet<UserAccount> UserAccounts => Set<UserAccount>();
    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();
    public DbSet<RuleCategory> RuleCategories => Set<RuleCategory>();
    public DbSet<Rule> Rules => Set<Rule>();
    public DbSet<RuleVersion> RuleVersions => Set<RuleVersion>();
    public DbSet<IdempotentRequest> IdempotentRequests => Set<IdempotentRequest>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Evidence.EvidencePhoto> EvidencePhotos => Set<Evidence.EvidencePhoto>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<Activities.Activity> Activities => Set<Activities.Activity>();
    public DbSet<Activities.ActivityAttendance> ActivityAttendances => Set<Activities.ActivityAttendance>();
    public DbSet<Notices.Notice> Notices => Set<Notices.Notice>();
    public DbSet<Notices.Objection> Objections => Set<Notices.Objection>();
    public DbSet<Notices.JobLease> JobLeases => Set<Notices.JobLease>();
    public DbSet<Shop.ShopItem> ShopItems => Set<Shop.ShopItem>();
    public DbSet<Shop.Merchant> Merchants => Set<Shop.Merchant>();
    public DbSet<Shop.StockMovement> StockMovements => Set<Shop.StockMovement>();
    public DbSet<Shop.Checkout> Checkouts => Set<Shop.Checkout>();
    public DbSet<Shop.CheckoutLine> CheckoutLines => Set<Shop.CheckoutLine>();
    public DbSet<Shop.Voucher> Vouchers => Set<Shop.Voucher>();
    public DbSet<Shop.Reservation> Reservations => Set<Shop.Reservation>();
    public DbSet<Shop.ReservationLine> ReservationLines => Set<Shop.ReservationLine>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(VillagePointsDb).Assembly);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RejectForbiddenText();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RejectForbiddenText();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// The one gate for stored text: nothing is written when any new or changed text value holds a
    /// character <see cref="StoredText"/> forbids. Unchanged values of a modified row are not judged,
    /// so a row stored before this rule can still change state. Only our own entities are checked:
    /// the data-protection key ring stores multi-line XML written by the framework.
    /// </summary>
    private void RejectForbiddenText()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified) || entry.Metadata.ClrType.Assembly != typeof(VillagePointsDb).Assembly)
                continue;
            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is string text && (entry.State == EntityState.Added || property.IsModified))
                    StoredText.Check(text, FieldName(entry, property));
            }
        }
    }

    private static string FieldName(EntityEntry entry, PropertyEntry property) =>
        $"{entry.Metadata.ClrType.Name}.{property.Metadata.Name}";
}
