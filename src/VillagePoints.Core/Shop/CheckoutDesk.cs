using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Shop;

/// <summary>One line of a cart as the clerk built it.</summary>
public sealed record CartLine(string? ItemCode, int Quantity);

/// <summary>
/// A checkout at the counter. With <paramref name="ReservationNumber"/> it fulfils that reservation, and the cart is the
/// reservation's lines: <paramref name="Lines"/> must then be empty.
/// </summary>
public sealed record CheckoutCommand(
    Guid VillageId,
    int HouseholdNo,
    IReadOnlyList<CartLine> Lines,
    Guid ClerkId,
    long? ReservationNumber = null,
    string? IdempotencyKey = null);

public sealed record CancelCheckout(Guid VillageId, long Number, Guid ActorId, string? Reason, string? IdempotencyKey = null);

/// <summary>
/// The point of sale (兑换结算). One transaction writes the Redemption entries, the stock movements, the receipt and any
/// vouchers, or nothing. The balance check is the ledger's own, made under the village's chain-head lock as the entries
/// are appended, and the stock check is the stock writer's, on items read under the same lock: N checkouts at once, on
/// any number of app nodes, can neither overdraw a household nor oversell an item (and the database's range check on
/// stock stands behind both).
/// </summary>
public sealed class CheckoutDesk(VillagePointsDb db, LedgerPosting posting, TimeProvider time)
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 999;
    public const int MaxReasonLength = 200;
    public const string CheckoutOperation = "shop.checkout";
    public const string CancelOperation = "shop.checkout.cancel";

    /// <summary>Constraints checkouts race for: the receipt number, an item's movement chain, a voucher code.</summary>
    private static readonly string[] Races =
        [ConstraintNames.CheckoutNumber, ConstraintNames.StockMovementSequence, ConstraintNames.VoucherCode];

    public async Task<Checkout> CheckoutAsync(CheckoutCommand c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var cart = c.ReservationNumber is null ? Cart(c.Lines) : NoCartWithReservation(c.Lines);
        var hash = Idempotency.Fingerprint(CheckoutOperation)
            .Add(c.VillageId).Add(c.HouseholdNo).Add(c.ClerkId).Add(c.ReservationNumber)
            .AddList(cart, (f, l) => f.Add(l.Code).Add(l.Quantity)).Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, CheckoutOperation, hash, token) is { } earlier)
                return earlier;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            // Every checkout of the village waits here; balances and stock read after this cannot move under us.
            await posting.LockAsync(c.VillageId, token);
            // A double tap that waited behind its twin gets the twin's receipt.
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, CheckoutOperation, hash, token) is { } twin)
                return twin;

            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var today = BusinessCalendar.DateOf(now);
            var village = await db.Villages.AsNoTracking().SingleOrDefaultAsync(v => v.Id == c.VillageId, token)
                ?? throw new DomainException("village.not-found", "No such village.", DomainErrorKind.NotFound);
            var household = await db.Households.AsNoTracking()
                .SingleOrDefaultAsync(h => h.VillageId == c.VillageId && h.Number == c.HouseholdNo, token)
                ?? throw new DomainException("household.not-found", "The household does not exist in this village.", DomainErrorKind.NotFound);

            var checkout = new Checkout
            {
                VillageId = c.VillageId,
                Id = Ids.New(now),
                HouseholdId = household.Id,
                State = CheckoutState.Completed,
                OutsideShopHours = !ShopHours.IsOpen(village.Settings, now),
                OccurredOn = today,
                RecordedAt = now,
                ClerkId = c.ClerkId,
            };

            Dictionary<Guid, int>? held = null;
            if (c.ReservationNumber is { } reservationNumber)
                (checkout.ReservationId, cart, held) = await FulfilAsync(c.VillageId, reservationNumber, household.Id, checkout.Id, now, token);

            var codes = cart.Select(l => l.Code).ToList();
            var items = await db.ShopItems.Where(i => i.VillageId == c.VillageId && codes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, token);
            foreach (var line in cart)
            {
                var item = items.GetValueOrDefault(line.Code)
                    ?? throw new DomainException("item.not-found", $"There is no item {line.Code} in this shop.", DomainErrorKind.NotFound);
                // A reservation's goods are already set aside: a later change of the catalogue does not take them back.
                if (!item.Active && held is null)
                    throw new DomainException("item.inactive", $"{item.Code} is not offered any more.", DomainErrorKind.Conflict);
                if (item.PricePoints <= 0 || (long)item.PricePoints * line.Quantity > LedgerPosting.MaxAmount)
                    throw new DomainException("checkout.line-too-large",
                        $"One line may spend at most {LedgerPosting.MaxAmount} points; split {item.Code} over several checkouts.");
                if (item.IsVoucher && item.MerchantId is null)
                    throw new DomainException("item.merchant-missing", $"{item.Code} is a voucher without a merchant to honour it.", DomainErrorKind.Conflict);
            }
            await CheckLimitsAsync(c.VillageId, household.Id, cart, items, today, token);

            checkout.Number = (await db.Checkouts.Where(x => x.VillageId == c.VillageId).MaxAsync(x => (long?)x.Number, token) ?? 0) + 1;
            var source = SourceRef(checkout.Number);
            var entries = await posting.AppendAsync(c.VillageId,
                cart.Select(l => new PostEntry(c.VillageId, household.Id, -(items[l.Code].PricePoints * l.Quantity), EntryKind.Redemption,
                    RedemptionReason(items[l.Code].NameZh, l.Quantity), SourceKinds.Checkout, source, SubmittedBy: c.ClerkId,
                    OccurredOn: today,
                    // Spending is not a deed to be publicised: it counts at once, so publicised awards can never pay for it
                    // where the village does not let them.
                    State: EntryState.Effective)).ToList(), token);

            for (var i = 0; i < cart.Count; i++)
            {
                var (code, quantity) = cart[i];
                var item = items[code];
                if (held is not null && held.TryGetValue(item.Id, out var hold))
                    item.Reserved -= hold;
                StockKeeping.Append(db, item, new StockChange(StockMovementKind.Checkout, -quantity, c.ClerkId, today, CheckoutId: checkout.Id), now);
                checkout.Lines.Add(new CheckoutLine
                {
                    VillageId = c.VillageId,
                    CheckoutId = checkout.Id,
                    LineNo = i + 1,
                    ItemId = item.Id,
                    ItemCode = item.Code,
                    ItemName = item.NameZh,
                    Unit = item.Unit,
                    Quantity = quantity,
                    UnitPoints = item.PricePoints,
                    Points = item.PricePoints * quantity,
                    EntryId = entries[i].Id,
                });
                if (item.IsVoucher)
                    IssueVouchers(checkout, i + 1, item, quantity, today, now);
            }
            checkout.PointsSpent = checkout.Lines.Sum(l => l.Points);
            checkout.BalanceAfter = db.HouseholdBalances.Local.Single(b => b.VillageId == c.VillageId && b.HouseholdId == household.Id).Total;
            db.Checkouts.Add(checkout);
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CheckoutOperation, hash, checkout.Id, now);
            await SaveAsync(token);
            await tx.CommitAsync(token);
            return checkout;
        }, Races, ct);
    }

    /// <summary>
    /// Undoes a checkout on its own day: each line's entry is reversed (source <c>checkout:{n}</c>), its goods go back on the
    /// shelf with a Return movement, and its vouchers are cancelled. Refused once any voucher was honoured: the service was given.
    /// </summary>
    public async Task<Checkout> CancelAsync(CancelCheckout c, CancellationToken ct = default)
    {
        Idempotency.ValidateKey(c.IdempotencyKey);
        var reason = CheckReason(c.Reason);
        var hash = Idempotency.Fingerprint(CancelOperation).Add(c.VillageId).Add(c.Number).Add(c.ActorId).Add(reason).Hash();

        return await WriteRetry.RunAsync(db, async token =>
        {
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, CancelOperation, hash, token) is { } earlier)
                return earlier;

            await using var tx = await db.Database.BeginTransactionAsync(token);
            await posting.LockAsync(c.VillageId, token);
            if (await ReplayedAsync(c.VillageId, c.IdempotencyKey, CancelOperation, hash, token) is { } twin)
                return twin;

            var checkout = await db.Checkouts.Include(x => x.Lines)
                .SingleOrDefaultAsync(x => x.VillageId == c.VillageId && x.Number == c.Number, token) ?? throw NotFound();
            if (checkout.State == CheckoutState.Cancelled)
                throw new DomainException("checkout.already-cancelled", "This checkout was already cancelled.", DomainErrorKind.Conflict);
            var now = BusinessCalendar.Truncate(time.GetUtcNow());
            var today = BusinessCalendar.DateOf(now);
            if (checkout.OccurredOn != today)
                throw new DomainException("checkout.cancel-too-late",
                    "A checkout can be cancelled only on its own day; later, record a correction instead.", DomainErrorKind.Conflict);
            var vouchers = await db.Vouchers.Where(v => v.VillageId == c.VillageId && v.CheckoutId == checkout.Id).ToListAsync(token);
            if (vouchers.Any(v => v.State == VoucherState.Honoured))
                throw new DomainException("checkout.voucher-honoured",
                    "A voucher of this checkout was already honoured by its merchant, so the checkout cannot be cancelled.", DomainErrorKind.Conflict);

            var entryIds = checkout.Lines.Select(l => l.EntryId).ToList();
            var entryNumbers = await db.LedgerEntries.AsNoTracking().Where(e => e.VillageId == c.VillageId && entryIds.Contains(e.Id))
                .ToDictionaryAsync(e => e.Id, e => e.Number, token);
            var itemIds = checkout.Lines.Select(l => l.ItemId).Distinct().ToList();
            var items = await db.ShopItems.Where(i => i.VillageId == c.VillageId && itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, token);
            var source = SourceRef(checkout.Number);
            var entryReason = CancelReason(checkout.Number, reason);
            foreach (var line in checkout.Lines.OrderBy(l => l.LineNo))
            {
                var reversal = await posting.AppendReversalAsync(new ReverseEntry(c.VillageId, entryNumbers[line.EntryId], entryReason, c.ActorId),
                    SourceKinds.Checkout, source, token);
                line.ReversalEntryId = reversal.Id;
                StockKeeping.Append(db, items[line.ItemId], new StockChange(StockMovementKind.Return, line.Quantity, c.ActorId, today,
                    CheckoutId: checkout.Id), now);
            }
            foreach (var voucher in vouchers)
                voucher.State = VoucherState.Cancelled;
            checkout.State = CheckoutState.Cancelled;
            checkout.CancelledAt = now;
            checkout.CancelledBy = c.ActorId;
            checkout.CancelReason = reason;
            Idempotency.Remember(db, c.VillageId, c.IdempotencyKey, CancelOperation, hash, checkout.Id, now, statusCode: 200);
            await SaveAsync(token);
            await tx.CommitAsync(token);
            return checkout;
        }, Races, ct);
    }

    public static string SourceRef(long number) => string.Create(CultureInfo.InvariantCulture, $"checkout:{number}");

    /// <summary>What the household's ledger line says: "兑换 大米5kg ×2".</summary>
    public static string RedemptionReason(string itemName, int quantity) =>
        Fit(string.Create(CultureInfo.InvariantCulture, $"兑换 {itemName} ×{quantity}"));

    private static string CancelReason(long number, string reason) =>
        Fit(string.Create(CultureInfo.InvariantCulture, $"撤销兑换 #{number}：{reason}"));

    private static string Fit(string text) =>
        text.Length <= LedgerPosting.MaxReasonLength ? text : text[..(LedgerPosting.MaxReasonLength - 1)] + "…";

    /// <summary>
    /// The cart checked and normalised: 1 to <see cref="MaxLines"/> lines, each quantity 1 to <see cref="MaxQuantity"/>;
    /// the same item on two lines is one line (a clerk who tapped + on a second row meant more of it).
    /// </summary>
    public static List<(string Code, int Quantity)> Cart(IReadOnlyList<CartLine>? lines)
    {
        if (lines is null || lines.Count == 0)
            throw new DomainException("checkout.empty", "The cart is empty.");
        if (lines.Count > MaxLines)
            throw new DomainException("checkout.too-many-lines", $"A checkout has at most {MaxLines} lines.");
        var cart = new List<(string Code, int Quantity)>();
        foreach (var line in lines)
        {
            var code = line.ItemCode?.Trim();
            if (string.IsNullOrEmpty(code) || code.Length > ShopItem.MaxCodeLength || !StoredText.IsAllowed(code))
                throw new DomainException("item.not-found", "An item of the cart has no valid code.", DomainErrorKind.NotFound);
            if (line.Quantity is < 1 or > MaxQuantity)
                throw QuantityInvalid();
            var at = cart.FindIndex(l => string.Equals(l.Code, code, StringComparison.Ordinal));
            if (at < 0)
                cart.Add((code, line.Quantity));
            else if (cart[at].Quantity + line.Quantity > MaxQuantity)
                throw QuantityInvalid();
            else
                cart[at] = (code, cart[at].Quantity + line.Quantity);
        }
        return cart;
    }

    private static List<(string Code, int Quantity)> NoCartWithReservation(IReadOnlyList<CartLine>? lines) =>
        lines is null or { Count: 0 }
            ? []
            : throw new DomainException("checkout.reservation-with-lines",
                "A reservation is fulfilled with its own lines; send no cart lines with it.");

    private static DomainException QuantityInvalid() =>
        new("checkout.quantity-invalid", $"Each quantity is a whole number from 1 to {MaxQuantity}.");

    public static DomainException NotFound() =>
        new("checkout.not-found", "No such checkout in this village.", DomainErrorKind.NotFound);

    /// <summary>
    /// Closes the reservation as fulfilled and returns its lines as the cart, with the quantities held for each item.
    /// The state change is conditional in the database, so an expiry that released the stock meanwhile is seen here.
    /// </summary>
    private async Task<(Guid Id, List<(string Code, int Quantity)> Cart, Dictionary<Guid, int> Held)> FulfilAsync(Guid villageId, long number,
        Guid householdId, Guid checkoutId, DateTimeOffset now, CancellationToken ct)
    {
        var reservation = await db.Reservations.AsNoTracking().Include(r => r.Lines)
            .SingleOrDefaultAsync(r => r.VillageId == villageId && r.Number == number, ct)
            ?? throw new DomainException("reservation.not-found", "No such reservation in this village.", DomainErrorKind.NotFound);
        if (reservation.HouseholdId != householdId)
            throw new DomainException("reservation.other-household", "This reservation belongs to another household.", DomainErrorKind.Conflict);
        var changed = reservation.State == ReservationState.Reserved
            ? await db.Reservations
                .Where(r => r.VillageId == villageId && r.Id == reservation.Id && r.State == ReservationState.Reserved)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ReservationState.Fulfilled).SetProperty(r => r.ClosedAt, now)
                    .SetProperty(r => r.CheckoutId, checkoutId), ct)
            : 0;
        if (changed != 1)
            throw new DomainException("reservation.not-open", "This reservation is no longer waiting for pickup.", DomainErrorKind.Conflict);
        var itemIds = reservation.Lines.Select(l => l.ItemId).Distinct().ToList();
        var codes = await db.ShopItems.AsNoTracking().Where(i => i.VillageId == villageId && itemIds.Contains(i.Id))
            .ToDictionaryAsync(i => i.Id, i => i.Code, ct);
        var held = reservation.Lines.GroupBy(l => l.ItemId).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        var cart = reservation.Lines.OrderBy(l => l.LineNo).GroupBy(l => l.ItemId)
            .Select(g => (codes[g.Key], g.Sum(l => l.Quantity))).ToList();
        if (cart.Count == 0)
            throw new DomainException("checkout.empty", "The cart is empty.");
        return (reservation.Id, cart, held);
    }

    /// <summary>
    /// Each item's per-household limit over its period (this month or this year, village time), counting the household's
    /// completed checkouts; cancelled ones gave the goods back. Read under the chain-head lock, so two counters cannot both
    /// hand out the last allowed unit.
    /// </summary>
    private async Task CheckLimitsAsync(Guid villageId, Guid householdId, List<(string Code, int Quantity)> cart,
        Dictionary<string, ShopItem> items, DateOnly today, CancellationToken ct)
    {
        foreach (var (code, quantity) in cart)
        {
            var item = items[code];
            if (item.LimitPerHousehold is not { } limit)
                continue;
            var from = item.LimitPeriod == LimitPeriod.Year ? new DateOnly(today.Year, 1, 1) : new DateOnly(today.Year, today.Month, 1);
            var taken = await db.CheckoutLines.AsNoTracking()
                .Where(l => l.VillageId == villageId && l.ItemId == item.Id)
                .Join(db.Checkouts.Where(x => x.VillageId == villageId && x.HouseholdId == householdId && x.State == CheckoutState.Completed
                        && x.OccurredOn >= from),
                    l => l.CheckoutId, x => x.Id, (l, _) => l.Quantity)
                .SumAsync(q => (int?)q, ct) ?? 0;
            if (taken + quantity > limit)
                throw new DomainException("item.limit-reached",
                    $"A household may take {limit} of {item.Code} per {item.LimitPeriod.ToString().ToLowerInvariant()}; this one has taken {taken}.",
                    DomainErrorKind.Conflict);
        }
    }

    private void IssueVouchers(Checkout checkout, int lineNo, ShopItem item, int quantity, DateOnly today, DateTimeOffset now)
    {
        for (var n = 0; n < quantity; n++)
        {
            db.Vouchers.Add(new Voucher
            {
                VillageId = checkout.VillageId,
                Id = Ids.New(now),
                Code = VoucherCodes.New(),
                CheckoutId = checkout.Id,
                LineNo = lineNo,
                ItemId = item.Id,
                MerchantId = item.MerchantId!.Value,
                HouseholdId = checkout.HouseholdId,
                State = VoucherState.Issued,
                ValidUntil = today.AddDays(item.VoucherValidDays ?? DefaultVoucherValidDays),
                SettlementPriceFen = item.SettlementPriceFen ?? 0,
                IssuedAt = now,
            });
        }
    }

    /// <summary>How long a voucher stays valid when its item does not say.</summary>
    public const int DefaultVoucherValidDays = 90;

    private async Task<Checkout?> ReplayedAsync(Guid villageId, string? key, string operation, string hash, CancellationToken ct)
    {
        var id = await Idempotency.ReplayAsync<Guid?>(db, villageId, key, operation, hash, ct);
        return id is null
            ? null
            : await db.Checkouts.AsNoTracking().Include(x => x.Lines).SingleAsync(x => x.VillageId == villageId && x.Id == id, ct);
    }

    private static string CheckReason(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new DomainException("checkout.cancel-reason-required", "A cancellation needs a reason.");
        var trimmed = text.Trim();
        if (trimmed.Length > MaxReasonLength)
            throw new DomainException("checkout.cancel-reason-too-long", $"The reason may be at most {MaxReasonLength} characters.");
        StoredText.Check(trimmed, "The reason");
        return trimmed;
    }

    /// <summary>
    /// Saves, turning the database's stock range check into the answer a clerk understands: only a writer that moved holds
    /// without the shop's lock (a reservation at that very moment) can leave it to the database to refuse.
    /// </summary>
    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (BrokeStockRange(ex))
        {
            throw new DomainException("stock.insufficient", "Not enough of an item is on the shelf for this checkout.", DomainErrorKind.Conflict);
        }
    }

    private static bool BrokeStockRange(Exception ex) => ex switch
    {
        DbUpdateException { InnerException: { } inner } => BrokeStockRange(inner),
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.CheckViolation && pg.ConstraintName == ConstraintNames.ItemStockInRange,
        Microsoft.Data.Sqlite.SqliteException sq => sq.SqliteErrorCode == 19 && sq.Message.Contains(ConstraintNames.ItemStockInRange, StringComparison.Ordinal),
        _ => false,
    };
}
