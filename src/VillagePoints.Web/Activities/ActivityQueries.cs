using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Activities;
using VillagePoints.Core.Data;
using VillagePoints.Web.Accounts;

namespace VillagePoints.Web.Activities;

/// <summary>
/// An activity as the village reads it. The check-in link (which holds the poster's secret) and the roster are shown
/// only to those who run the activity: its organiser and the committee.
/// </summary>
public sealed record ActivityView(
    long Number,
    string Title,
    DateOnly HeldOn,
    string Place,
    string RuleCode,
    string RuleName,
    decimal Hours,
    int PointsPerAttendee,
    int Capacity,
    int AttendeeCount,
    ActivityState State,
    string? Organiser,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? CancelledAt,
    string? CancelReason,
    string? CheckInUrl,
    IReadOnlyList<RosterLineView>? Roster);

public sealed record RosterLineView(Guid PersonId, string Name, int HouseholdNo, string HouseholdHead, CheckInMethod Method,
    DateTimeOffset CheckedInAt, long? ClaimNumber, string? NoClaimReason);

public sealed record RosterCandidate(Guid PersonId, string Name, string Relation, int HouseholdNo, string HouseholdHead, bool CheckedIn);

public sealed record RuleOption(string Code, string Name);

/// <summary>Someone who may organise an activity: a committee or review-group member of the village.</summary>
public sealed record OrganiserOption(Guid UserId, string Name);

public sealed class ActivityQueries(VillagePointsDb db, ActivityDesk desk)
{
    /// <summary>Whether this user runs the activity: its organiser, or a committee member.</summary>
    public static bool Runs(VillageGrant grant, Activity activity) =>
        activity.OrganiserId == grant.UserId || grant.Has(VillagePermission.ManageActivities);

    public async Task<List<ActivityView>> ListAsync(VillageGrant grant, CancellationToken ct, int take = 100)
    {
        var activities = await desk.ListAsync(grant.Village.Id, ct, take);
        var views = new List<ActivityView>(activities.Count);
        foreach (var a in activities)
            views.Add(await ViewAsync(grant, a, null, withRoster: false, ct));
        return views;
    }

    public async Task<Activity> FindAsync(VillageGrant grant, long number, CancellationToken ct) =>
        await desk.GetAsync(grant.Village.Id, number, ct) ?? throw NotFound();

    /// <param name="baseUrl">The app's absolute address (scheme, host, path base), for the check-in link; null leaves it out.</param>
    public async Task<ActivityView> ViewAsync(VillageGrant grant, Activity a, string? baseUrl, bool withRoster, CancellationToken ct)
    {
        var (rule, versions) = await RuleAsync(a, ct);
        var organiser = await OrganiserNameAsync(a.OrganiserId, ct);
        var runs = Runs(grant, a);
        IReadOnlyList<RosterLineView>? roster = null;
        if (runs && withRoster)
            roster = (await desk.RosterAsync(a.VillageId, a.Id, ct))
                .Select(l => new RosterLineView(l.PersonId, l.PersonName, l.HouseholdNo, l.HeadName, l.Method, l.CheckedInAt, l.ClaimNumber, l.NoClaimReason))
                .ToList();
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        return new ActivityView(a.Number, a.Title, a.HeldOn, a.Place, rule.Code, english ? rule.NameEn : rule.NameZh, a.Hours,
            ActivityDesk.PointsPerAttendee(a, rule.Direction, versions), a.Capacity, a.AttendeeCount, a.State, organiser, a.ConfirmedAt, a.CancelledAt, a.CancelReason,
            runs && baseUrl is not null && a.State == ActivityState.Open ? CheckInUrl(baseUrl, grant.Village.Code, a) : null, roster);
    }

    // A list shows many activities under few rules and organisers: each is read once per request.
    private readonly Dictionary<Guid, (Core.Rules.Rule Rule, List<Core.Rules.RuleVersion> Versions)> rules = [];
    private readonly Dictionary<Guid, string?> organiserNames = [];

