using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace VillagePoints.Web.Hosting;

/// <summary>
/// A village normally runs behind a reverse proxy that ends TLS. The proxy's X-Forwarded-For and
/// X-Forwarded-Proto are believed only from the addresses named in <c>ForwardedHeaders:KnownProxies</c>
/// and <c>ForwardedHeaders:KnownNetworks</c> (by default: loopback only), so a client cannot claim
/// another address (to dodge the login rate limit) or HTTPS by sending the headers itself.
/// </summary>
public static class ReverseProxy
{
    public const string KnownProxiesKey = "ForwardedHeaders:KnownProxies";
    public const string KnownNetworksKey = "ForwardedHeaders:KnownNetworks";

    public static IServiceCollection AddVillagePointsReverseProxy(this IServiceCollection services)
    {
        // Read when first needed, so settings that hosts and tests add late are honoured.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            // The forwarded host is not taken over: Host decides nothing here, and AllowedHosts filters it.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            var proxies = Values(configuration, KnownProxiesKey);
            var networks = Values(configuration, KnownNetworksKey);
            if (proxies.Count == 0 && networks.Count == 0)
                return;
            // Naming the proxies replaces the loopback default, so only what the operator listed is trusted.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in proxies)
                o.KnownProxies.Add(IPAddress.TryParse(p, out var address)
                    ? address : throw new InvalidOperationException($"{KnownProxiesKey}: '{p}' is not an IP address."));
            foreach (var n in networks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(n, out var network)
                    ? network : throw new InvalidOperationException($"{KnownNetworksKey}: '{n}' is not a network such as 10.0.0.0/8."));
        });

        // The generator would name the server after the request's Host header, which any client can set;
        // a relative server makes clients use the address they fetched the document from.
        services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Servers = [new OpenApiServer { Url = "/", Description = "The address this document was fetched from." }];
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>Both an array (<c>KnownProxies:0</c>, …) and one comma-separated value (handy in environment variables).</summary>
    private static List<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.GetChildren().Select(c => c.Value).ToList();
        values.Add(section.Value);
        return values.Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
    }
}
