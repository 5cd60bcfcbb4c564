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
    public int FailedLoginCount { get; set; }
    public DateTimeOffset? LockoutEnd { get; set; }
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
