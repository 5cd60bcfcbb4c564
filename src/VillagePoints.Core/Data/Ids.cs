namespace VillagePoints.Core.Data;

/// <summary>Application-made, time-ordered ids (UUID v7), so inserts stay in index order.</summary>
public static class Ids
{
    public static Guid New() => Guid.CreateVersion7();

    public static Guid New(DateTimeOffset at) => Guid.CreateVersion7(at);
}
