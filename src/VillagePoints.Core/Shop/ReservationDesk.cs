using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Places;

namespace VillagePoints.Core.Shop;

/// <summary>One line of a reservation as asked for: an item by its code and how many.</summary>
public sealed record ReservationLineRequest(string? ItemCode, int Quantity);

/// <summary>
/// A villager reserves goods for pickup for their own household. <paramref name="HouseholdNumber"/> may be left out when
/// the villager belongs to one household of the village.
/// </summary>
public sealed record ReserveForPickup(Guid VillageId, Guid ActorId, int? HouseholdNumber, IReadOnlyList<ReservationLineRequest>? Lines,
    string? IdempotencyKey = null);

/// <summary>
/// A reservation is withdrawn: by a villager of its household, or by the shop (<paramref name="ByShop"/>: the clerk, who
/// may cancel any of the village's reservations).
/// </summary>
public sealed record CancelReservation(Guid VillageId, long Number, Guid ActorId, bool ByShop, string? IdempotencyKey = null);

/// <summary>
/// Reservations for pickup (预约兑换). A reservation holds stock (<see cref="ShopItem.Reserved"/>) and spends no points; the
/// clerk's checkout fulfils it later, under the checkout's own checks. Holds move only by conditional updates the database
/// decides (<c>Reserved + q</c> only while <c>Stock − Reserved ≥ q</c>; a release only while the reservation is still
/// open), so the last unit is held once however many phones ask, and a reservation is closed once however many closers
/// run. Each reservation is written under the village's chain-head lock, the lock every checkout takes too, so the
/// household's balance, its other reservations and its per-item limits are read as they are.
/// </summary>
public sealed class ReservationDesk(VillagePointsDb db, LedgerPosting posting, TimeProvider time)
{
    /// <summary>Open reservations a household may have at once: enough for a family's shopping, not enough to empty a shelf.</summary>
    public const int MaxOpenPerHousehold = 3;

    public const int MaxLines = 10;
    public const int MaxQuantity = 99;

    /// <summary>
    /// Goods are held at least this many days: until the shop closes on its first open day this many days after the
    /// reservation (reserved on Monday, a shop open every day holds it until Wednesday's closing).
    /// </summary>
    public const int HoldDays = 2;

    public const string ReserveOperation = "reservation.reserve";
    public const string CancelOperation = "reservation.cancel";

