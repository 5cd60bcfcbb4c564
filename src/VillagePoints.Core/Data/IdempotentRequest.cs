using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VillagePoints.Core.Data;

/// <summary>
/// The first answer to a state-changing request, kept under its Idempotency-Key so that a
/// retry (after a dropped connection, say) gets the same answer instead of a second write.
/// Written in the same transaction as the change it records, through <see cref="Idempotency"/>.
/// The one store for every write (ledger postings and reversals, registrations, and later claims
/// and checkouts), so a key means one thing per village whatever it was used for.
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
        b.HasKey(x => new { x.VillageId, x.Key }).HasName(ConstraintNames.IdempotencyKey);
        b.Property(x => x.Key).HasMaxLength(Idempotency.MaxKeyLength);
        b.Property(x => x.Operation).HasMaxLength(60);
        b.Property(x => x.RequestHash).HasMaxLength(64);
    }
}
