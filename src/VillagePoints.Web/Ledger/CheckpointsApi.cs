using Microsoft.AspNetCore.Http.HttpResults;
using VillagePoints.Core.Ledger;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Ledger;

public sealed record CheckpointLine(int Number, long EntryNumber, string HeadHash, DateTimeOffset SignedAt, string KeyId, string Signature);

public sealed record PublicKeyLine(string KeyId, string PublicKey);

/// <summary>
/// A village's signed chain heads and the public keys that check them, so anyone can keep a copy
/// outside the system and later prove the ledger still passes through every one.
/// </summary>
/// <param name="CurrentKeyId">The key new checkpoints are signed with, or null when none is configured.</param>
/// <param name="PublicKeys">The public key of every key id in <paramref name="Checkpoints"/> that is trusted, and the current key.</param>
public sealed record CheckpointExport(
    string VillageCode,
    Guid VillageId,
    string? CurrentKeyId,
    IReadOnlyList<CheckpointLine> Checkpoints,
    IReadOnlyList<PublicKeyLine> PublicKeys)
{
    public static async Task<CheckpointExport> BuildAsync(LedgerCheckpoints checkpoints, CheckpointKeys keys, Guid villageId, string villageCode,
        CancellationToken ct)
    {
        var list = await checkpoints.ListAsync(villageId, ct);
        var keyring = keys.Keyring();
        var current = keys.SigningKey?.KeyId;
        var used = list.Select(c => c.KeyId).Append(current).OfType<string>().Distinct(StringComparer.Ordinal);
        return new CheckpointExport(
            villageCode,
            villageId,
            current,
            list.Select(c => new CheckpointLine(c.Number, c.EntryNumber, c.HeadHash, c.SignedAt, c.KeyId, c.Signature)).ToList(),
            used.Where(keyring.PublicKeys.ContainsKey).Select(id => new PublicKeyLine(id, keyring.PublicKeys[id])).ToList());
    }
}

public static class CheckpointsApi
{
    public static RouteGroupBuilder MapCheckpointsApi(this RouteGroupBuilder village)
    {
        village.MapGroup("").WithTags("Ledger")
            .MapGet("/ledger/checkpoints", List).RequireVillage(VillagePermission.ReadVillage)
            .WithSummary("The village's signed chain heads (ECDSA P-256, SHA-256, DER signatures in base64) and the public keys that check them.");
        return village;
    }

    public static async Task<Ok<CheckpointExport>> List(HttpContext http, LedgerCheckpoints checkpoints, CheckpointKeys keys, CancellationToken ct)
    {
        var grant = http.Grant();
        return TypedResults.Ok(await CheckpointExport.BuildAsync(checkpoints, keys, grant.Village.Id, grant.Village.Code, ct));
    }
}
