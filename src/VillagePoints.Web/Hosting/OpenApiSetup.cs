using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Hosting;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, complete enough for a generated client: how to sign in,
/// every path parameter, an operationId per operation and the problems each one can answer. The error outcomes
/// follow from endpoint metadata (anonymous, village scope, rate limit, body), so a new endpoint is described
/// without extra annotations; an endpoint declares anything more with <c>ProducesProblem</c>.
/// The test suite lints the served document, so a gap fails the build.
/// </summary>
public static partial class OpenApiSetup
{
    public const string BearerScheme = "bearer";
    public const string CookieScheme = "cookie";
    public const string ProblemSchema = "ProblemDetails";
    public const string ProblemContentType = "application/problem+json";

    /// <summary>Every tag an operation may carry; the linter refuses a tag without a description.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Accounts"] = "Signing in with a phone number and password, and who the signed-in user is.",
        ["Places"] = "Districts, towns and villages: which villages you may see, and a village's settings.",
        ["Households"] = "A village's households (户): search, their archive and members, registration with the base grant.",
        ["Ledger"] = "The points ledger (积分流水): a household's history, direct records by the committee, reversals, the hash-chain head and its signed checkpoints.",
        ["Direct records"] = "Committee records above the village's two-reviewer threshold, waiting for a second committee member to approve or reject them.",
        ["Reports"] = "A village's headline figures.",
        ["Evidence"] = "Evidence photos (佐证材料) attached to claims: stored upright, at most 1600 px, as JPEG without EXIF or GPS tags; readable by the village's staff, and by the household and the submitter of the claim they belong to.",
        ["Rules"] = "The village's rules (积分细则): categories, rules with their weights, caps and channels, versions by effective date, retirement, and a preview of a draft's scoring.",
        ["Notifications"] = "The signed-in user's in-app notifications (消息): a claim approved, rejected or returned, for its household and its submitter; the unread count and marking read.",
        ["Claims"] = "Claims (申报) from the four channels (self-declaration, patrol, neighbour recommendation, group inspection), scored by the village's rules, with evidence photos and review in one or two steps; the final approval posts the ledger entry.",
        ["Public verification"] = "Anyone, without signing in, checks a chain head printed on a monthly notice (entry number and hash): is the village's ledger up to that entry unchanged since it was printed, and if not, which entry first differs. Rate-limited per client.",
        ["Activities"] = "Volunteer activities (志愿活动): the committee creates one, villagers check in by scanning its poster or the organiser ticks names, and confirming attendance makes one group-inspection claim per attendee for normal review; each confirmed attendance is one volunteer person-time.",
        ["Notices"] = "The monthly public notice (月度积分公示): a month's entries by household with totals, ranks, the red and black list, objections and the hash-chain head; drafts for the village, publishing opens the publicity window and closing it makes the entries effective; a PDF for the board; published notices readable without login, names masked as the village says.",
        ["Reservations"] = "Reservations for pickup (预约兑换): a villager reserves goods for their own household, which holds the stock until the pickup deadline and spends no points; the shop clerk's checkout of the reservation spends them. A villager or the clerk may cancel an open reservation, and one not picked up in time expires; either way the held stock goes back on the shelf.",
        ["Shop funding"] = "The committee's funding view of the points supermarket (积分超市资金保障): points outstanding (the sum of spendable balances, and with publicised points), stock on hand at average purchase cost (donated-only goods at their declared value), open vouchers, goods received by year from purchases and donations, redemptions of the last twelve months, and whether the stock covers the points owed at an assumed 1 point = 1 yuan.",
        ["Objections"] = "Objections (异议) to an entry of a published monthly notice, raised by a villager while its publicity window is open (a household objects to an entry once), and the committee's one decision on each: upheld (a reversal, and a corrected entry where needed, both linked to the objection) or dismissed with a reason. An entry with an open objection does not take effect until it is decided.",
        ["Shop catalogue"] = "The points supermarket's catalogue (商品) and stock (库存): items by category with price in points, unit, per-household limit, photo and, for a service voucher, its partner merchant; every village member reads the catalogue. The shop clerk adds and edits items, records purchase receipts, donations and losses as stock movements (a hash-chained history per item), takes stock, and sees low-stock alerts.",
        ["Checkouts"] = "The points supermarket's point of sale (兑换结算): a household's cart checked out in one transaction (Redemption entries, stock movements, the receipt and any service vouchers), never overdrawing the household's spendable points nor selling stock that is not there; receipts (兑换凭证) for the shop and the household; cancellation by reversal on the checkout's own day.",
        ["Merchants"] = "Partner merchants (合作商户) of the village's shop, kept by the shop clerk or the chair: code, name, the one login that honours the merchant's vouchers, active or not; and each merchant's monthly settlement (结算): honoured vouchers counted at their agreed price in fen, grouped by price, as JSON, CSV (UTF-8 with BOM, Chinese headers) or xlsx.",
        ["Vouchers"] = "Service vouchers (服务券) issued by checkouts of voucher items: read by their merchant, the shop and their household; honoured once by their own merchant before they expire, exactly once however many phones scan at the same moment.",
    };

    private static readonly Dictionary<int, string> ProblemDescriptions = new()
    {
        [400] = "The request could not be read: malformed JSON, a repeated property, a number sent as text, a parameter of the wrong type, or an expired form token (codes request.malformed, request.antiforgery).",
        [401] = "Not signed in, or the session or token is no longer valid.",
        [403] = "Signed in, but your role in this village does not allow this (code access.forbidden).",
        [404] = "No such village, household or entry, or it is not yours to see: another village's data answers 404, so its existence is not revealed.",
        [409] = "The request conflicts with the current state (for example entry.already-reversed), or its Idempotency-Key was already used for a different request (idempotency.conflict).",
        [413] = "The request body is larger than the limit.",
        [422] = "A rule refused the request; the problem's code says which (for example entry.reason-required or text.forbidden-characters).",
        [429] = "Too many attempts; wait and try again.",
    };

    public static IServiceCollection AddVillagePointsOpenApi(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        return services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer(DescribeDocument);
            o.AddOperationTransformer(DescribeOperation);
            o.AddSchemaTransformer(OptionalNullableParameters);
        });
    }

    private static Task DescribeDocument(OpenApiDocument doc, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        doc.Info.Title = "VillagePoints API";
        doc.Info.Description = "智慧积分: households, the points ledger and village oversight. "
            + "Writes accept an Idempotency-Key header. Errors are RFC 9457 problem documents whose `code` names the rule, "
            + "with a title and detail in the language of the `culture` query parameter or cookie (zh-CN by default).";

        // Relative to the host that served the document: naming the host would echo whatever Host header the request carried.
        var pathBase = context.ApplicationServices.GetService<IHttpContextAccessor>()?.HttpContext?.Request.PathBase ?? PathString.Empty;
        doc.Servers = [new OpenApiServer { Url = pathBase.HasValue ? pathBase.Value : "/", Description = "The server that serves this document." }];

        doc.Components ??= new OpenApiComponents();
        doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        doc.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The accessToken from POST /api/v1/auth/token, sent as `Authorization: Bearer <token>`.",
        };
        doc.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = context.ApplicationServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
                .Get(CookieAuthenticationDefaults.AuthenticationScheme).Cookie.Name,
            Description = "The web sign-in cookie. Writes made with it also need the antiforgery token of the page.",
        };
        doc.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, doc)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, doc)] = [] },
        ];

        doc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        doc.Components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem document.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "urn:villagepoints:problem:{code} for the application's own rules." },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, in the user's language." },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The stable, machine-readable reason, e.g. entry.reason-required." },
            },
            Required = new HashSet<string> { "type", "title", "status" },
        };

        doc.Tags ??= new HashSet<OpenApiTag>();
        foreach (var tag in doc.Tags)
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
                tag.Description = description;
        }
        return Task.CompletedTask;
    }

    private static async Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var method = description.HttpMethod ?? "GET";
        var path = "/" + (description.RelativePath ?? "");

        operation.OperationId ??= metadata.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName ?? DeriveOperationId(metadata, method, path);
        DeclarePathParameters(operation, path);

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (anonymous)
            operation.Security = [];

        var villageScoped = metadata.OfType<VillageScopeAttribute>().Any();
        var isWrite = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method);
        var hasBody = operation.RequestBody is not null;
        var hasQueryOrHeader = operation.Parameters?.Any(p => p.In is ParameterLocation.Query or ParameterLocation.Header) == true;

        var statuses = new SortedSet<int>();
        if (hasBody || hasQueryOrHeader)
            statuses.Add(400);
        if (!anonymous)
            statuses.Add(401);
        if (villageScoped)
            statuses.UnionWith([403, 404]);
        if (path.Contains('{', StringComparison.Ordinal))
            statuses.Add(404);
        if (villageScoped && isWrite)
            statuses.UnionWith([409, 422]);
        if (hasBody)
            statuses.Add(413);
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
            statuses.Add(429);

        operation.Responses ??= new OpenApiResponses();
        // A sign-in result says nothing of its body or of refused credentials; the bearer handler writes an AccessTokenResponse.
        if (metadata.OfType<MethodInfo>().FirstOrDefault() is { } handler && Mentions(handler.ReturnType, typeof(SignInHttpResult)))
        {
            statuses.Add(401);
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = "Signed in: the bearer token and when it expires.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(AccessTokenResponse), null, ct) },
                },
            };
        }

        foreach (var status in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
                operation.Responses[key] = new OpenApiResponse { Description = ProblemDescriptions[status] };
        }
        // Every error this app answers is a problem document, whoever declared the response.
        foreach (var (key, response) in operation.Responses)
        {
            if (key.Length == 3 && key[0] is '4' or '5' && response is OpenApiResponse concrete
                && int.TryParse(key, System.Globalization.CultureInfo.InvariantCulture, out var status))
            {
                // ProducesProblem describes a response only by its reason phrase ("Unprocessable Entity").
                if (string.IsNullOrEmpty(concrete.Description) || concrete.Description == ReasonPhrases.GetReasonPhrase(status))
                    concrete.Description = ProblemDescriptions.GetValueOrDefault(status, ReasonPhrases.GetReasonPhrase(status));
                concrete.Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemContentType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                };
            }
        }
        // In status order, whichever way they were declared.
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (key, response) in ordered)
            operation.Responses[key] = response;
    }

    private static bool Mentions(Type type, Type wanted) =>
        type == wanted || (type.IsGenericType && type.GetGenericArguments().Any(a => Mentions(a, wanted)));

    /// <summary>
    /// Route parameters that no handler binds (the village code is read by the village scope filter) are still
    /// part of the path, and a client must be told to fill them in.
    /// </summary>
    private static void DeclarePathParameters(OpenApiOperation operation, string path)
    {
        operation.Parameters ??= [];
        foreach (Match m in PathParameter().Matches(path))
        {
            var name = m.Groups[1].Value;
            if (operation.Parameters.Any(p => p.In == ParameterLocation.Path && p.Name == name))
                continue;
            operation.Parameters.Insert(0, new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Description = name == "villageCode" ? "The village's short code, as in its web address, e.g. shuixin." : null,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
    }

    /// <summary>Feature and handler, e.g. <c>Ledger_Record</c> for <c>LedgerApi.Record</c>: stable, and unique while handlers are named methods.</summary>
    private static string DeriveOperationId(IList<object> metadata, string method, string path)
    {
        if (metadata.OfType<MethodInfo>().FirstOrDefault() is { DeclaringType: { } type } handler && !handler.Name.Contains('<', StringComparison.Ordinal))
            return $"{(type.Name.EndsWith("Api", StringComparison.Ordinal) ? type.Name[..^3] : type.Name)}_{handler.Name}";
        // A lambda has no useful name; fall back to the method and the path.
        return method.ToLowerInvariant() + string.Concat(path.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Trim('{', '}')).Select(s => char.ToUpperInvariant(s[0]) + s[1..]));
    }

    /// <summary>
    /// A record's constructor parameters are all "required" in the generated schema, but the API's JSON reader
    /// fills a missing nullable one with null: such a property is optional, and the schema says so.
    /// </summary>
    private static Task OptionalNullableParameters(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonPropertyInfo is not null || schema.Required is not { Count: > 0 } required)
            return Task.CompletedTask;
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (property.AssociatedParameter is { IsNullable: true } && !property.IsRequired)
                required.Remove(property.Name);
        }
        return Task.CompletedTask;
    }

    [GeneratedRegex(@"\{([^}:?*=]+)[^}]*\}")]
    private static partial Regex PathParameter();
}
