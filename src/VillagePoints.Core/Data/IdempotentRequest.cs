using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VillagePoints.Core.Data;

/// <summary>
/// The first answer to a state-changing request, kept under its Idempotency-Key so that a
/// retry (after a dropped connection, say) gets the same answer instead of a second write.
/// Written in the same transaction as the change it records.
/// </summary>
public sealed class IdempotentRequest
{
    public Guid VillageId { get; set; }
    public required string Key { get; set; }
    public required string Operation { get; set; }
    public required string RequestHash { get; set; }
    public int StatusCode { get; set; }
    public required string ResponseJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class IdempotentRequestConfiguration : IEntityTypeConfiguration<IdempotentRequest>
{
    public void Configure(EntityTypeBuilder<IdempotentRequest> b)
    {
        b.HasKey(x => new { x.VillageId, x.Key });
        b.Property(x => x.Key).HasMaxLength(100);
        b.Property(x => x.Operation).HasMaxLength(60);
        b.Property(x => x.RequestHash).HasMaxLength(64);
    }
}
