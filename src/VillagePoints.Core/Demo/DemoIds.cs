using System.Buffers.Binary;

namespace VillagePoints.Core.Demo;

/// <summary>
/// Time-ordered ids in the same UUID v7 layout as <see cref="Data.Ids"/>, but with the random
/// bits drawn from a seeded generator. Household and account ids are part of every ledger
/// hash, so the demo chain head is only reproducible if these ids are.
/// </summary>
internal sealed class DemoIds(int seed)
{
    private readonly Random random = new(seed);
    private long lastMilliseconds;

    public Guid New(DateTimeOffset at)
    {
        // Ids made for the same instant still sort in creation order.
        var ms = Math.Max(at.ToUnixTimeMilliseconds(), lastMilliseconds + 1);
        lastMilliseconds = ms;

        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        Span<byte> stamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(stamp, ms);
        stamp[2..].CopyTo(bytes);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
