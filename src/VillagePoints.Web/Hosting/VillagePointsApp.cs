using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.RateLimiting;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;
using VillagePoints.Core.Reports;
using VillagePoints.Web.Accounts;
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
        services.AddScoped<VillageStats>();
        services.AddScoped<PasswordLogin>();
        services.AddScoped<VillageAccess>();
        services.AddScoped<HouseholdRegistry>();
        services.AddScoped<HouseholdQueries>();
        services.AddScoped<LedgerQueries>();
        services.AddScoped<DirectRecording>();
        services.AddScoped<DirectRecordQueries>();
        services.AddHostedService<DatabaseStartup>();

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
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/";
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Accounts/Login");
            o.Conventions.AllowAnonymousToPage("/Shared/Error");
            o.Conventions.AllowAnonymousToPage("/Shared/Preferences");
        }).AddViewLocalization().AddDataAnnotationsLocalization(o =>
            o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));

        // Chinese text is sent as text, not as character references; markup characters are still encoded.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemMapping>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "VillagePoints API";
            doc.Info.Description = "智慧积分: households, the points ledger and village oversight. Writes accept an Idempotency-Key header.";
            return Task.CompletedTask;
        }));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (ctx, ct) =>
            {
                var problems = ctx.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = ctx.HttpContext,
                    ProblemDetails = { Status = 429, Type = "urn:villagepoints:problem:login.rate-limited", Title = "Too many attempts",
                        Detail = "Too many login attempts from this address; wait a minute and try again." },
                });
            };
            // Only sign-in attempts count; showing the login form does not.
            o.AddPolicy(AuthSetup.LoginRateLimit, ctx => HttpMethods.IsGet(ctx.Request.Method) ? RateLimitPartition.GetNoLimiter("form") : RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = ctx.RequestServices.GetRequiredService<IConfiguration>().GetValue("RateLimits:LoginPerMinute", 10),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddVillagePointsTelemetry(builder.Configuration);
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
    }

    private static void UsePipeline(WebApplication app)
    {
        // Language first, so error pages and problem documents speak the user's language too.
        app.UseRequestLocalization();
        app.UseExceptionHandler();
        // The API answers bare error statuses with problem documents; pages show the friendly error page instead.
        app.UseWhen(IsApi, api => api.UseStatusCodePages());
        app.UseWhen(http => !IsApi(http), pages => pages.UseStatusCodePagesWithReExecute("/error", "?code={0}"));
        app.UseMiddleware<SecurityHeaders>();
        // Sent only over HTTPS, i.e. when a village deploys behind TLS; plain-HTTP demo runs are unaffected.
        if (!app.Environment.IsDevelopment())
            app.UseHsts();
        app.UseMiddleware<RequestSizeLimit>();
        app.UseStaticFiles();
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

        var api = app.MapGroup("/api/v1").WithTags("v1");
        api.MapAuthApi();
        api.MapPlacesApi();
        var village = api.MapGroup("/villages/{villageCode}");
        village.MapHouseholdsApi();
        village.MapLedgerApi();
        village.MapDirectRecordsApi();
        village.MapReportsApi();

        app.MapRazorPages();
    }
}
