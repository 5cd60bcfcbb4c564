using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Claims;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Rules;

namespace VillagePoints.Core.Activities;

public sealed record CreateActivity(
    Guid VillageId,
    string Title,
    DateOnly HeldOn,
    string Place,
    string RuleCode,
    decimal Hours,
    int Capacity,
    Guid OrganiserId,
    Guid ActorId,
    string? IdempotencyKey = null);

/// <summary>
/// Puts a person on the roster. With <see cref="Token"/> it is a villager's own scan of the poster (their own
/// household only, on the day); without it, the organiser or a committee member ticks the name.
/// The household is named by <see cref="HouseholdNo"/> (a self scan may leave it out: the villager's own);
/// <see cref="PersonId"/> may be left out for a household of one.
/// </summary>
public sealed record CheckIn(
    Guid VillageId,
    long Number,
    Guid ActorId,
    int? HouseholdNo = null,
    Guid? PersonId = null,
    string? Token = null,
    string? IdempotencyKey = null);

/// <summary>The organiser takes a ticked name off the roster again, before confirmation.</summary>
public sealed record RemoveCheckIn(Guid VillageId, long Number, Guid ActorId, Guid PersonId, string? IdempotencyKey = null);

public sealed record ConfirmAttendance(Guid VillageId, long Number, Guid ActorId, string? IdempotencyKey = null);

public sealed record CancelActivity(Guid VillageId, long Number, Guid ActorId, string? Reason = null, string? IdempotencyKey = null);

/// <summary>One line of a roster, for pages and the API.</summary>
public sealed record RosterLine(Guid PersonId, string PersonName, int HouseholdNo, string HeadName, CheckInMethod Method,
    DateTimeOffset CheckedInAt, long? ClaimNumber, string? NoClaimReason);

/// <summary>A member of a household, as the check-in page offers them.</summary>
public sealed record HouseholdMember(Guid PersonId, string Name, string Relation, bool CheckedIn);

/// <summary>
/// Volunteer activities (志愿活动): the committee creates one, villagers check in by scanning its poster or
/// the organiser ticks names, and confirming attendance makes one claim per attendee through
/// <see cref="ClaimDesk"/> (channel group inspection, submitted by whoever confirms), so scoring, caps and
/// review stay one code path. Confirmation resolves once. Every write honours an Idempotency-Key.
/// </summary>
/// <remarks>
/// Check-in window: a self scan is taken on the activity's day and the day after (business calendar), so an
/// evening activity or a late scan still counts but an old poster does not; the organiser ticks names from the
/// activity's day until confirmation. Confirmation is possible from the activity's day on.
/// </remarks>
public sealed class ActivityDesk(VillagePointsDb db, LedgerPosting posting, ClaimDesk claims, TimeProvider time)
{
    public const string CreateOperation = "activity.create";
    public const string CheckInOperation = "activity.check-in";
    public const string RemoveCheckInOperation = "activity.remove-check-in";
    public const string ConfirmOperation = "activity.confirm";
    public const string CancelOperation = "activity.cancel";

    private const string HeadRelation = "户主";

    /// <summary>Days after the activity's day on which a self scan is still taken.</summary>
    public const int SelfScanGraceDays = 1;

    private static readonly Role[] Committee = [Role.CommitteeMember, Role.CommitteeChair];
    private static readonly Role[] Organisers = [Role.CommitteeMember, Role.CommitteeChair, Role.ReviewGroup];

