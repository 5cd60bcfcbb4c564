using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VillagePoints.Core.Notifications;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Notifications;

/// <summary>The signed-in user's notifications, big and plain, each opening its claim; reading the page leaves them unread until marked.</summary>
public sealed class NotificationsModel(NotificationViews views, NotificationInbox inbox) : PageModel
{
    public NotificationsView Inbox { get; private set; } = new(0, []);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (User.UserId() is not { } me)
            return Challenge();
        Inbox = await views.ListAsync(me, NotificationInbox.MaxPage, ct);
        return Page();
    }

    /// <summary>Opens a notification's claim and marks that one read on the way.</summary>
    public async Task<IActionResult> OnPostOpenAsync(Guid id, CancellationToken ct)
    {
        if (User.UserId() is not { } me)
            return Challenge();
        await inbox.MarkReadAsync(me, [id], ct);
        var item = (await views.ListAsync(me, NotificationInbox.MaxPage, ct)).Items.FirstOrDefault(n => n.Id == id);
        return item is null ? Redirect("/notifications") : Redirect(item.Link);
    }

    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken ct)
    {
        if (User.UserId() is not { } me)
            return Challenge();
        await inbox.MarkReadAsync(me, null, ct);
        return Redirect("/notifications");
    }
}
