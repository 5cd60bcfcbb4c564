using System.Text.Json;
using VillagePoints.Core.Data;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>The served OpenAPI document is one a generated client can use, and the linter finds nothing in it.</summary>
public sealed class OpenApiTests
{
    private const string VillagePrefix = "/api/v1/villages/{villageCode}";

    [Fact]
    public async Task Document_PassesTheLinter_WithNoErrorsAndNoWarnings()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        var document = await app.Anonymous().GetStringAsync("/openapi/v1.json");
        var file = Path.Combine(Path.GetTempPath(), $"villagepoints-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document);
        try
        {
            var (exitCode, output, errors) = await OpenApiLinter.LintAsync(file);

            Assert.True(output.Contains('{', StringComparison.Ordinal), $"The linter wrote no report (exit code {exitCode}):\n{errors}");
            using var report = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
            var totals = report.RootElement.GetProperty("totals");
            var found = (Errors: totals.GetProperty("errors").GetInt32(), Warnings: totals.GetProperty("warnings").GetInt32());
            Assert.True(found == (0, 0), $"The linter found {found.Errors} errors and {found.Warnings} warnings:\n{output}");
            Assert.Equal(0, exitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Document_SaysHowToSignIn_AndTheAnonymousOperationsNeedNothing()
    {
        using var doc = await DocumentAsync();
        var root = doc.RootElement;

        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("cookie", schemes.GetProperty("cookie").GetProperty("in").GetString());
        Assert.Equal(2, root.GetProperty("security").GetArrayLength());
        var token = Operation(root, "/api/v1/auth/token", "post");
        Assert.Equal(0, token.GetProperty("security").GetArrayLength());
        Assert.True(token.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("properties").TryGetProperty("accessToken", out _), "The token response should describe its body.");
    }

    [Fact]
    public async Task EveryOperation_HasAnId_ItsPathParameters_AndItsProblems()
    {
        using var doc = await DocumentAsync();
        var ids = new List<string>();
        foreach (var path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                var where = $"{op.Name.ToUpperInvariant()} {path.Name}";
                ids.Add(op.Value.GetProperty("operationId").GetString()!);
                var pathParameters = op.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()).ToList()
                    : [];
                if (path.Name.StartsWith(VillagePrefix, StringComparison.Ordinal))
                    Assert.True(pathParameters.Contains("villageCode"), $"{where} does not declare villageCode.");
                var problems = op.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('4')).ToList();
                Assert.True(problems.Count > 0, $"{where} declares no 4xx outcome.");
                Assert.All(problems, r => Assert.True(r.Value.GetProperty("content").TryGetProperty("application/problem+json", out _),
                    $"{where} {r.Name} is not a problem document."));
            }
        }
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task RecordEntryRequest_HasAnIntegerAmount_AndOptionalReasonAndDate()
    {
        using var doc = await DocumentAsync();
        var schema = doc.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("RecordEntryRequest");

        Assert.Equal("integer", schema.GetProperty("properties").GetProperty("amount").GetProperty("type").GetString());
        var required = schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["amount", "kind"], required);
    }

    [Fact]
    public async Task Servers_DoNotEchoTheRequestsHost()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json") { Headers = { Host = "evil.example" } };
        var json = await (await app.Anonymous().SendAsync(request)).Content.ReadAsStringAsync();

        Assert.DoesNotContain("evil.example", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_DescribesThePhotoUpload_AsAMultipartBodyWithOneBinaryFile()
    {
        using var doc = await DocumentAsync();

        var body = Operation(doc.RootElement, VillagePrefix + "/claims/{number}/photos", "post").GetProperty("requestBody");
        var schema = body.GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.True(body.GetProperty("required").GetBoolean());
        Assert.Equal(("string", "binary"), (schema.GetProperty("properties").GetProperty("photo").GetProperty("type").GetString(),
            schema.GetProperty("properties").GetProperty("photo").GetProperty("format").GetString()));
        var parameters = Operation(doc.RootElement, VillagePrefix + "/claims/{number}/photos", "post").GetProperty("parameters");
        Assert.Contains(parameters.EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
    }

    private static async Task<JsonDocument> DocumentAsync()
    {
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        return JsonDocument.Parse(await app.Anonymous().GetStringAsync("/openapi/v1.json"));
    }

    private static JsonElement Operation(JsonElement root, string path, string method) =>
        root.GetProperty("paths").GetProperty(path).GetProperty(method);
}
