using System.Security.Cryptography;

namespace VillagePoints.Core.Ledger;

/// <summary>The private key that signs checkpoints (ECDSA P-256). It lives in a file, never in the database.</summary>
public sealed class CheckpointSigningKey : IDisposable
{
    private readonly ECDsa key;

    private CheckpointSigningKey(ECDsa key)
    {
        this.key = key;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        KeyId = CheckpointKeyring.KeyIdOf(key.ExportSubjectPublicKeyInfo());
    }

    public string KeyId { get; }

    /// <summary>The public half (SubjectPublicKeyInfo PEM), safe to publish.</summary>
    public string PublicKeyPem { get; }

    public static CheckpointSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static CheckpointSigningKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        if (key.KeySize != 256)
            throw new CryptographicException("The ledger signing key must be an ECDSA P-256 key.");
        return new CheckpointSigningKey(key);
    }

    public string ExportPrivateKeyPem() => key.ExportPkcs8PrivateKeyPem();

    public string Sign(byte[] data) =>
        Convert.ToBase64String(key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public void Dispose() => key.Dispose();
}

/// <summary>
/// The public keys a checkpoint may be signed with, read from outside the database. Keeping old public keys
/// here keeps old checkpoints verifiable after the signing key is replaced or lost.
/// </summary>
public sealed class CheckpointKeyring
{
    private readonly Dictionary<string, string> pems = new(StringComparer.Ordinal);

    public CheckpointKeyring(IEnumerable<string> publicKeyPems)
    {
        foreach (var pem in publicKeyPems)
            pems[KeyIdOf(pem)] = pem;
    }

    /// <summary>Key id → SubjectPublicKeyInfo PEM.</summary>
    public IReadOnlyDictionary<string, string> PublicKeys => pems;

    /// <summary>The first 16 hex digits of the SHA-256 of the key's SubjectPublicKeyInfo.</summary>
    public static string KeyIdOf(byte[] subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

    public static string KeyIdOf(string publicKeyPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(publicKeyPem);
        return KeyIdOf(key.ExportSubjectPublicKeyInfo());
    }

    public bool Contains(string keyId) => pems.ContainsKey(keyId);

    public bool Verify(string keyId, byte[] data, string signature)
    {
        if (!pems.TryGetValue(keyId, out var pem))
            return false;
        var bytes = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature, bytes, out var length))
            return false;
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return key.VerifyData(data, bytes.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}

/// <summary>Where the signing key and the trusted public keys live, and whether a missing key may be created.</summary>
public sealed record CheckpointKeyOptions(string SigningKeyPath, string TrustedKeysPath, bool CreateIfMissing)
{
    public const string DefaultSigningKeyPath = "data/ledger-signing-key.pem";
    public const string DefaultTrustedKeysPath = "data/ledger-public-keys";
}

/// <summary>
/// Loads the signing key and the keyring from files. The current key's public half is copied into the
/// keyring folder, so replacing the key later never strands the checkpoints it signed.
/// </summary>
public sealed class CheckpointKeys(CheckpointKeyOptions options)
{
    private readonly Lock gate = new();
    private CheckpointSigningKey? signingKey;
    private bool loaded;

    public CheckpointKeyOptions Options => options;

    /// <summary>Why there is no signing key, when there is none.</summary>
    public string? Missing { get; private set; }

    /// <summary>The signing key, or null when none is configured (see <see cref="Missing"/>).</summary>
    public CheckpointSigningKey? SigningKey
    {
        get
        {
            lock (gate)
            {
                if (!loaded)
                {
                    signingKey = Load();
                    loaded = true;
                }
                return signingKey;
            }
        }
    }

    /// <summary>The trusted public keys: every key in the keyring folder, and the current key.</summary>
    public CheckpointKeyring Keyring()
    {
        var pems = new List<string>();
        if (Directory.Exists(options.TrustedKeysPath))
            pems.AddRange(Directory.GetFiles(options.TrustedKeysPath, "*.pem").Order(StringComparer.Ordinal).Select(File.ReadAllText));
        if (SigningKey is { } current)
            pems.Add(current.PublicKeyPem);
        return new CheckpointKeyring(pems);
    }

    /// <summary>Creates a new signing key at the configured path; refuses to replace an existing one.</summary>
    public CheckpointSigningKey Create()
    {
        lock (gate)
        {
            var key = CheckpointSigningKey.Generate();
            WriteNew(options.SigningKeyPath, key.ExportPrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            signingKey?.Dispose();
            signingKey = key;
            loaded = true;
            Missing = null;
            KeepPublicKey(key);
            return key;
        }
    }

    private CheckpointSigningKey? Load()
    {
        if (!File.Exists(options.SigningKeyPath))
        {
            if (!options.CreateIfMissing)
            {
                Missing = $"There is no ledger signing key at {options.SigningKeyPath}; checkpoints are not signed until one is created.";
                return null;
            }
            try
            {
                var created = CheckpointSigningKey.Generate();
                WriteNew(options.SigningKeyPath, created.ExportPrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                KeepPublicKey(created);
                return created;
            }
            catch (IOException) when (File.Exists(options.SigningKeyPath))
            {
                // Another process created it first; use theirs.
            }
        }
        var key = CheckpointSigningKey.FromPem(File.ReadAllText(options.SigningKeyPath));
        KeepPublicKey(key);
        return key;
    }

    private void KeepPublicKey(CheckpointSigningKey key)
    {
        var path = Path.Combine(options.TrustedKeysPath, key.KeyId + ".pem");
        if (File.Exists(path))
            return;
        try
        {
            WriteNew(path, key.PublicKeyPem, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Written by another process at the same moment (same key, same content), or the folder is
            // read-only; either way signing goes on, and the README asks operators to keep this folder.
        }
    }

    /// <summary>Writes a whole file under a temporary name, then moves it into place only if nothing is there yet.</summary>
    private static void WriteNew(string path, string content, UnixFileMode? mode)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (mode is { } m && !OperatingSystem.IsWindows())
            fileOptions.UnixCreateMode = m;
        try
        {
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, fileOptions))
                writer.Write(content);
            File.Move(temporary, path, overwrite: false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
