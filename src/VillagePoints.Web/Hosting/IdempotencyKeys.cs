using VillagePoints.Core;

namespace VillagePoints.Web.Hosting;

public static class IdempotencyKeys
{
    public const int MaxLength = 100;

    public static void Validate(string? key)
    {
        if (key is null)
            return;
        if (key.Length is 0 or > MaxLength || key.Any(c => c < 0x21 || c > 0x7e))
            throw new DomainException("idempotency.key-invalid", $"An Idempotency-Key is 1 to {MaxLength} printable ASCII characters.");
    }
}