    public async Task<Reservation> ReserveAsync(ReserveForPickup c, CancellationToken ct = default)
    {
        var lines = CheckLines(c.Lines);
        Idempotency.ValidateKey(c.IdempotencyKey);
        var hash = Idempotency.Fingerprint(ReserveOperation).Add(c.VillageId).Add(c.ActorId).Add(c.HouseholdNumber)
            .AddList(lines, (f, l) => f.Add(l.ItemCode).Add(l.Quantity)).Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, ReserveOperation, hash, token) is { } earlier)
                return earlier;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            await posting.LockAsync(c.VillageId, token);
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, ReserveOperation, hash, token) is { } twin)
                return twin;

            var village = await db.Villages.AsNoTracking().SingleOrDefaultAsync(v => v.Id == c.VillageId, token)
                ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
            var household = await OwnHouseholdAsync(c, token);
            var codes = lines.Select(l => l.ItemCode).ToList();
            var items = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == c.VillageId && codes.Contains(i.Code))
                .ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, token);
            foreach (var line in lines)
            {
                var item = items.GetValueOrDefault(line.ItemCode)
                    ?? throw new DomainException("item.not-found", $"The shop has no item {line.ItemCode}.", DomainErrorKind.NotFound);
                if (!item.Active)
                    throw new DomainException("item.inactive", $"{item.Code} is not offered at the moment.", DomainErrorKind.Conflict);
                if (item.IsVoucher)
                    throw new DomainException("reservation.voucher-item",
                        $"{item.Code} is a service voucher: vouchers are issued at the shop's counter, not reserved.");
            }

            var open = await db.Reservations.AsNoTracking().Include(r => r.Lines)
                .Where(r => r.VillageId == c.VillageId && r.HouseholdId == household.Id && r.State == ReservationState.Reserved)
                .ToListAsync(token);
            if (open.Count >= MaxOpenPerHousehold)
                throw new DomainException("reservation.too-many-open",
                    $"A household may have at most {MaxOpenPerHousehold} reservations waiting for pickup; pick one up or cancel it first.",
                    DomainErrorKind.Conflict);

            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            await CheckLimitsAsync(c.VillageId, household.Id, lines, items, open, BusinessCalendar.DateOf(now), token);
            await CheckAffordableAsync(village, household.Id, lines, items, open, token);

            foreach (var line in lines)
            {
                var item = items[line.ItemCode];
                var quantity = line.Quantity;
                // The database decides: the hold is taken only while enough is on the shelf unheld, whoever else is holding or selling.
                var held = await db.ShopItems
                    .Where(i => i.VillageId == c.VillageId && i.Id == item.Id && i.Active && i.Stock - i.Reserved >= quantity)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.Reserved, i => i.Reserved + quantity), token);
                if (held != 1)
                    throw new DomainException("stock.insufficient",
                        $"Not enough of {item.Code} is left to hold {quantity}.", DomainErrorKind.Conflict);
            }

            var last = await db.Reservations.Where(r => r.VillageId == c.VillageId).MaxAsync(r => (long?)r.Number, token) ?? 0;
            var reservation = new Reservation
            {
                VillageId = c.VillageId,
                Id = Ids.New(now),
                Number = last + 1,
                HouseholdId = household.Id,
                State = ReservationState.Reserved,
                ReservedBy = c.ActorId,
                ReservedAt = now,
                ExpiresAt = PickupDeadline(village.Settings, now),
                Lines = [.. lines.Select((l, i) => new ReservationLine
                {
                    VillageId = c.VillageId,
                    LineNo = i + 1,
                    ItemId = items[l.ItemCode].Id,
                    Quantity = l.Quantity,
                    UnitPoints = items[l.ItemCode].PricePoints,
                })],
            };
            db.Reservations.Add(reservation);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, ReserveOperation, hash, reservation.Id, now);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return reservation;
        }, [ConstraintNames.ReservationNumber], ct);
    }

    /// <summary>Withdraws an open reservation once and puts its held stock back on the shelf.</summary>
    public async Task<Reservation> CancelAsync(CancelReservation c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var hash = Idempotency.Fingerprint(CancelOperation).Add(c.VillageId).Add(c.Number).Add(c.ActorId).Add(c.ByShop).Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, CancelOperation, hash, token) is { } earlier)
                return earlier;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            // Under the lock reservations are made with, so a double tap that waited here gets its twin's answer.
            await posting.LockAsync(c.VillageId, token);
            var reservation = await db.Reservations.AsNoTracking().Include(r => r.Lines)
                .SingleOrDefaultAsync(r => r.VillageId == c.VillageId && r.Number == c.Number, token);
            // A villager sees only their own household's reservations: another household's answers as if there were none.
            if (reservation is null || (!c.ByShop && !await IsOwnHouseholdAsync(c.VillageId, c.ActorId, reservation.HouseholdId, token)))
                throw NotFound();
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, CancelOperation, hash, token) is { } twin)
                return twin;

            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            if (reservation.State != ReservationState.Reserved)
                throw NotOpen(reservation.State);
            // The expiry job does not take the lock; of the two, the one whose conditional update lands closes it.
            if (!await CloseAsync(reservation, ReservationState.Cancelled, now, token))
                throw NotOpen(await db.Reservations.Where(r => r.VillageId == c.VillageId && r.Id == reservation.Id)
                    .Select(r => r.State).SingleAsync(token));
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CancelOperation, hash, reservation.Id, now, statusCode: 200);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            reservation.State = ReservationState.Cancelled;
            reservation.ClosedAt = now;
            return reservation;
        }, ct);
    }

    /// <summary>Open reservations whose pickup deadline has passed, for the scheduled job: (village, number).</summary>
    public async Task<IReadOnlyList<(Guid VillageId, long Number)>> DueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        // A few open reservations per household at most; SQLite cannot compare instants in a query, so compare here.
        var open = await db.Reservations.AsNoTracking().Where(r => r.State == ReservationState.Reserved)
            .Select(r => new { r.VillageId, r.Number, r.ExpiresAt }).ToListAsync(ct);
        return [.. open.Where(r => r.ExpiresAt <= now).OrderBy(r => r.ExpiresAt).Select(r => (r.VillageId, r.Number))];
    }

    /// <summary>
    /// Expires every open reservation past its deadline and releases its holds, each in its own transaction. Safe to run on
    /// several instances at once: a reservation moves only while it is still open, so each is expired (and released) once.
    /// </summary>
    /// <returns>How many reservations this run expired.</returns>
    public async Task<int> ExpireDueAsync(CancellationToken ct = default)
    {
        var expired = 0;
        foreach (var (villageId, number) in await DueAsync(ct))
        {
            if (await ExpireAsync(villageId, number, ct))
                expired++;
        }
        return expired;
    }

    /// <summary>Expires one reservation if it is still open and past due; false when it was not (another run got there first).</summary>
    public async Task<bool> ExpireAsync(Guid villageId, long number, CancellationToken ct = default)
    {
        return await WriteRetry.RunAsync(db, async token =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(token);
            // Under the village's lock like every other writer of holds: a pickup at the counter writes the item's
            // Reserved from what it read under that lock, so a release outside it could be overwritten and lost.
            await posting.LockAsync(villageId, token);
            var reservation = await db.Reservations.AsNoTracking().Include(r => r.Lines)
                .SingleOrDefaultAsync(r => r.VillageId == villageId && r.Number == number, token);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            if (reservation is null || reservation.ExpiresAt > now || !await CloseAsync(reservation, ReservationState.Expired, now, token))
                return false;
            await tx.CommitAsync(token);
            return true;
        }, ct);
    }

    /// <summary>
    /// Moves an open reservation to <paramref name="state"/> and releases its holds, in the caller's transaction. The state
    /// changes only while it is still Reserved, so of two closers (a cancel and the expiry job, two job runs) one changes it
    /// and only that one releases the holds.
    /// </summary>
    private async Task<bool> CloseAsync(Reservation reservation, ReservationState state, DateTimeOffset now, CancellationToken ct)
    {
        var changed = await db.Reservations
            .Where(r => r.VillageId == reservation.VillageId && r.Id == reservation.Id && r.State == ReservationState.Reserved)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, state).SetProperty(r => r.ClosedAt, now), ct);
        if (changed != 1)
            return false;
        foreach (var line in reservation.Lines)
        {
            var quantity = line.Quantity;
            await db.ShopItems.Where(i => i.VillageId == reservation.VillageId && i.Id == line.ItemId)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Reserved, i => i.Reserved - quantity), ct);
        }
        return true;
    }

    /// <summary>
    /// When the goods stop being held: the shop's closing time on its first open day at least <see cref="HoldDays"/> days
    /// after the reservation's day (village time); a village whose shop opens on no day holds them <see cref="HoldDays"/> days.
    /// </summary>
    public static DateTimeOffset PickupDeadline(VillageSettings settings, DateTimeOffset reservedAt)
    {
        var first = BusinessCalendar.DateOf(reservedAt).AddDays(HoldDays);
        var day = Enumerable.Range(0, 7).Select(first.AddDays).FirstOrDefault(d => ShopHours.OpensOn(settings, d.DayOfWeek), first);
        var local = day.ToDateTime(settings.ShopClosesAt);
        return BusinessCalendar.Truncate(new DateTimeOffset(local, BusinessCalendar.Zone.GetUtcOffset(local)).ToUniversalTime());
    }

    /// <summary>
    /// What a household may still reserve: its spendable points (<see cref="LedgerPosting.Spendable"/>) less the value of
    /// its open reservations at their reserved prices. Reservations spend nothing, but promise points the checkout will take.
    /// </summary>
    public async Task<HouseholdShopPurse> PurseAsync(Village village, Guid householdId, CancellationToken ct = default)
    {
        var balance = await db.HouseholdBalances.AsNoTracking()
            .SingleOrDefaultAsync(b => b.VillageId == village.Id && b.HouseholdId == householdId, ct);
        var spendable = balance is null ? 0 : LedgerPosting.Spendable(balance, village.Settings.AllowSpendBeforeEffective);
        var held = await db.ReservationLines.AsNoTracking()
            .Where(l => l.VillageId == village.Id && db.Reservations.Any(r => r.VillageId == village.Id && r.Id == l.ReservationId
                && r.HouseholdId == householdId && r.State == ReservationState.Reserved))
            .SumAsync(l => (long?)l.Quantity * l.UnitPoints, ct) ?? 0;
        return new HouseholdShopPurse(balance?.Total ?? 0, spendable, held);
    }

    private static List<(string ItemCode, int Quantity)> CheckLines(IReadOnlyList<ReservationLineRequest>? lines)
    {
        if (lines is not { Count: > 0 })
            throw new DomainException("reservation.lines-required", "Say what to reserve: at least one item and its quantity.");
        if (lines.Count > MaxLines)
            throw new DomainException("reservation.too-many-lines", $"A reservation has at most {MaxLines} items.");
        var checkedLines = new List<(string ItemCode, int Quantity)>(lines.Count);
        foreach (var line in lines)
        {
            var code = line?.ItemCode?.Trim();
            if (string.IsNullOrEmpty(code) || code.Length > ShopItem.MaxCodeLength)
                throw new DomainException("item.code-required", "Every line names an item by its code.");
            if (line!.Quantity is < 1 or > MaxQuantity)
                throw new DomainException("reservation.quantity-invalid", $"A quantity is a whole number from 1 to {MaxQuantity}.");
            if (checkedLines.Any(l => l.ItemCode == code))
                throw new DomainException("reservation.duplicate-item", $"{code} is named twice; give it once with the whole quantity.");
            checkedLines.Add((code, line.Quantity));
        }
        return checkedLines;
    }

    /// <summary>The household the actor reserves for: one of their own as a villager of this village, never anyone else's.</summary>
    private async Task<Household> OwnHouseholdAsync(ReserveForPickup c, CancellationToken ct)
    {
        var own = await db.RoleAssignments.AsNoTracking()
            .Where(r => r.UserId == c.ActorId && r.VillageId == c.VillageId && r.Role == Role.Villager && r.HouseholdId != null)
            .Select(r => r.HouseholdId!.Value).Distinct().ToListAsync(ct);
        if (own.Count == 0)
            throw new DomainException("reservation.not-villager", "Only a villager of this village, linked to a household, reserves for pickup.",
                DomainErrorKind.Forbidden);
        var households = await db.Households.AsNoTracking().Where(h => h.VillageId == c.VillageId && own.Contains(h.Id)).ToListAsync(ct);
        if (c.HouseholdNumber is { } number)
        {
            // Another household answers as if it did not exist: a villager learns nothing of their neighbours here.
            return households.SingleOrDefault(h => h.Number == number)
                ?? throw new DomainException("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);
        }
        return households.Count == 1
            ? households[0]
            : throw new DomainException("reservation.household-required", "Say which of your households the reservation is for (householdNo).");
    }

    private async Task<bool> IsOwnHouseholdAsync(Guid villageId, Guid actorId, Guid householdId, CancellationToken ct) =>
        await db.RoleAssignments.AnyAsync(r => r.UserId == actorId && r.VillageId == villageId && r.Role == Role.Villager
            && r.HouseholdId == householdId, ct);

    /// <summary>
    /// An item's per-household limit counts what the household took in the limit's period (checkouts not cancelled) and what
    /// its open reservations hold, so reserving cannot get round it.
    /// </summary>
    private async Task CheckLimitsAsync(Guid villageId, Guid householdId, List<(string ItemCode, int Quantity)> lines,
        Dictionary<string, ShopItem> items, List<Reservation> open, DateOnly today, CancellationToken ct)
    {
        foreach (var (code, quantity) in lines)
        {
            var item = items[code];
            if (item.LimitPerHousehold is not { } limit)
                continue;
            var from = item.LimitPeriod == LimitPeriod.Year ? new DateOnly(today.Year, 1, 1) : new DateOnly(today.Year, today.Month, 1);
            var taken = await db.CheckoutLines.AsNoTracking()
                .Where(l => l.VillageId == villageId && l.ItemId == item.Id && db.Checkouts.Any(k => k.VillageId == villageId
                    && k.Id == l.CheckoutId && k.HouseholdId == householdId && k.State == CheckoutState.Completed && k.OccurredOn >= from))
                .SumAsync(l => (int?)l.Quantity, ct) ?? 0;
            var held = open.SelectMany(r => r.Lines).Where(l => l.ItemId == item.Id).Sum(l => l.Quantity);
            if (taken + held + quantity > limit)
                throw new DomainException("item.limit-reached",
                    $"A household may take at most {limit} of {item.Code} per {item.LimitPeriod.ToString().ToLowerInvariant()}; "
                    + $"{taken} taken and {held} reserved already.", DomainErrorKind.Conflict);
        }
    }

    private async Task CheckAffordableAsync(Village village, Guid householdId, List<(string ItemCode, int Quantity)> lines,
        Dictionary<string, ShopItem> items, List<Reservation> open, CancellationToken ct)
    {
        var balance = await db.HouseholdBalances.AsNoTracking()
            .SingleOrDefaultAsync(b => b.VillageId == village.Id && b.HouseholdId == householdId, ct);
        var spendable = balance is null ? 0 : LedgerPosting.Spendable(balance, village.Settings.AllowSpendBeforeEffective);
        var promised = open.SelectMany(r => r.Lines).Sum(l => (long)l.Quantity * l.UnitPoints);
        var wanted = lines.Sum(l => (long)l.Quantity * items[l.ItemCode].PricePoints);
        if (spendable - promised < wanted)
            throw new DomainException("balance.insufficient",
                $"The household can spend {Math.Max(0, spendable - promised)} more points ({promised} are promised to open reservations); this needs {wanted}.",
                DomainErrorKind.Conflict);
    }

    private async Task<Reservation?> ReplayedAsync(Guid villageId, string? key, string operation, string hash, CancellationToken ct)
    {
        var id = await Idempotency.ReplayAsync<Guid?>(db, villageId, key, operation, hash, ct);
        return id is null
            ? null
            : await db.Reservations.AsNoTracking().Include(r => r.Lines).SingleAsync(r => r.VillageId == villageId && r.Id == id, ct);
    }

    public static DomainException NotFound() =>
        new("reservation.not-found", "No such reservation in this village, or it is not yours to see.", DomainErrorKind.NotFound);

    private static DomainException NotOpen(ReservationState state) =>
        new("reservation.not-open", $"This reservation is {state.ToString().ToLowerInvariant()} already; only one waiting for pickup can be cancelled.",
            DomainErrorKind.Conflict);
}

/// <summary>A household's points as the shop sees them: its balance, what it may spend, and what open reservations promise.</summary>
public sealed record HouseholdShopPurse(long Balance, long Spendable, long Held)
{
    /// <summary>What it may still reserve or spend without breaking a promise.</summary>
    public long Available => Math.Max(0, Spendable - Held);
}
