using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Localization;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Evidence;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Core.Reports;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Evidence;
using VillagePoints.Web.Households;
using VillagePoints.Web.Ledger;
using VillagePoints.Web.Places;
using VillagePoints.Web.Reports;

namespace VillagePoints.Web.Hosting;

/// <summary>Composition root of the web host: services, middleware and endpoints.</summary>
public static class VillagePointsApp
{
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en-US")];

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        AddServices(builder);
        var app = builder.Build();
        UsePipeline(app);
        MapEndpoints(app);
        return app;
    }

    private static void AddServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Resolved when first needed, so hosts and tests that add configuration late are honoured.
        services.AddDbContext<VillagePointsDb>((sp, o) =>
        {
            var (provider, connectionString) = DatabaseSetup.Resolve(sp.GetRequiredService<IConfiguration>());
            DatabaseSetup.Configure(o, provider, connectionString);
        });
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<LedgerPosting>();
        services.AddScoped<LedgerVerifier>();
        services.AddScoped<PrintedHeadVerification>();
        services.AddScoped<VillageStats>();
        services.AddScoped<VillagePoints.Core.Shop.ShopFunding>();
        services.AddScoped<PasswordLogin>();
        services.AddScoped<AccountSecurity>();
        services.AddScoped<VillageAccess>();
        services.AddScoped<HouseholdRegistry>();
        services.AddScoped<HouseholdQueries>();
        services.AddScoped<LedgerQueries>();
        services.AddScoped<DirectRecording>();
        services.AddScoped<DirectRecordQueries>();
        services.AddSingleton<IEvidenceStore>(sp => new LocalFolderEvidenceStore(
            sp.GetRequiredService<IConfiguration>()[LocalFolderEvidenceStore.ConfigKey] ?? LocalFolderEvidenceStore.DefaultFolder));
        services.AddScoped<EvidenceIntake>();
        services.AddScoped<VillagePoints.Core.Rules.RuleBook>();
        services.AddScoped<VillagePoints.Web.Rules.RuleQueries>();
        services.AddScoped<VillagePoints.Core.Claims.ClaimDesk>();
        services.AddScoped<VillagePoints.Core.Activities.ActivityDesk>();
        services.AddScoped<VillagePoints.Web.Activities.ActivityQueries>();
        services.AddScoped<VillagePoints.Web.Claims.ClaimQueries>();
        services.AddScoped<VillagePoints.Web.Claims.ClaimForms>();
        services.AddScoped<VillagePoints.Core.Claims.GroupInspections>();
        services.AddScoped<VillagePoints.Core.Notifications.NotificationInbox>();
        services.AddScoped<VillagePoints.Web.Notifications.NotificationViews>();
        services.AddScoped<VillagePoints.Core.Notices.NoticeBuilder>();
        services.AddScoped<VillagePoints.Core.Notices.NoticeBook>();
        services.AddScoped<VillagePoints.Core.Notices.NoticeDesk>();
        services.AddScoped<VillagePoints.Core.Notices.JobLeases>();
        services.AddHostedService<VillagePoints.Web.Notices.NoticeScheduler>();
        services.AddScoped<VillagePoints.Core.Notices.ObjectionDesk>();
        services.AddScoped<VillagePoints.Core.Notices.ObjectionQueries>();
        services.AddScoped<VillagePoints.Core.Shop.ShopCatalogue>().AddScoped<VillagePoints.Core.Shop.StockDesk>();
        services.AddScoped<VillagePoints.Core.Shop.CheckoutDesk>().AddScoped<VillagePoints.Core.Shop.CheckoutQueries>();
        VillagePoints.Web.Merchants.VouchersApi.AddVouchers(services);
        VillagePoints.Web.Shop.ReservationsApi.AddReservations(services);
        services.AddHostedService<DatabaseStartup>();
        services.AddLedgerCheckpoints(builder.Environment.IsDevelopment());

        services.AddDataProtection().SetApplicationName("VillagePoints").PersistKeysToDbContext<VillagePointsDb>();
        services.AddVillagePointsAuth();

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            // zh-CN first: a phone's browser language does not switch the UI, only the user's own choice does.
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        // Village scope is an authorization requirement, so API endpoints and pages pass the same gate.
        services.AddScoped<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, VillageScopeHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, VillageScopeResultHandler>();
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/";
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Accounts/Login");
            o.Conventions.AllowAnonymousToPage("/Shared/Error");
            o.Conventions.AllowAnonymousToPage("/Shared/Preferences");
            o.Conventions.Add(new VillageScopePageConvention());
            o.Conventions.Add(new PublicPageConvention());
            o.Conventions.ConfigureFilter(new UnhandledPageMethod());
        }).AddViewLocalization().AddDataAnnotationsLocalization(o =>
            o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
        // Model-binding messages ("The value '10.5' is not valid") in the user's language; read per request.
        services.AddOptions<Microsoft.AspNetCore.Mvc.MvcOptions>().Configure<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>((o, text) =>
            ModelBindingText.Localize(o.ModelBindingMessageProvider, text));

        // Chinese text is sent as text, not as character references; markup characters are still encoded.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemMapping>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            // Strict JSON for the API: "amount": "100" is not a number, and {"amount":5,"amount":100000} is not one value.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            o.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.AddVillagePointsOpenApi();

        services.AddVillagePointsReverseProxy();
        services.AddVillagePointsCompression();

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy<string, LoginRateLimitPolicy>(AuthSetup.LoginRateLimit);
            o.AddPolicy<string, PublicRateLimitPolicy>(PublicRoutes.RateLimit);
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddVillagePointsTelemetry(builder.Configuration);
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
    }

    private static void UsePipeline(WebApplication app)
    {
        // First, so everything after sees the client's own address (rate limits) and scheme (Secure cookies, HSTS)
        // as reported by a known reverse proxy.
        app.UseForwardedHeaders();
        // Before the exception handler: every response, error pages and problems included, carries the headers.
        app.UseMiddleware<SecurityHeaders>();
        // Outside the error handling, so problem documents are compressed like any other JSON.
        app.UseResponseCompression();
        // Language next, so error pages and problem documents speak the user's language too.
        app.UseRequestLocalization();
        app.UseExceptionHandler();
        // The API answers bare error statuses with problem documents; pages show the friendly error page instead.
        app.UseWhen(IsApi, api => api.UseStatusCodePages());
        app.UseWhen(http => !IsApi(http), pages => pages.UseStatusCodePagesWithReExecute("/error", "?code={0}"));
        app.UseMiddleware<RequestSizeLimit>();
        app.UseStaticFiles(StaticDelivery.Files());
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
    }

    public static bool IsApi(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/openapi")
        || http.Request.Path.StartsWithSegments("/healthz") || http.Request.Path.StartsWithSegments("/readyz");

    private static void MapEndpoints(WebApplication app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi().AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api/docs";
            o.SwaggerEndpoint("/openapi/v1.json", "VillagePoints v1");
            o.DocumentTitle = "VillagePoints API";
        });

        var api = app.MapGroup("/api/v1");
        api.MapGroup("").WithTags("Accounts").MapAuthApi();
        api.MapPlacesApi();
        var village = api.MapGroup("/villages/{villageCode}");
        village.MapHouseholdsApi();
        village.MapLedgerApi();
        village.MapCheckpointsApi();
        village.MapDirectRecordsApi();
        village.MapReportsApi();
        VillagePoints.Web.Shop.FundingApi.MapFundingApi(village);
        village.MapEvidenceApi();
        VillagePoints.Web.Rules.RulesApi.MapRulesApi(village);
        VillagePoints.Web.Claims.ClaimsApi.MapClaimsApi(village);
        VillagePoints.Web.Notifications.NotificationsApi.MapNotificationsApi(api);
        VillagePoints.Web.Activities.ActivitiesApi.MapActivitiesApi(village);
        VillagePoints.Web.Notices.NoticesApi.MapNoticesApi(village);
        // No login: what a notice on the village board lets anyone check.
        var publicVillage = api.MapPublicGroup().MapGroup("/villages/{villageCode}");
        VillagePoints.Web.Notices.PublicVerificationApi.MapPublicVerificationApi(publicVillage);
        VillagePoints.Web.Notices.NoticesApi.MapPublicNoticesApi(publicVillage);
        VillagePoints.Web.Notices.ObjectionsApi.MapObjectionsApi(village);
        VillagePoints.Web.Shop.CatalogueApi.MapCatalogueApi(village);
        VillagePoints.Web.Shop.CheckoutsApi.MapCheckoutsApi(village);
        VillagePoints.Web.Merchants.VouchersApi.MapVouchersApi(village);
        VillagePoints.Web.Shop.ReservationsApi.MapReservationsApi(village);

        app.MapRazorPages();
    }
}
