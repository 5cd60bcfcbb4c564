using System.Net;
using System.Text.RegularExpressions;
using VillagePoints.Core.Data;
using VillagePoints.Web.Hosting;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>What goes over a village's slow mobile link: compressed where safe, cached where it cannot go stale.</summary>
public sealed partial class DeliveryTests
{
    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task StylesheetsAndApiJson_AreCompressed(string encoding)
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var client = app.Anonymous();
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd(encoding);

        foreach (var path in new[] { "/css/site.css", "/openapi/v1.json", "/api/v1/nothing-here" })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.Content.Headers.ContentEncoding.Contains(encoding), $"{path} ({(int)response.StatusCode}) is not sent as {encoding}");
        }
    }

    [Fact]
    public async Task Pages_AreNotCompressed_BecauseTheyCarryAntiforgeryTokensNextToRequesterText()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var client = app.Anonymous();
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br, gzip");

        var response = await client.GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("__RequestVerificationToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionedStylesheets_AreCachedForAYear_AndOtherFilesRevalidated()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var client = app.Anonymous();
        var page = await client.GetStringAsync("/login");
        var stylesheets = StylesheetLink().Matches(page).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(stylesheets);

        foreach (var href in stylesheets)
        {
            Assert.Contains("?v=", href, StringComparison.Ordinal);
            var css = await client.GetAsync(href);
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
            Assert.Equal(StaticDelivery.Immutable, css.Headers.CacheControl?.ToString());
        }
        var icon = await client.GetAsync("/favicon.svg");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal(StaticDelivery.Revalidate, icon.Headers.CacheControl?.ToString());
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex StylesheetLink();
}