    public async Task<Activity> CreateAsync(CreateActivity c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var title = Required(c.Title, ActivityLimits.MaxTitleLength, "activity.title-invalid", "The title");
        var place = Required(c.Place, ActivityLimits.MaxPlaceLength, "activity.place-invalid", "The place");
        if (c.Hours <= 0 || c.Hours > RuleScoring.MaxHours || decimal.Round(c.Hours, 2) != c.Hours)
            throw new DomainException("activity.hours-invalid", $"Hours must be more than 0 and at most {RuleScoring.MaxHours}, in hundredths at most.");
        if (c.Capacity is < 1 or > ActivityLimits.MaxCapacity)
            throw new DomainException("activity.capacity-invalid", $"Capacity must be from 1 to {ActivityLimits.MaxCapacity} people.");
        var today = BusinessCalendar.Today(time);
        var village = await db.Villages.AsNoTracking().Where(v => v.Id == c.VillageId).Select(v => new { v.StartedOn }).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
        var earliest = today.AddDays(-ActivityLimits.MaxDaysPast);
        if (earliest < village.StartedOn)
            earliest = village.StartedOn;
        var latest = today.AddDays(ActivityLimits.MaxDaysAhead);
        if (c.HeldOn < earliest || c.HeldOn > latest)
            throw new DomainException("activity.date-out-of-range",
                $"The activity's date must be from {Iso(earliest)} to {Iso(latest)}.");
        await RequireRoleAsync(c.VillageId, c.ActorId, Committee, "activity.committee-only", "Only the committee creates activities.", ct);
        if (!await HasRoleAsync(c.VillageId, c.OrganiserId, Organisers, ct))
            throw new DomainException("activity.organiser-invalid",
                "The organiser must be a committee or review-group member of this village: they submit the attendees' claims.");
        var rule = await AllowedRuleAsync(c.VillageId, c.RuleCode, c.HeldOn, ct);

        var hash = Idempotency.Fingerprint(CreateOperation).Add(c.VillageId).Add(title).Add(c.HeldOn).Add(place).Add(rule.Code)
            .Add(c.Hours.ToString(CultureInfo.InvariantCulture)).Add(c.Capacity).Add(c.OrganiserId).Add(c.ActorId).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, CreateOperation, hash, token) is { } earlier)
                return earlier;
            await using var tx = await db.Database.BeginTransactionAsync(token);
            await posting.LockAsync(c.VillageId, token);
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, CreateOperation, hash, token) is { } twin)
                return twin;
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var last = await db.Activities.Where(a => a.VillageId == c.VillageId).MaxAsync(a => (long?)a.Number, token) ?? 0;
            var activity = new Activity
            {
                VillageId = c.VillageId, Id = Ids.New(now), Number = last + 1, Title = title, HeldOn = c.HeldOn, Place = place,
                RuleId = rule.Id, Hours = c.Hours, Capacity = c.Capacity, OrganiserId = c.OrganiserId, CheckInToken = NewToken(),
                State = ActivityState.Open, CreatedBy = c.ActorId, CreatedAt = now,
            };
            db.Activities.Add(activity);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CreateOperation, hash, activity.Id, now);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return activity;
        }, [ActivityConstraints.Number], ct);
    }

    public async Task<ActivityAttendance> CheckInAsync(CheckIn c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var selfScan = c.Token is not null;
        var hash = Idempotency.Fingerprint(CheckInOperation).Add(c.VillageId).Add(c.Number).Add(c.ActorId).Add(c.HouseholdNo)
            .Add(c.PersonId).Add(selfScan).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<Guid?>(db, c.VillageId, c.IdempotencyKey, CheckInOperation, hash, token) is { } earlierId)
                return await db.ActivityAttendances.AsNoTracking().SingleAsync(x => x.VillageId == c.VillageId && x.Id == earlierId, token);
            var activity = await FindAsync(c.VillageId, c.Number, token);
            if (selfScan && !TokenMatches(activity.CheckInToken, c.Token!))
                throw new DomainException("activity.token-invalid", "This check-in link is not valid for this activity. Scan the poster again.",
                    DomainErrorKind.Forbidden);
            RequireOpen(activity);
            var today = BusinessCalendar.Today(time);
            if (today < activity.HeldOn)
                throw new DomainException("activity.check-in-not-yet", $"Check-in opens on the activity's day, {Iso(activity.HeldOn)}.",
                    DomainErrorKind.Conflict);
            if (selfScan && today > activity.HeldOn.AddDays(SelfScanGraceDays))
                throw new DomainException("activity.check-in-closed", "Check-in by scanning has closed for this activity; ask the organiser.",
                    DomainErrorKind.Conflict);
            var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.UserId == c.ActorId && r.VillageId == c.VillageId)
                .Select(r => new { r.Role, r.HouseholdId }).ToListAsync(token);
            if (!selfScan && activity.OrganiserId != c.ActorId && !roles.Any(r => Committee.Contains(r.Role)))
                throw new DomainException("activity.organiser-only", "Only the organiser or the committee ticks names on the roster.",
                    DomainErrorKind.Forbidden);

            Guid householdId;
            if (c.HouseholdNo is { } no)
            {
                householdId = await db.Households.Where(h => h.VillageId == c.VillageId && h.Number == no).Select(h => (Guid?)h.Id)
                    .SingleOrDefaultAsync(token) ?? throw new DomainException("household.not-found", "The household does not exist in this village.",
                    DomainErrorKind.NotFound);
            }
            else if (selfScan && roles.Where(r => r.Role == Role.Villager && r.HouseholdId != null).Select(r => r.HouseholdId!.Value)
                         .Distinct().ToList() is [var own])
            {
                householdId = own;
            }
            else
            {
                throw new DomainException("activity.household-required", "Say which household checks in.");
            }
            if (selfScan && !roles.Any(r => r.Role == Role.Villager && r.HouseholdId == householdId))
                throw new DomainException("activity.not-own-household", "By scanning you check in members of your own household only.",
                    DomainErrorKind.Forbidden);

            var members = await db.People.AsNoTracking().Where(p => p.VillageId == c.VillageId && p.HouseholdId == householdId)
                .Select(p => p.Id).ToListAsync(token);
            Guid personId;
            if (c.PersonId is { } pid)
                personId = members.Contains(pid) ? pid
                    : throw new DomainException("activity.person-not-found", "This person is not a member of that household.", DomainErrorKind.NotFound);
            else if (members is [var only])
                personId = only;
            else
                throw new DomainException("activity.person-required", "Say which member of the household checks in.");

            if (await db.ActivityAttendances.AnyAsync(x => x.VillageId == c.VillageId && x.ActivityId == activity.Id && x.PersonId == personId, token))
                throw new DomainException("activity.already-checked-in", "This person is already checked in to this activity.", DomainErrorKind.Conflict);
            if (activity.AttendeeCount >= activity.Capacity)
                throw new DomainException("activity.full", $"This activity is full: all {activity.Capacity} places are taken.", DomainErrorKind.Conflict);

            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var attendance = new ActivityAttendance
            {
                VillageId = c.VillageId, Id = Ids.New(now), ActivityId = activity.Id, HouseholdId = householdId, PersonId = personId,
                Method = selfScan ? CheckInMethod.SelfScan : CheckInMethod.Roster, CheckedInBy = c.ActorId, CheckedInAt = now,
            };
            db.ActivityAttendances.Add(attendance);
            // The count and the version move together: a racing check-in for the last place matches no row and looks again.
            activity.AttendeeCount++;
            activity.Version++;
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CheckInOperation, hash, attendance.Id, now);
            await db.SaveChangesAsync(token);
            return attendance;
        }, [ActivityConstraints.Attendee], ct);
    }

    public async Task<Activity> RemoveCheckInAsync(RemoveCheckIn c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var hash = Idempotency.Fingerprint(RemoveCheckInOperation).Add(c.VillageId).Add(c.Number).Add(c.ActorId).Add(c.PersonId).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, RemoveCheckInOperation, hash, token) is { } earlier)
                return earlier;
            var activity = await FindAsync(c.VillageId, c.Number, token);
            await RequireOrganiserAsync(activity, c.ActorId, token);
            RequireOpen(activity);
            var attendance = await db.ActivityAttendances
                .SingleOrDefaultAsync(x => x.VillageId == c.VillageId && x.ActivityId == activity.Id && x.PersonId == c.PersonId, token);
            if (attendance is null)
                return activity;
            db.ActivityAttendances.Remove(attendance);
            activity.AttendeeCount--;
            activity.Version++;
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, RemoveCheckInOperation, hash, activity.Id, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            return activity;
        }, ct);
    }

    /// <summary>
    /// Confirms the roster: one claim per attendee, in one transaction with the activity's change. A second
    /// confirmation (a double tap, another organiser at the same moment) gets the activity as the first left it.
    /// </summary>
    public async Task<Activity> ConfirmAsync(ConfirmAttendance c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var hash = Idempotency.Fingerprint(ConfirmOperation).Add(c.VillageId).Add(c.Number).Add(c.ActorId).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, ConfirmOperation, hash, token) is { } earlier)
                return earlier;
            var first = await FindAsync(c.VillageId, c.Number, token);
            await RequireOrganiserAsync(first, c.ActorId, token);
            await using var tx = await db.Database.BeginTransactionAsync(token);
            // The village lock serialises confirmations and numbers the claims; under it the activity is read again.
            await posting.LockAsync(c.VillageId, token);
            db.ChangeTracker.Clear();
            var activity = await FindAsync(c.VillageId, c.Number, token);
            if (activity.State == ActivityState.Confirmed)
                return activity;
            if (activity.State == ActivityState.Cancelled)
                throw new DomainException("activity.cancelled", "This activity was cancelled.", DomainErrorKind.Conflict);
            if (BusinessCalendar.Today(time) < activity.HeldOn)
                throw new DomainException("activity.not-yet-held", $"Attendance is confirmed on or after the activity's day, {Iso(activity.HeldOn)}.",
                    DomainErrorKind.Conflict);
            // Claims are numbered in check-in order (sorted here: SQLite cannot order by a timestamp with offset).
            var attendances = (await db.ActivityAttendances.Where(x => x.VillageId == c.VillageId && x.ActivityId == activity.Id)
                .ToListAsync(token)).OrderBy(x => x.CheckedInAt).ThenBy(x => x.Id).ToList();
            if (attendances.Count == 0)
                throw new DomainException("activity.no-attendees", "Nobody is on the roster yet; tick the attendees first, or cancel the activity.",
                    DomainErrorKind.Conflict);
            var ruleCode = await db.Rules.AsNoTracking().Where(r => r.VillageId == c.VillageId && r.Id == activity.RuleId).Select(r => r.Code)
                .SingleAsync(token);
            var personIds = attendances.Select(a => a.PersonId).ToList();
            var names = await db.People.AsNoTracking().Where(p => p.VillageId == c.VillageId && personIds.Contains(p.Id))
                .ToDictionaryAsync(p => p.Id, p => p.Name, token);
            var batch = attendances.Select(a => new SubmitClaim(c.VillageId, ClaimChannel.GroupInspection, a.HouseholdId, ruleCode,
                activity.HeldOn, c.ActorId, Hours: activity.Hours, Note: Note(activity, names.GetValueOrDefault(a.PersonId)))).ToList();
            var results = await claims.AddBatchWithinAsync(batch, activity.Id, token);
            for (var i = 0; i < attendances.Count; i++)
            {
                attendances[i].ClaimNumber = results[i].Claim?.Number;
                attendances[i].NoClaimReason = results[i].NoClaimReason is { } r ? Clip(r, 300) : null;
            }
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            activity.State = ActivityState.Confirmed;
            activity.ConfirmedBy = c.ActorId;
            activity.ConfirmedAt = now;
            activity.Version++;
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, ConfirmOperation, hash, activity.Id, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return activity;
        }, [ClaimConstraints.Number], ct);
    }

    public async Task<Activity> CancelAsync(CancelActivity c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var reason = string.IsNullOrWhiteSpace(c.Reason) ? null : c.Reason.Trim();
        if (reason is { Length: > ActivityLimits.MaxReasonLength })
            throw new DomainException("activity.reason-too-long", $"A reason has at most {ActivityLimits.MaxReasonLength} characters.");
        StoredText.Check(reason, "The reason");
        var hash = Idempotency.Fingerprint(CancelOperation).Add(c.VillageId).Add(c.Number).Add(c.ActorId).Add(reason).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayAsync(c.VillageId, c.IdempotencyKey, CancelOperation, hash, token) is { } earlier)
                return earlier;
            var activity = await FindAsync(c.VillageId, c.Number, token);
            await RequireOrganiserAsync(activity, c.ActorId, token);
            if (activity.State == ActivityState.Cancelled)
                return activity;
            if (activity.State == ActivityState.Confirmed)
                throw new DomainException("activity.already-confirmed", "Attendance was confirmed already; the activity can no longer be cancelled.",
                    DomainErrorKind.Conflict);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            activity.State = ActivityState.Cancelled;
            activity.CancelledBy = c.ActorId;
            activity.CancelledAt = now;
            activity.CancelReason = reason;
            // The version check makes cancelling and confirming exclusive: whichever saves second matches no row and looks again.
            activity.Version++;
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CancelOperation, hash, activity.Id, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            return activity;
        }, ct);
    }

    /// <summary>The village's latest activities, by day, at most <paramref name="take"/> (1 to 500).</summary>
    public async Task<IReadOnlyList<Activity>> ListAsync(Guid villageId, CancellationToken ct = default, int take = 100) =>
        await db.Activities.AsNoTracking().Where(a => a.VillageId == villageId)
            .OrderByDescending(a => a.HeldOn).ThenByDescending(a => a.Number).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);

    public async Task<Activity?> GetAsync(Guid villageId, long number, CancellationToken ct = default) =>
        await db.Activities.AsNoTracking().SingleOrDefaultAsync(a => a.VillageId == villageId && a.Number == number, ct);

    public async Task<IReadOnlyList<RosterLine>> RosterAsync(Guid villageId, Guid activityId, CancellationToken ct = default) =>
        await (from a in db.ActivityAttendances.AsNoTracking()
               join p in db.People on new { a.VillageId, Id = a.PersonId } equals new { p.VillageId, p.Id }
               join h in db.Households on new { a.VillageId, Id = a.HouseholdId } equals new { h.VillageId, h.Id }
               where a.VillageId == villageId && a.ActivityId == activityId
               orderby h.Number, p.Name
               select new RosterLine(p.Id, p.Name, h.Number, h.HeadName, a.Method, a.CheckedInAt, a.ClaimNumber, a.NoClaimReason))
            .ToListAsync(ct);

    /// <summary>The members of a household with whether each is on the activity's roster already.</summary>
    public async Task<IReadOnlyList<HouseholdMember>> MembersAsync(Guid villageId, Guid activityId, Guid householdId, CancellationToken ct = default)
    {
        var checkedIn = await db.ActivityAttendances.AsNoTracking()
            .Where(a => a.VillageId == villageId && a.ActivityId == activityId && a.HouseholdId == householdId).Select(a => a.PersonId).ToListAsync(ct);
        var people = await db.People.AsNoTracking().Where(p => p.VillageId == villageId && p.HouseholdId == householdId).ToListAsync(ct);
        // The head of the household first, as on the household card; then by name.
        return people.OrderBy(p => p.Relation == HeadRelation ? 0 : 1).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new HouseholdMember(p.Id, p.Name, p.Relation, checkedIn.Contains(p.Id))).ToList();
    }

    /// <summary>Whether <paramref name="token"/> is the activity's check-in token; compared in constant time.</summary>
    public static bool TokenMatches(string expected, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(token));

    /// <summary>Whether a self scan is taken today for an activity held on <paramref name="heldOn"/>.</summary>
    public static bool SelfScanOpen(DateOnly heldOn, DateOnly today) => today >= heldOn && today <= heldOn.AddDays(SelfScanGraceDays);

    private async Task<Rule> AllowedRuleAsync(Guid villageId, string? ruleCode, DateOnly heldOn, CancellationToken ct)
    {
        var code = ruleCode?.Trim() ?? "";
        var rule = await db.Rules.AsNoTracking().SingleOrDefaultAsync(r => r.VillageId == villageId && r.Code == code, ct)
            ?? throw new DomainException("rule.not-found", "No such rule in this village.", DomainErrorKind.NotFound);
        var versions = await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == villageId && v.RuleId == rule.Id).ToListAsync(ct);
        var version = RuleBook.InForce(versions, heldOn) ?? versions.MinBy(v => v.Number);
        if (rule.Retired || rule.Direction != RuleDirection.Award || version is null || !version.Channels.Contains(ClaimChannel.GroupInspection)
            || version.DifficultyLevels.Count > 0 || version.EffectLevels.Count > 0)
            throw new DomainException("activity.rule-not-allowed",
                $"The rule '{rule.Code}' cannot be used for an activity: it must be a current award rule that allows group inspection, "
                + "scored without difficulty or effect levels (every attendee gets the same).");
        return rule;
    }

    /// <summary>
    /// What each attendee's claim scores before any cap: the rule version in force on the activity's day with its
    /// hours. For the poster and the activity page; the claims themselves are scored by <see cref="ClaimDesk"/>.
    /// </summary>
    public async Task<int> PointsPerAttendeeAsync(Activity activity, CancellationToken ct = default)
    {
        var rule = await db.Rules.AsNoTracking().SingleAsync(r => r.VillageId == activity.VillageId && r.Id == activity.RuleId, ct);
        var versions = await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == activity.VillageId && v.RuleId == rule.Id).ToListAsync(ct);
        return PointsPerAttendee(activity, rule.Direction, versions);
    }

    /// <summary>The same figure from a rule's versions already read, for lists of activities.</summary>
    public static int PointsPerAttendee(Activity activity, RuleDirection direction, IReadOnlyCollection<RuleVersion> versions)
    {
        var version = RuleBook.InForce(versions, activity.HeldOn) ?? versions.MinBy(v => v.Number);
        if (version is null)
            return 0;
        try
        {
            return RuleScoring.Score(version, direction, new ScoringInputs(activity.Hours), new HouseholdTotals()).Points;
        }
        catch (DomainException)
        {
            // A later version of the rule may have added weights; the poster then shows no figure rather than a wrong one.
            return 0;
        }
    }

    private async Task RequireOrganiserAsync(Activity activity, Guid actorId, CancellationToken ct)
    {
        if (activity.OrganiserId == actorId)
            return;
        await RequireRoleAsync(activity.VillageId, actorId, Committee, "activity.organiser-only",
            "Only the activity's organiser or the committee does this.", ct);
    }

    private async Task RequireRoleAsync(Guid villageId, Guid userId, Role[] roles, string code, string message, CancellationToken ct)
    {
        if (!await HasRoleAsync(villageId, userId, roles, ct))
            throw new DomainException(code, message, DomainErrorKind.Forbidden);
    }

    private Task<bool> HasRoleAsync(Guid villageId, Guid userId, Role[] roles, CancellationToken ct) =>
        db.RoleAssignments.AnyAsync(r => r.UserId == userId && r.VillageId == villageId && roles.Contains(r.Role), ct);

    private static void RequireOpen(Activity activity)
    {
        if (activity.State == ActivityState.Cancelled)
            throw new DomainException("activity.cancelled", "This activity was cancelled.", DomainErrorKind.Conflict);
        if (activity.State == ActivityState.Confirmed)
            throw new DomainException("activity.already-confirmed", "Attendance was confirmed already; the roster is closed.", DomainErrorKind.Conflict);
    }

    private async Task<Activity> FindAsync(Guid villageId, long number, CancellationToken ct) =>
        await db.Activities.SingleOrDefaultAsync(a => a.VillageId == villageId && a.Number == number, ct)
        ?? throw new DomainException("activity.not-found", "No such activity in this village.", DomainErrorKind.NotFound);

    private async Task<Activity?> ReplayAsync(Guid villageId, string? key, string operation, string hash, CancellationToken ct)
    {
        var id = await Idempotency.ReplayAsync<Guid?>(db, villageId, key, operation, hash, ct);
        return id is null ? null : await db.Activities.AsNoTracking().SingleAsync(a => a.VillageId == villageId && a.Id == id, ct);
    }

    private static string Required(string? value, int max, string code, string field)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0 || text.Length > max)
            throw new DomainException(code, $"{field} is required, at most {max} characters.");
        StoredText.Check(text, field);
        return text;
    }

    private static string Note(Activity activity, string? person) =>
        Clip(string.Create(CultureInfo.InvariantCulture, $"志愿活动 #{activity.Number} {activity.Title} · {person}"), ClaimLimits.MaxNoteLength);

    private static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];
}
