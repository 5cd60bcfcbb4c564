using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace VillagePoints.Browser.Tests.Infrastructure;

public static class Accessibility
{
    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "serious", "critical" };

    /// <summary>Fails with every serious or critical axe violation on the page: rule, impact and the elements involved.</summary>
    public static async Task AssertNoSeriousViolationsAsync(this IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        var blocking = result.Violations.Where(v => v.Impact is { } impact && Blocking.Contains(impact)).ToList();
        if (blocking.Count == 0)
            return;
        var lines = blocking.SelectMany(v => v.Nodes.Select(n => $"  {v.Id} ({v.Impact}) at {n.Target}: {v.Help}"));
        Assert.Fail($"{page.PathOf()} has {blocking.Count} serious or critical accessibility violation(s):\n{string.Join('\n', lines)}");
    }
}