    private async Task<(Core.Rules.Rule Rule, List<Core.Rules.RuleVersion> Versions)> RuleAsync(Activity a, CancellationToken ct)
    {
        if (rules.TryGetValue(a.RuleId, out var known))
            return known;
        var rule = await db.Rules.AsNoTracking().SingleAsync(r => r.VillageId == a.VillageId && r.Id == a.RuleId, ct);
        var versions = await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == a.VillageId && v.RuleId == a.RuleId).ToListAsync(ct);
        return rules[a.RuleId] = (rule, versions);
    }

    private async Task<string?> OrganiserNameAsync(Guid userId, CancellationToken ct)
    {
        if (!organiserNames.TryGetValue(userId, out var name))
            organiserNames[userId] = name = await db.UserAccounts.AsNoTracking().Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
        return name;
    }

    /// <summary>The committee and review-group members of the village, who may organise an activity.</summary>
    public async Task<List<OrganiserOption>> OrganisersAsync(Guid villageId, CancellationToken ct)
    {
        Role[] organisers = [Role.CommitteeMember, Role.CommitteeChair, Role.ReviewGroup];
        var people = await (from r in db.RoleAssignments.AsNoTracking()
                            join u in db.UserAccounts.AsNoTracking() on r.UserId equals u.Id
                            where r.VillageId == villageId && organisers.Contains(r.Role)
                            select new { u.Id, u.DisplayName }).ToListAsync(ct);
        return people.DistinctBy(p => p.Id).Select(p => new OrganiserOption(p.Id, p.DisplayName))
            .OrderBy(o => o.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The rules an activity may use today: current award rules open to group inspection, without levels to choose.</summary>
    public async Task<List<RuleOption>> AllowedRulesAsync(Guid villageId, DateOnly day, CancellationToken ct)
    {
        var rules = await db.Rules.AsNoTracking()
            .Where(r => r.VillageId == villageId && r.RetiredAt == null && r.Direction == Core.Rules.RuleDirection.Award).ToListAsync(ct);
        var ids = rules.Select(r => r.Id).ToList();
        var versions = (await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == villageId && ids.Contains(v.RuleId)).ToListAsync(ct))
            .ToLookup(v => v.RuleId);
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        return rules.Select(r => (Rule: r, Version: Core.Rules.RuleBook.InForce(versions[r.Id], day) ?? versions[r.Id].MinBy(v => v.Number)))
            .Where(x => x.Version is { } v && v.Channels.Contains(Core.Rules.ClaimChannel.GroupInspection)
                && v.DifficultyLevels.Count == 0 && v.EffectLevels.Count == 0)
            .Select(x => new RuleOption(x.Rule.Code, english ? x.Rule.NameEn : x.Rule.NameZh))
            .OrderBy(o => o.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// People to tick on a roster: the members of household <paramref name="query"/> when it is a number, otherwise those
    /// whose name or household head's name contains it. At most <paramref name="take"/>, by household number.
    /// </summary>
    public async Task<List<RosterCandidate>> FindPeopleAsync(Guid villageId, Guid activityId, string query, int take, CancellationToken ct)
    {
        var q = query.Trim();
        if (q.Length == 0)
            return [];
        var number = int.TryParse(q, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
        var people = from p in db.People.AsNoTracking()
                     join h in db.Households.AsNoTracking() on new { p.VillageId, Id = p.HouseholdId } equals new { h.VillageId, h.Id }
                     where p.VillageId == villageId
                     select new { p, h };
        people = number is { } no ? people.Where(x => x.h.Number == no) : people.Where(x => x.p.Name.Contains(q) || x.h.HeadName.Contains(q));
        var found = await people.OrderBy(x => x.h.Number).ThenBy(x => x.p.Name).Take(take)
            .Select(x => new { PersonId = x.p.Id, x.p.Name, x.p.Relation, HouseholdNo = x.h.Number, x.h.HeadName }).ToListAsync(ct);
        var ids = found.Select(f => f.PersonId).ToList();
        var ticked = await db.ActivityAttendances.AsNoTracking()
            .Where(a => a.VillageId == villageId && a.ActivityId == activityId && ids.Contains(a.PersonId)).Select(a => a.PersonId).ToListAsync(ct);
        return found.Select(f => new RosterCandidate(f.PersonId, f.Name, f.Relation, f.HouseholdNo, f.HeadName, ticked.Contains(f.PersonId))).ToList();
    }

    /// <summary>The link the poster's QR code holds: the check-in page with the activity's secret.</summary>
    public static string CheckInUrl(string baseUrl, string villageCode, Activity a) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{baseUrl.TrimEnd('/')}{CheckInPath(villageCode, a.Number)}?t={Uri.EscapeDataString(a.CheckInToken)}");

    public static string ActivityPath(string villageCode, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"/villages/{Uri.EscapeDataString(villageCode)}/activities/{number}");

    public static string CheckInPath(string villageCode, long number) => ActivityPath(villageCode, number) + "/check-in";

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    public static Core.DomainException NotFound() =>
        new("activity.not-found", "No such activity in this village.", Core.DomainErrorKind.NotFound);
}
