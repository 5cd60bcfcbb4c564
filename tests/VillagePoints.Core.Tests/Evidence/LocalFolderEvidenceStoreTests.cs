using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;

namespace VillagePoints.Core.Tests.Evidence;

public sealed class LocalFolderEvidenceStoreTests : IDisposable
{
    private readonly string parent = Path.Combine(Path.GetTempPath(), "vp-evidence-" + Guid.NewGuid().ToString("N"));
    private readonly LocalFolderEvidenceStore store;

    public LocalFolderEvidenceStoreTests()
    {
        store = new LocalFolderEvidenceStore(Path.Combine(parent, "evidence"));
    }

    public void Dispose()
    {
        if (Directory.Exists(parent))
            Directory.Delete(parent, recursive: true);
    }

    [Fact]
    public async Task SavedBytes_ReadBackTheSame_AndLeaveNoTemporaryFile()
    {
        var key = EvidenceKeys.NewPhoto(Ids.New());
        byte[] content = [1, 2, 3, 4, 5];

        await store.SaveAsync(key, content);
        await using var read = await store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await read!.CopyToAsync(copy);

        Assert.Equal(content, copy.ToArray());
        var files = Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories);
        Assert.Equal(Path.Combine(store.Root, key[..2], key), Assert.Single(files));
    }

    [Fact]
    public async Task DeletedKeys_ReadAsNothing_AndDeletingTwiceIsNoError()
    {
        var key = EvidenceKeys.NewThumbnail(Ids.New());
        await store.SaveAsync(key, new byte[] { 9 });

        await store.DeleteAsync(key);
        await store.DeleteAsync(key);

        Assert.Null(await store.OpenReadAsync(key));
        Assert.Null(await store.OpenReadAsync(EvidenceKeys.NewPhoto(Ids.New())));
    }

    [Theory]
    [InlineData("../outside.jpg")]
    [InlineData("../../etc/passwd")]
    [InlineData("/tmp/outside.jpg")]
    [InlineData("0123456789abcdef0123456789abcdef/../../x.jpg")]
    [InlineData("..\\outside.jpg")]
    [InlineData("photo.jpg")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF.jpg")]
    [InlineData("0123456789abcdef0123456789abcdef.jpg\n")]
    [InlineData("")]
    public async Task KeysThatAreNotOurs_AreRefused_AndNothingIsWrittenAnywhere(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(key, new byte[] { 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(key));

        Assert.False(Directory.Exists(parent) && Directory.EnumerateFileSystemEntries(parent, "*", SearchOption.AllDirectories).Any());
    }
}
