namespace VillagePoints.Web;

/// <summary>Anchor type for the UI's string resources (Resources/SharedResource*.resx).</summary>
public sealed class SharedResource;
