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
/// The notice partials rendered by the app's own view engine from a document written by hand: what the public
/// page, the villager's view and the print layout show. The pages around them are tested where they are wired.
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

    private const string Body = "/Notices/_NoticeBody.cshtml";
    private const string Print = "/Notices/_NoticePrint.cshtml";

    [Fact]
    public async Task TheBody_EncodesHostileNamesAndReasons_AndShowsNamesTotalsAndTheChainHead()
    {
        var html = await RenderAsync(Body, new NoticeBodyView(NoticeSamples.Hostile()));

        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>未清理", html);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", html);
        Assert.Contains("黄*敏", html);
        Assert.Contains("王😀芳", System.Net.WebUtility.HtmlDecode(html)); // the encoder writes the emoji as a character reference
        Assert.Contains("帮邻居打扫卫生１２３次", html);
        Assert.Contains("1,234", html);
        Assert.Contains("\u22125", html);
        Assert.Contains("<h1 id=\"notice-title\">水心村2026年11月积分公示</h1>", html);
        Assert.Contains("公示期：2026年12月1日 至 2026年12月8日", html);
        Assert.Contains("4821:" + NoticeSamples.Hash, html);
        Assert.Contains("href=\"/public/villages/shuixin/verification?entry=4821&amp;hash=" + NoticeSamples.Hash + "\"", html);
        Assert.Contains("补充公示", html);
        Assert.Contains("红榜（本月加分最多）", html);
        Assert.Contains("异议理由：路边的柴草不是我家的", html);
    }

    [Fact]
    public async Task TheReadersOwnHousehold_IsMarkedForScreenReadersAndEyes_AndReachableFromTheTop()
    {
        var html = await RenderAsync(Body, new NoticeBodyView(NoticeSamples.Hostile(), HighlightHousehold: 3));

        Assert.Contains("<li class=\"notice-household own\" id=\"household-0003\" aria-current=\"true\">", html);
        Assert.Single(html.Split("aria-current=\"true\"").Skip(1));
        Assert.Contains("<span class=\"badge notice-own\">我家</span>", html);
        Assert.Contains("href=\"#household-0003\"", html);
    }

    [Fact]
    public async Task WhileTheWindowIsOpen_EachEntryOffersAOneTapObjection_AndNotOnceTheNoticeIsClosed()
    {
        var doc = NoticeSamples.Hostile();
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);

        var open = await RenderAsync(app, Body, new NoticeBodyView(doc, 1, NoticeBodyView.ObjectionLinks("shuixin")));
        var closed = await RenderAsync(app, Body, new NoticeBodyView(doc with { State = NoticeDocument.Closed }, 1,
            NoticeBodyView.ObjectionLinks("shuixin")));
        var noLinks = await RenderAsync(app, Body, new NoticeBodyView(doc));

        Assert.Contains("href=\"/villages/shuixin/entries/101/objection\" aria-label=\"对流水号 101 提出异议\"", open);
        Assert.Contains("href=\"/villages/shuixin/entries/106/objection\"", open); // a late entry too
        Assert.DoesNotContain("/objection\"", closed);
        Assert.DoesNotContain("/objection\"", noLinks);
    }

    [Fact]
    public async Task InEnglish_TheNoticeReadsInEnglish()
    {
        var html = await RenderAsync(Body, new NoticeBodyView(NoticeSamples.Hostile()), "en-US");

        Assert.Contains("水心村 points notice, November 2026", html);
        Assert.Contains("Publicity window: Dec 1, 2026 to Dec 8, 2026", html);
        Assert.Contains("Under publicity", html);
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
    public async Task AMonthOfTheDemoVillage_RendersForTheScreenAndForPrint_AndTheTimeIsReported()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var doc = NoticeSamples.DemoSized();
        var view = new NoticeBodyView(doc, 12, NoticeBodyView.ObjectionLinks("shuixin"));
        await RenderAsync(app, Body, view); // the first render compiles nothing but warms the view caches

        var clock = Stopwatch.StartNew();
        var body = await RenderAsync(app, Body, view);
        var bodyTime = clock.ElapsedMilliseconds;
        clock.Restart();
        var print = await RenderAsync(app, Print, new NoticePrintView(doc, NoticePaper.A4, NoticeSamples.VerificationUrl));
        var printTime = clock.ElapsedMilliseconds;

        output.WriteLine($"screen: {body.Length:N0} chars in {bodyTime} ms; print: {print.Length:N0} chars in {printTime} ms");
        Assert.Equal(630, body.Split("<li class=\"notice-household").Length - 1);
        Assert.Equal(630, print.Split("<tbody class=\"notice-print-household\">").Length - 1);
    }
}
