using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Rules;

public sealed record CreateRuleCategory(Guid VillageId, string Code, string NameZh, string NameEn, int SortOrder, Guid ActorId,
    string? IdempotencyKey = null);

/// <summary>What a version states; the same shape for a rule's first version, a new one and a preview's draft.</summary>
public sealed record RuleTerms(
    int BasePoints,
    IReadOnlyList<ClaimChannel> Channels,
    DateOnly? EffectiveFrom = null,
    decimal? PointsPerHour = null,
    decimal HourStep = 0.5m,
    HoursRounding HoursRounding = HoursRounding.Down,
    IReadOnlyList<WeightLevel>? DifficultyLevels = null,
    IReadOnlyList<WeightLevel>? EffectLevels = null,
    int? CapPerDay = null,
    int? CapPerMonth = null,
    int? CapPerYear = null,
    bool EvidenceRequired = false,
    bool HonourPoints = false);

public sealed record CreateRule(Guid VillageId, string CategoryCode, string Code, string NameZh, string NameEn, string? Description,
    RuleDirection Direction, RuleTerms Terms, Guid ActorId, string? IdempotencyKey = null);

public sealed record PublishRuleVersion(Guid VillageId, string Code, RuleTerms Terms, Guid ActorId, string? IdempotencyKey = null);

public sealed record RetireRule(Guid VillageId, string Code, Guid ActorId, string? IdempotencyKey = null);

/// <summary>
/// The village's 积分细则: categories, rules and their versions. A version takes effect on a date in the
/// business calendar, today or later: what was scored yesterday was scored under yesterday's rule, and a
/// version dated in the past would quietly disagree with entries already in the ledger. Two versions may
/// share a date; the later published one wins from that day. Every write honours an Idempotency-Key.
/// </summary>
public sealed class RuleBook(VillagePointsDb db, TimeProvider time)
{
    public const string CategoryOperation = "rule.create-category";
    public const string CreateOperation = "rule.create";
    public const string PublishOperation = "rule.publish-version";
    public const string RetireOperation = "rule.retire";

