using System.Text.RegularExpressions;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>The stylesheets as served: one unclosed rule silently nests every later rule inside it.</summary>
public sealed partial class StylesheetTests
{
    [Theory]
    [InlineData("/css/site.css")]
    [InlineData("/css/print.css")]
    public async Task Every_rule_of_the_stylesheet_is_closed(string path)
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var css = Comment().Replace(await app.Anonymous().GetStringAsync(path), "");

        var depth = 0;
        var line = 1;
        foreach (var c in css)
        {
            depth += c switch { '{' => 1, '}' => -1, _ => 0 };
            line += c == '\n' ? 1 : 0;
            Assert.True(depth is >= 0 and <= 2, $"{path}: braces go to depth {depth} by line {line}.");
        }
        Assert.Equal(0, depth);
    }

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
