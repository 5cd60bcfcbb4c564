using Microsoft.Playwright;

namespace VillagePoints.Browser.Tests.Infrastructure;

/// <summary>Records every alert, confirm or prompt a page opens, so a test can prove no injected script ran.</summary>
public sealed class DialogWatch
{
    private readonly List<string> messages = [];

    public DialogWatch(IPage page) => page.Dialog += async (_, dialog) =>
    {
        lock (messages)
            messages.Add($"{dialog.Type}: {dialog.Message}");
        await dialog.DismissAsync();
    };

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (messages)
                return [.. messages];
        }
    }
}
