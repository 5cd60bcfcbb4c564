using VillagePoints.Core.Data;

namespace VillagePoints.Web.Hosting;

/// <summary>The endpoints' check of an <c>Idempotency-Key</c> header: the core's one rule, before any work starts.</summary>
public static class IdempotencyKeys
{
    public const int MaxLength = Idempotency.MaxKeyLength;

    public static void Validate(string? key) => Idempotency.ValidateKey(key);
}
