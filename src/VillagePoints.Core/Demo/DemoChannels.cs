using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Demo;

/// <summary>The four channels through which the village hears of a deed (多渠道收集信息), as ledger source kinds.</summary>
public static class DemoChannels
{
    /// <summary>村民申报</summary>
    public const string SelfDeclaration = "self-declaration";

    /// <summary>网格员巡查</summary>
    public const string Patrol = SourceKinds.Patrol;

    /// <summary>邻里推荐</summary>
    public const string NeighbourRecommendation = "neighbour-recommendation";

    /// <summary>小组检查</summary>
    public const string GroupInspection = "group-inspection";

    public static IReadOnlyList<string> All { get; } = [SelfDeclaration, Patrol, NeighbourRecommendation, GroupInspection];
}
