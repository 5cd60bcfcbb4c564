using System.Text.Json.Serialization;

namespace VillagePoints.Core.Accounts;

[JsonConverter(typeof(JsonStringEnumConverter<Role>))]
public enum Role
{
    Villager,
    GridWorker,
    ReviewGroup,
    CommitteeMember,
    CommitteeChair,
    ShopClerk,
    PartnerMerchant,
    TownViewer,
    DistrictViewer,
    Administrator,
}

/// <summary>A login. Cadres may hold roles in several villages, so accounts are not village-owned.</summary>
public sealed class UserAccount
{
    public Guid Id { get; set; }

    /// <summary>Normalised mainland mobile number: 11 ASCII digits.</summary>
    public required string Phone { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }

    /// <summary>Wrong passwords in a row; from <see cref="PasswordLogin.FreeFailures"/> on, each one opens a longer sign-in delay.</summary>
    public int FailedLoginCount { get; set; }

    /// <summary>Until then no password is checked for this account: the end of a sign-in delay or of a lock.</summary>
    public DateTimeOffset? LockoutEnd { get; set; }

    /// <summary>
    /// Copied into every cookie and bearer token at sign-in and compared on each request. A new value
    /// (sign-out, password change, lock, role removal) ends every session of the account at once.
    /// </summary>
    public string SecurityStamp { get; set; } = AccountSecurity.NewStamp();
    public DateTimeOffset CreatedAt { get; set; }
    public List<RoleAssignment> Roles { get; set; } = [];
}

/// <summary>
/// A role held in one scope: a village (most roles), a town or district (oversight),
/// or everywhere (administrator). A villager's role also names their household.
/// </summary>
public sealed class RoleAssignment
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Role Role { get; set; }
    public Guid? VillageId { get; set; }
    public Guid? TownId { get; set; }
    public Guid? DistrictId { get; set; }
    public Guid? HouseholdId { get; set; }
    public Guid? PersonId { get; set; }
}
