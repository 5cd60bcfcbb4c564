namespace VillagePoints.Core.Evidence;

/// <summary>
/// Evidence bytes in a local folder (by default <c>data/evidence</c> beside the SQLite file). Files are
/// spread over sub-folders by the key's first two hex digits, written to a temporary file and then moved
/// into place, so a crash never leaves a half-written photo under a real key.
/// </summary>
public sealed class LocalFolderEvidenceStore : IEvidenceStore
{
    public const string ConfigKey = "Evidence:Folder";
    public const string DefaultFolder = "data/evidence";

    private readonly string root;

    public LocalFolderEvidenceStore(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        // Relative to the working directory, like the SQLite file's path.
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
    }

    public string Root => root;

    public async Task SaveAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, ct);
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct = default)
    {
        var path = PathOf(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        var path = PathOf(key);
        if (File.Exists(path))
            File.Delete(path);
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        EvidenceKeys.Check(key);
        var path = Path.GetFullPath(Path.Combine(root, key[..2], key));
        // The key pattern already rules out separators and dots; this is the second lock on the same door.
        if (!path.StartsWith(root, StringComparison.Ordinal))
            throw new ArgumentException("The key leads outside the evidence folder.", nameof(key));
        return path;
    }
}
