using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VillagePoints.Core.Data;
using VillagePoints.Core.Notifications;
using VillagePoints.Web.Accounts;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Notifications;

/// <summary>A notification as its reader sees it: worded in their language, with the claim's page to open.</summary>
public sealed record NotificationView(Guid Id, NotificationKind Kind, string VillageCode, long ClaimNumber, int Points, string? Reason,
    string Text, string Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, int? ObjectionNumber = null);

public sealed record NotificationsView(int Unread, IReadOnlyList<NotificationView> Items);

public sealed record MarkReadRequest(IReadOnlyList<Guid>? Ids);

public sealed record UnreadView(int Unread);

/// <summary>Words and lists notifications for the pages and the API alike.</summary>
public sealed class NotificationViews(NotificationInbox inbox, VillagePointsDb db, IStringLocalizer<SharedResource> text)
{
    public async Task<NotificationsView> ListAsync(Guid userId, int take, CancellationToken ct)
    {
        var page = await inbox.ListAsync(userId, take, ct);
        var villageIds = page.Items.Select(n => n.VillageId).Distinct().ToList();
        var codes = await db.Villages.AsNoTracking().Where(v => villageIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Code, ct);
        return new NotificationsView(page.Unread, page.Items.Select(n => new NotificationView(n.Id, n.Kind, codes[n.VillageId], n.ClaimNumber,
            n.Points, n.Reason, Word(n), Link(n, codes[n.VillageId]), n.CreatedAt, n.ReadAt, n.ObjectionNumber)).ToList());
    }

    /// <summary>A claim's page, or for an objection's news the objection's page.</summary>
    private static string Link(Notification n, string villageCode) => n.ObjectionNumber is { } objection
        ? string.Create(CultureInfo.InvariantCulture, $"/villages/{Uri.EscapeDataString(villageCode)}/objections/{objection}")
        : string.Create(CultureInfo.InvariantCulture, $"/villages/{Uri.EscapeDataString(villageCode)}/claims/{n.ClaimNumber}");

    private string Word(Notification n)
    {
        var points = n.Points.ToString("+0;-0;0", CultureInfo.InvariantCulture);
        return n.Kind switch
        {
            NotificationKind.ClaimApproved => text["Notice.Approved", n.ClaimNumber, points],
            NotificationKind.ClaimRejected => text["Notice.Rejected", n.ClaimNumber, n.Reason ?? ""],
            NotificationKind.ObjectionRaised => text["Objection.Notice.Raised", n.ObjectionNumber ?? 0, points, n.Reason ?? ""],
            NotificationKind.ObjectionUpheld => text["Objection.Notice.Upheld", n.ObjectionNumber ?? 0, n.Reason ?? ""],
            NotificationKind.ObjectionDismissed => text["Objection.Notice.Dismissed", n.ObjectionNumber ?? 0, n.Reason ?? ""],
            _ => text["Notice.Returned", n.ClaimNumber, n.Reason ?? ""],
        };
    }
}

/// <summary>In-app notifications (消息) of the signed-in user, whatever village they come from.</summary>
public static class NotificationsApi
{
    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization();
        group.MapGet("/", List)
            .WithSummary("The signed-in user's own notifications, newest first (?take=, at most 100), with the unread count.");
        group.MapPost("/read", MarkRead)
            .WithSummary("Mark the user's own notifications read: those listed in ids, or all when ids is empty or absent. Returns the unread count. Accepts Idempotency-Key; marking read twice changes nothing.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    public static async Task<Ok<NotificationsView>> List(HttpContext http, NotificationViews views, [FromQuery] int? take, CancellationToken ct) =>
        TypedResults.Ok(await views.ListAsync(http.User.UserId()!.Value, take ?? 30, ct));

    public static async Task<Ok<UnreadView>> MarkRead(HttpContext http, NotificationInbox inbox, MarkReadRequest? request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        IdempotencyKeys.Validate(idempotencyKey);
        // Not under a village, so the village scope's antiforgery check does not run: a cross-site form must not mark things read either.
        if (http.User.Identity?.AuthenticationType == CookieAuthenticationDefaults.AuthenticationScheme)
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        return TypedResults.Ok(new UnreadView(await inbox.MarkReadAsync(http.User.UserId()!.Value, request?.Ids, ct)));
    }
}
