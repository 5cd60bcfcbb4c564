using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewEngines;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notices;
using VillagePoints.TestSupport;
using VillagePoints.Web.Notices;
using VillagePoints.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VillagePoints.Web.Tests.Notices;

/// <summary>
/// The notice partials rendered by the app's own view engine from a document written by hand: what the print
/// layout shows. The pages around them are tested where they are wired.
/// </summary>
public sealed class NoticeRenderingTests(ITestOutputHelper output)
{
    private static async Task<string> RenderAsync<TModel>(string partial, TModel model, string culture = "zh-CN")
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        return await RenderAsync(app, partial, model, culture);
    }

    private static async Task<string> RenderAsync<TModel>(TestApp app, string partial, TModel model, string culture = "zh-CN")
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            using var scope = app.Factory.Services.CreateScope();
            var services = scope.ServiceProvider;
            var http = new DefaultHttpContext { RequestServices = services };
            var view = services.GetRequiredService<ICompositeViewEngine>()
                .GetView(executingFilePath: null, viewPath: partial, isMainPage: false).EnsureSuccessful(originalLocations: null).View!;
            var data = new ViewDataDictionary<TModel>(services.GetRequiredService<IModelMetadataProvider>(), new ModelStateDictionary()) { Model = model };
            var temp = new TempDataDictionary(http, services.GetRequiredService<ITempDataProvider>());
            await using var writer = new StringWriter();
            var context = new ViewContext(new ActionContext(http, new RouteData(), new ActionDescriptor()), view, data, temp, writer, new HtmlHelperOptions());
            await view.RenderAsync(context);
            return writer.ToString();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }
    }

    private const string Print = "/Notices/_NoticePrint.cshtml";

    [Fact]
    public async Task ThePrintLayout_EncodesHostileNamesAndReasons_AndShowsNamesTotalsAndTheChainHead()
    {
        var html = await RenderAsync(Print, new NoticePrintView(NoticeSamples.Hostile(), NoticePaper.A4, NoticeSamples.VerificationUrl));

        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>未清理", html);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", html);
        Assert.Contains("黄*敏", html);
        Assert.Contains("王😀芳", System.Net.WebUtility.HtmlDecode(html)); // the encoder writes the emoji as a character reference
        Assert.Contains("帮邻居打扫卫生１２３次", html);
        Assert.Contains("1,234", html);
        Assert.Contains("4821:" + NoticeSamples.Hash, html);
        Assert.Contains("水心村2026年11月积分公示", html);
    }

    [Fact]
    public async Task InEnglish_ThePrintLayoutReadsInEnglish()
    {
        var html = await RenderAsync(Print, new NoticePrintView(NoticeSamples.Hostile(), NoticePaper.A4, NoticeSamples.VerificationUrl), "en-US");

        Assert.Contains("水心村 points notice, November 2026", html);
        Assert.DoesNotContain("公示期", html);
    }

    [Fact]
    public async Task ThePrintLayout_AsksForItsPaper_AndCarriesAQrCodeOfTheVerificationUrlBesideTheChainHead()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var doc = NoticeSamples.Hostile().Masked();

        var a3 = await RenderAsync(app, Print, new NoticePrintView(doc, NoticePrintView.PaperFrom("A3"), NoticeSamples.VerificationUrl));
        var a4 = await RenderAsync(app, Print, new NoticePrintView(doc, NoticePrintView.PaperFrom("anything"), NoticeSamples.VerificationUrl));

        Assert.Contains("class=\"notice-print notice-print-a3\"", a3);
        Assert.Contains("class=\"notice-print notice-print-a4\"", a4);
        Assert.Contains("<svg role=\"img\" aria-label=\"核验链头 4821:" + NoticeSamples.Hash + " 的二维码\"", a3);
        Assert.Contains("<code class=\"notice-chain-head\">4821:" + NoticeSamples.Hash + "</code>", a3);
        Assert.Contains(NoticeSamples.VerificationUrl.Replace("&", "&amp;", StringComparison.Ordinal), a3);
        Assert.Contains("<th scope=\"row\">黄*生</th>", a3);
        Assert.DoesNotContain("黄水生", a3);
        Assert.DoesNotContain("<script>", a3);
    }

    [Fact]
    public async Task AMonthOfTheDemoVillage_RendersForPrint_AndTheTimeIsReported()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var doc = NoticeSamples.DemoSized();
        var view = new NoticePrintView(doc, NoticePaper.A4, NoticeSamples.VerificationUrl);
        await RenderAsync(app, Print, view); // the first render warms the view caches

        var clock = Stopwatch.StartNew();
        var print = await RenderAsync(app, Print, view);
        output.WriteLine($"print: {print.Length:N0} chars in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(630, print.Split("<tbody class=\"notice-print-household\">").Length - 1);
    }
}
