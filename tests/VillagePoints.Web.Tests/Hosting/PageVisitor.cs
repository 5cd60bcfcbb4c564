using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>
/// A browser as far as the server can tell: keeps cookies by hand (so a Secure cookie is still sent
/// back over the test's plain connection, as a TLS-ending proxy would), posts forms with the
/// antiforgery token of the last page it saw, and can add headers to every request.
/// </summary>
public sealed partial class PageVisitor(HttpClient client)
{
    private readonly Dictionary<string, string> cookies = [];
    private string? formToken;

    public static PageVisitor For<T>(WebApplicationFactory<T> factory, string baseAddress = "http://localhost/") where T : class =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri(baseAddress) }));

    /// <summary>Sent with every request, e.g. what a reverse proxy adds.</summary>
    public Dictionary<string, string> Headers { get; } = [];

    /// <summary>Every Set-Cookie header seen, in order.</summary>
    public List<string> SetCookies { get; } = [];

    public async Task<HttpResponseMessage> GetAsync(string path) => await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public async Task<HttpResponseMessage> PostFormAsync(string path, IDictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields);
        if (formToken is not null)
            form.TryAdd("__RequestVerificationToken", formToken);
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) });
    }

    /// <summary>Signs in through the login form and checks that it worked.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string phone, string password)
    {
        var form = await GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var login = await PostFormAsync("/login", new Dictionary<string, string> { ["Phone"] = phone, ["Password"] = password });
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"Sign-in answered {(int)login.StatusCode}: {await login.Content.ReadAsStringAsync()}");
        return login;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        foreach (var (name, value) in Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        if (cookies.Count > 0)
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var header in setCookies)
            {
                SetCookies.Add(header);
                var pair = header.Split(';', 2)[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                cookies[pair[..eq]] = pair[(eq + 1)..];
            }
        }
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            await response.Content.LoadIntoBufferAsync();
            if (AntiforgeryField().Match(await response.Content.ReadAsStringAsync()) is { Success: true } match)
                formToken = match.Groups[1].Value;
        }
        return response;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