    public async Task<RuleCategory> CreateCategoryAsync(CreateRuleCategory c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var code = CheckCode(c.Code, "rule-category.code-invalid");
        var (zh, en) = CheckNames(c.NameZh, c.NameEn);
        var hash = Idempotency.Fingerprint(CategoryOperation).Add(c.VillageId).Add(code).Add(zh).Add(en).Add(c.SortOrder).Add(c.ActorId).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<Guid?>(db, c.VillageId, c.IdempotencyKey, CategoryOperation, hash, token) is { } id)
                return await db.RuleCategories.AsNoTracking().SingleAsync(x => x.VillageId == c.VillageId && x.Id == id, token);
            if (await db.RuleCategories.AnyAsync(x => x.VillageId == c.VillageId && x.Code == code, token))
                throw new DomainException("rule-category.code-taken", $"The village has a category '{code}' already.", DomainErrorKind.Conflict);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var category = new RuleCategory { VillageId = c.VillageId, Id = Ids.New(now), Code = code, NameZh = zh, NameEn = en, SortOrder = c.SortOrder };
            db.RuleCategories.Add(category);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CategoryOperation, hash, category.Id, now);
            await db.SaveChangesAsync(token);
            return category;
        }, [RuleConstraints.CategoryCode], ct);
    }

    public async Task<(Rule Rule, RuleVersion Version)> CreateAsync(CreateRule c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var code = CheckCode(c.Code, "rule.code-invalid");
        var (zh, en) = CheckNames(c.NameZh, c.NameEn);
        var description = (c.Description ?? "").Trim();
        if (description.Length > RuleLimits.MaxDescriptionLength)
            throw new DomainException("rule.description-too-long", $"A description has at most {RuleLimits.MaxDescriptionLength} characters.");
        StoredText.Check(description, "The description");
        if (!Enum.IsDefined(c.Direction))
            throw new DomainException("rule.weights-invalid", "A rule is an award or a deduction.");
        var draft = Draft(c.Terms);
        var effective = CheckEffectiveFrom(c.Terms.EffectiveFrom);
        var hash = Fingerprint(Idempotency.Fingerprint(CreateOperation).Add(c.VillageId).Add(c.CategoryCode.Trim()).Add(code).Add(zh).Add(en)
            .Add(description).Add(c.Direction).Add(c.ActorId), c.Terms with { EffectiveFrom = effective }).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<Guid?>(db, c.VillageId, c.IdempotencyKey, CreateOperation, hash, token) is { } id)
            {
                var earlier = await db.Rules.AsNoTracking().SingleAsync(r => r.VillageId == c.VillageId && r.Id == id, token);
                return (earlier, await db.RuleVersions.AsNoTracking().SingleAsync(v => v.VillageId == c.VillageId && v.RuleId == id && v.Number == 1, token));
            }
            var category = await db.RuleCategories.AsNoTracking().SingleOrDefaultAsync(x => x.VillageId == c.VillageId && x.Code == c.CategoryCode.Trim(), token)
                ?? throw new DomainException("rule-category.not-found", "No such rule category in this village.", DomainErrorKind.NotFound);
            if (await db.Rules.AnyAsync(r => r.VillageId == c.VillageId && r.Code == code, token))
                throw new DomainException("rule.code-taken", $"The village has a rule '{code}' already.", DomainErrorKind.Conflict);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var rule = new Rule
            {
                VillageId = c.VillageId, Id = Ids.New(now), CategoryId = category.Id, Code = code, NameZh = zh, NameEn = en,
                Description = description, Direction = c.Direction, CreatedAt = now, CreatedBy = c.ActorId,
            };
            draft.VillageId = c.VillageId;
            draft.RuleId = rule.Id;
            draft.Number = 1;
            draft.EffectiveFrom = effective;
            draft.PublishedAt = now;
            draft.PublishedBy = c.ActorId;
            db.Rules.Add(rule);
            db.RuleVersions.Add(draft);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CreateOperation, hash, rule.Id, now);
            await db.SaveChangesAsync(token);
            return (rule, draft);
        }, [RuleConstraints.RuleCode], ct);
    }

    public async Task<RuleVersion> PublishAsync(PublishRuleVersion c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var draftTerms = Draft(c.Terms);
        var effective = CheckEffectiveFrom(c.Terms.EffectiveFrom);
        var hash = Fingerprint(Idempotency.Fingerprint(PublishOperation).Add(c.VillageId).Add(c.Code.Trim()).Add(c.ActorId),
            c.Terms with { EffectiveFrom = effective }).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<PublishedAnswer>(db, c.VillageId, c.IdempotencyKey, PublishOperation, hash, token) is { } earlier)
                return await db.RuleVersions.AsNoTracking().SingleAsync(v => v.VillageId == c.VillageId && v.RuleId == earlier.RuleId && v.Number == earlier.Number, token);
            var rule = await FindAsync(c.VillageId, c.Code, token);
            if (rule.Retired)
                throw new DomainException("rule.retired", "The rule is retired; it takes no new versions.", DomainErrorKind.Conflict);
            var latest = await db.RuleVersions.AsNoTracking().Where(v => v.VillageId == c.VillageId && v.RuleId == rule.Id)
                .OrderByDescending(v => v.Number).FirstAsync(token);
            if (effective < latest.EffectiveFrom)
                throw new DomainException("rule.effective-date-invalid",
                    $"A new version takes effect on or after the latest one's date, {latest.EffectiveFrom:yyyy-MM-dd}.");
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var draft = draftTerms;
            draft.VillageId = c.VillageId;
            draft.RuleId = rule.Id;
            draft.Number = latest.Number + 1;
            draft.EffectiveFrom = effective;
            draft.PublishedAt = now;
            draft.PublishedBy = c.ActorId;
            db.RuleVersions.Add(draft);
            // The rule's own version check makes two publishers race for the number, not both take it.
            rule.Version++;
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, PublishOperation, hash, new PublishedAnswer(rule.Id, draft.Number), now);
            await db.SaveChangesAsync(token);
            return draft;
        }, [RuleConstraints.VersionNumber], ct);
    }

    public async Task<Rule> RetireAsync(RetireRule c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var hash = Idempotency.Fingerprint(RetireOperation).Add(c.VillageId).Add(c.Code.Trim()).Add(c.ActorId).Hash();
        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await Idempotency.ReplayAsync<Guid?>(db, c.VillageId, c.IdempotencyKey, RetireOperation, hash, token) is { } id)
                return await db.Rules.AsNoTracking().SingleAsync(r => r.VillageId == c.VillageId && r.Id == id, token);
            var rule = await FindAsync(c.VillageId, c.Code, token);
            if (rule.Retired)
                throw new DomainException("rule.retired", "The rule is retired already.", DomainErrorKind.Conflict);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            rule.RetiredAt = now;
            rule.RetiredBy = c.ActorId;
            rule.Version++;
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, RetireOperation, hash, rule.Id, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            return rule;
        }, ct);
    }

    /// <summary>Scores inputs against a draft version without saving anything: the committee tries a change before publishing it.</summary>
    public static Score Preview(RuleDirection direction, RuleTerms terms, ScoringInputs inputs, HouseholdTotals? totals = null) =>
        RuleScoring.Score(Draft(terms), direction, inputs, totals ?? HouseholdTotals.None);

    /// <summary>
    /// What the household already has under the rule in <paramref name="day"/>'s day, month and year, as magnitudes: the
    /// totals the caps are held against. A reversed entry no longer counts.
    /// </summary>
    public async Task<HouseholdTotals> TotalsAsync(Guid villageId, Guid householdId, Guid ruleId, DateOnly day, CancellationToken ct = default)
    {
        var yearStart = new DateOnly(day.Year, 1, 1);
        var yearEnd = new DateOnly(day.Year, 12, 31);
        // A reversal keeps its entry's rule but is dated when the correction was made, so it cancels its entry by
        // reference, not by date: the reversed entry and the reversal both drop out.
        var reversed = db.LedgerEntries.Where(r => r.VillageId == villageId && r.HouseholdId == householdId && r.ReversesEntryId != null)
            .Select(r => r.ReversesEntryId);
        var lines = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.VillageId == villageId && e.HouseholdId == householdId && e.RuleId == ruleId && e.ReversesEntryId == null
                && e.OccurredOn >= yearStart && e.OccurredOn <= yearEnd && !reversed.Contains(e.Id))
            .Select(e => new { e.OccurredOn, e.Amount }).ToListAsync(ct);
        static int Magnitude(IEnumerable<int> amounts) => (int)Math.Min(int.MaxValue, Math.Abs(amounts.Sum(a => (long)a)));
        return new HouseholdTotals(
            Magnitude(lines.Where(l => l.OccurredOn == day).Select(l => l.Amount)),
            Magnitude(lines.Where(l => l.OccurredOn.Month == day.Month).Select(l => l.Amount)),
            Magnitude(lines.Select(l => l.Amount)));
    }

    /// <summary>The version in force on <paramref name="day"/>: the latest published one whose date has come.</summary>
    public static RuleVersion? InForce(IEnumerable<RuleVersion> versions, DateOnly day) =>
        versions.Where(v => v.EffectiveFrom <= day).MaxBy(v => v.Number);

    private async Task<Rule> FindAsync(Guid villageId, string code, CancellationToken ct) =>
        await db.Rules.SingleOrDefaultAsync(r => r.VillageId == villageId && r.Code == code.Trim(), ct)
        ?? throw new DomainException("rule.not-found", "No such rule in this village.", DomainErrorKind.NotFound);

    /// <summary>The terms as an unsaved version, checked.</summary>
    public static RuleVersion Draft(RuleTerms t)
    {
        var v = new RuleVersion
        {
            BasePoints = t.BasePoints,
            PointsPerHour = t.PointsPerHour,
            HourStep = t.HourStep,
            HoursRounding = t.HoursRounding,
            DifficultyLevels = (t.DifficultyLevels ?? []).Select(Clean).ToList(),
            EffectLevels = (t.EffectLevels ?? []).Select(Clean).ToList(),
            CapPerDay = t.CapPerDay,
            CapPerMonth = t.CapPerMonth,
            CapPerYear = t.CapPerYear,
            Channels = (t.Channels ?? []).ToList(),
            EvidenceRequired = t.EvidenceRequired,
            HonourPoints = t.HonourPoints,
        };
        if (!Enum.IsDefined(v.HoursRounding))
            throw new DomainException("rule.weights-invalid", "Hours are rounded down, to the nearest step or up.");
        RuleScoring.Validate(v);
        foreach (var level in v.DifficultyLevels.Concat(v.EffectLevels))
        {
            if (level.Code.Length > 20 || level.NameZh.Length > 20 || level.NameEn.Length > 30)
                throw new DomainException("rule.weights-invalid", "A level's code and names are short.");
            StoredText.Check(level.NameZh, "A level's name");
            StoredText.Check(level.NameEn, "A level's name");
            StoredText.Check(level.Code, "A level's code");
        }
        return v;
    }

    private static WeightLevel Clean(WeightLevel l) =>
        new((l.Code ?? "").Trim(), (l.NameZh ?? "").Trim(), string.IsNullOrWhiteSpace(l.NameEn) ? (l.NameZh ?? "").Trim() : l.NameEn.Trim(), l.Multiplier);

    private DateOnly CheckEffectiveFrom(DateOnly? from)
    {
        var today = BusinessCalendar.Today(time);
        var day = from ?? today;
        if (day < today)
            throw new DomainException("rule.effective-date-invalid", "A version takes effect today or later, never in the past.");
        return day;
    }

    private static string CheckCode(string? code, string problem)
    {
        var c = (code ?? "").Trim();
        if (c.Length is 0 or > RuleLimits.MaxCodeLength || !c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
            throw new DomainException(problem, $"A code is 1 to {RuleLimits.MaxCodeLength} letters, digits, '-', '_' or '.'.");
        return c;
    }

    private static (string Zh, string En) CheckNames(string? zh, string? en)
    {
        var z = (zh ?? "").Trim();
        var e = string.IsNullOrWhiteSpace(en) ? z : en.Trim();
        if (z.Length is 0 or > RuleLimits.MaxNameLength || e.Length > RuleLimits.MaxNameLength)
            throw new DomainException("rule.name-invalid", $"A name is 1 to {RuleLimits.MaxNameLength} characters.");
        StoredText.Check(z, "The name");
        StoredText.Check(e, "The English name");
        return (z, e);
    }

    private static RequestFingerprint Fingerprint(RequestFingerprint f, RuleTerms t)
    {
        static void Levels(RequestFingerprint f, WeightLevel l) =>
            f.Add(l.Code).Add(l.NameZh).Add(l.NameEn).Add(l.Multiplier.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return f.Add(t.BasePoints).Add(t.EffectiveFrom).Add(t.PointsPerHour?.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add(t.HourStep.ToString(System.Globalization.CultureInfo.InvariantCulture)).Add(t.HoursRounding)
            .AddList(t.DifficultyLevels ?? [], Levels).AddList(t.EffectLevels ?? [], Levels)
            .Add(t.CapPerDay).Add(t.CapPerMonth).Add(t.CapPerYear).AddList(t.Channels ?? [], (x, ch) => x.Add(ch))
            .Add(t.EvidenceRequired).Add(t.HonourPoints);
    }

    private sealed record PublishedAnswer(Guid RuleId, int Number);
}
