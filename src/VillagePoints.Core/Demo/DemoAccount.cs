using VillagePoints.Core.Accounts;

namespace VillagePoints.Core.Demo;

/// <summary>A login the demo data creates; every one uses <see cref="DemoVillage.DemoPassword"/>.</summary>
/// <param name="Description">Who this is, in Chinese, e.g. "村民（户号 0001 户主）".</param>
public sealed record DemoAccount(string Phone, string DisplayName, Role Role, string Description);
