using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;

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
    public DbSet<VillageLedgerHead> VillageLedgerHeads => Set<VillageLedgerHead>();
    public DbSet<DirectRecord> DirectRecords => Set<DirectRecord>();
    public DbSet<UserAccount> UserAccounts => Set<UserAccount>();
    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();
    public DbSet<IdempotentRequest> IdempotentRequests => Set<IdempotentRequest>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(VillagePointsDb).Assembly);
}
