namespace VillagePoints.Core;

/// <summary>
/// A broken business rule. <see cref="Code"/> is a stable, machine-readable key that
/// the web layer maps to a problem type, an HTTP status and a localized message.
/// </summary>
public class DomainException(string code, string message, DomainErrorKind kind = DomainErrorKind.Invalid)
    : Exception(message)
{
    public string Code { get; } = code;
    public DomainErrorKind Kind { get; } = kind;
}

public enum DomainErrorKind
{
    Invalid,
    NotFound,
    Conflict,
    Forbidden,
}
