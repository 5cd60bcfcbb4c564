namespace VillagePoints.Core.Evidence;

/// <summary>The stable problem codes of evidence uploads; the web layer localizes them by these keys.</summary>
public static class EvidenceErrors
{
    public const string TooLarge = "evidence.too-large";
    public const string NotAnImage = "evidence.not-an-image";
    public const string UnsupportedFormat = "evidence.unsupported-format";
    public const string TooManyPixels = "evidence.too-many-pixels";
    public const string Unreadable = "evidence.unreadable";
    public const string TooManyPhotos = "evidence.too-many-photos";
    public const string NotFound = "evidence.not-found";
}
