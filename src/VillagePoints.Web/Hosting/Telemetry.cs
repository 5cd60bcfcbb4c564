using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace VillagePoints.Web.Hosting;

public static class Telemetry
{
    public const string MeterName = "VillagePoints";
    public static readonly Meter Meter = new(MeterName);
    public static readonly Counter<long> LedgerEntriesPosted = Meter.CreateCounter<long>("villagepoints.ledger.entries_posted");
    public static readonly Counter<long> LoginFailures = Meter.CreateCounter<long>("villagepoints.accounts.login_failures");

    /// <summary>Metrics and traces are always collected; they are exported only when an OTLP endpoint is configured.</summary>
    public static IServiceCollection AddVillagePointsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("villagepoints"))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddMeter(MeterName);
                if (otlp)
                    m.AddOtlpExporter();
            })
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/healthz"));
                if (otlp)
                    t.AddOtlpExporter();
            });
        return services;
    }
}
