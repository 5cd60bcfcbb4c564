using System.Globalization;
using System.Text;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;
using VillagePoints.Core.Notices;
using VillagePoints.Core.Shop;

namespace VillagePoints.Core.Demo;

/// <summary>Who works the demo shop: the clerk at the till, and the partner merchants' logins by merchant code.</summary>
internal sealed record DemoShopPeople(Guid Clerk, IReadOnlyDictionary<string, Guid> MerchantAccounts, int Seed);

/// <summary>The shop's history as the demo writes it, besides its ledger entries (which go into the ledger plan).</summary>
internal sealed record DemoShopHistory(List<Merchant> Merchants, List<ShopItem> Items, List<StockMovement> Movements, List<Checkout> Checkouts,
    List<CheckoutLine> Lines, List<Voucher> Vouchers);

/// <summary>
/// The points supermarket's history: from its opening, on each shop day, households come and spend points on one to three
/// items, as a checkout does it: one Redemption entry per line (source <c>checkout:{n}</c>), the stock taken by a chained
/// movement, a voucher per unit of a service voucher. A household only ever spends what it could spend then: points that
/// had taken effect by that day (its month's notice closed), less every deduction, and never so much that a later
/// deduction or upheld objection would take its balance below zero. The shop restocks by purchase receipts when an item
/// runs down, and takes donations before the festivals. A few checkouts are cancelled on the spot.
/// </summary>
internal sealed partial class DemoLedgerPlan
{
    // Points a household keeps back at the till.
    private const int ShopReserve = 10;

    // Items a shop day sells once the shop has become a habit (about a year in); the first months sell about half.
    private const double ItemsPerShopDay = 9;

    private sealed class ItemState(DemoItemSpec spec, ShopItem item)
    {
        public DemoItemSpec Spec { get; } = spec;
        public ShopItem Item { get; } = item;
    }

    /// <summary>One household's points over time, without the shop: its entries in recording order, and what it must keep.</summary>
    private sealed class Wallet
    {
        public readonly List<(DateTimeOffset At, int Amount, DateOnly OccurredOn)> Entries = [];

        // For each position, the lowest balance from there on (entries only): what a later penalty will still take.
        public int[] FutureMin = [];
        public int Applied;
        public long Total;
        public long Redeemed;
        public readonly Queue<(DateOnly OccurredOn, int Amount)> RecentAwards = new();
        public double Propensity;
        public readonly Dictionary<(string Item, int Period), int> Taken = [];
    }

    private DemoShopHistory PlanShop(Guid villageId, IReadOnlyList<Guid> households, List<PostEntry> ledger,
        DemoShopPeople staff, Func<DateOnly, EntryState> stateOf, List<PostEntry> redemptions)
    {
        var random = new Random(staff.Seed);
        var ids = new DemoIds(staff.Seed);
        var founded = Utc(DemoShop.Opening.AddDays(-3), TimeSpan.FromHours(9));
        var merchants = DemoShop.Merchants.Select(m => new Merchant
        {
            VillageId = villageId, Id = ids.New(founded), Code = m.Code, Name = m.Name,
            AccountId = staff.MerchantAccounts.TryGetValue(m.Code, out var account) ? account : null, CreatedAt = founded,
        }).ToList();
        var items = DemoShop.Items.Select(spec =>
        {
            var created = spec.Since is { } since ? Utc(since.AddDays(-3), TimeSpan.FromHours(9)) : founded;
            var item = new ShopItem
            {
                VillageId = villageId, Id = ids.New(created), Code = spec.Code, Category = spec.Category, NameZh = spec.NameZh, NameEn = spec.NameEn,
                Unit = spec.Unit, PricePoints = spec.Price, LimitPerHousehold = spec.Limit, LimitPeriod = spec.Period,
                LowStockThreshold = spec.Threshold, MerchantId = spec.Merchant is { } m ? merchants.Single(x => x.Code == m).Id : null,
                VoucherValidDays = spec.ValidDays, SettlementPriceFen = spec.Merchant is null ? null : spec.CostFen,
                Active = spec.Season is null || spec.Season.Contains(today.Month), CreatedAt = created, UpdatedAt = created,
            };
            return new ItemState(spec, item);
        }).ToList();
        var byCode = items.ToDictionary(i => i.Spec.Code);
        var history = new DemoShopHistory(merchants, items.Select(i => i.Item).ToList(), [], [], [], []);

        var wallets = households.Select(_ => new Wallet()).ToArray();
        var index = households.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i);
        foreach (var e in ledger.OrderBy(e => e.RecordedAt))
            wallets[index[e.HouseholdId]].Entries.Add((e.RecordedAt!.Value, e.Amount, e.OccurredOn!.Value));
        foreach (var w in wallets)
        {
            w.FutureMin = new int[w.Entries.Count + 1];
            var balance = w.Entries.Sum(e => e.Amount);
            var min = balance;
            w.FutureMin[w.Entries.Count] = balance;
            for (var k = w.Entries.Count - 1; k >= 0; k--)
            {
                balance -= w.Entries[k].Amount;
                min = Math.Min(min, balance);
                w.FutureMin[k] = min;
            }
            // Most households shop now and then; a few save everything, a few are at the shop every week.
            var roll = random.NextDouble();
            w.Propensity = roll < 0.12 ? 0.05 : roll < 0.85 ? 0.5 + random.NextDouble() : 1.6 + random.NextDouble();
        }

        // What a household may spend at an instant: effective points (its month's notice has closed, which by the month after
        // next it always has), every deduction whenever recorded, and nothing a later penalty will need.
        long Spendable(Wallet w, DateTimeOffset at)
        {
            while (w.Applied < w.Entries.Count && w.Entries[w.Applied].At <= at)
            {
                var (_, amount, occurredOn) = w.Entries[w.Applied++];
                w.Total += amount;
                if (amount > 0)
                    w.RecentAwards.Enqueue((occurredOn, amount));
            }
            var day = BusinessCalendar.DateOf(at);
            var settled = new DateOnly(day.Year, day.Month, 1).AddMonths(-1);
            while (w.RecentAwards.Count > 0 && w.RecentAwards.Peek().OccurredOn < settled)
                w.RecentAwards.Dequeue();
            var pending = w.RecentAwards.Sum(r => (long)r.Amount);
            var effective = w.Total - w.Redeemed - pending;
            var laterFloor = w.FutureMin[w.Applied] - w.Redeemed;
            return Math.Min(effective, laterFloor) - ShopReserve;
        }

        var lowFrom = today.AddDays(-90);
        var checkoutIds = new DemoIds(staff.Seed + 1);
        var entryIds = new DemoIds(staff.Seed + 2);
        var movementIds = new DemoIds(staff.Seed + 3);
        var voucherIds = new DemoIds(staff.Seed + 4);

        void Move(ItemState s, StockMovementKind kind, int quantity, DateTimeOffset at, long? costFen = null, string? counterparty = null,
            string? reason = null, Guid? checkoutId = null)
        {
            var item = s.Item;
            var movement = new StockMovement
            {
                VillageId = villageId, Id = movementIds.New(at), ItemId = item.Id, Sequence = item.MovementCount + 1, Kind = kind, Quantity = quantity,
                StockAfter = item.Stock + quantity, CostFen = costFen, Counterparty = counterparty, Reason = reason, CheckoutId = checkoutId,
                OccurredOn = BusinessCalendar.DateOf(at), RecordedAt = BusinessCalendar.Truncate(at), RecordedBy = staff.Clerk,
                PreviousHash = item.LastMovementHash, Hash = "",
            };
            if (movement.StockAfter < 0)
                throw new InvalidOperationException($"The demo would oversell {item.Code}.");
            movement.Hash = StockHash.Compute(movement);
            item.Stock = movement.StockAfter;
            item.MovementCount = movement.Sequence;
            item.LastMovementHash = movement.Hash;
            item.UpdatedAt = movement.RecordedAt;
            history.Movements.Add(movement);
        }

        bool OnShelf(ItemState s, DateOnly day) =>
            day >= (s.Spec.Since ?? DemoShop.Opening) && (s.Spec.Season is null || s.Spec.Season.Contains(day.Month));

        void Restock(ItemState s, DateTimeOffset at, bool opening)
        {
            var voucher = s.Spec.Merchant is not null;
            var reorder = opening || s.Item.Stock <= 2 * s.Spec.Threshold;
            if (!reorder || (s.Spec.RunsLow && BusinessCalendar.DateOf(at) >= lowFrom))
                return;
            // Seasonal goods come in once, for the season.
            if (s.Spec.Season is not null && !opening)
                return;
            var quantity = s.Spec.Batch + (voucher ? 0 : random.Next(s.Spec.Batch / 4 + 1));
            Move(s, StockMovementKind.Purchase, quantity, at,
                costFen: voucher ? null : quantity * s.Spec.CostFen,
                counterparty: DemoShop.SupplierOf(s.Spec),
                reason: voucher ? "合作商户提供的兑换名额，按核销张数月结" : "采购入库");
        }

        var shopDays = new HashSet<DateOnly>();
        for (var d = DemoShop.Opening; d <= today; d = d.AddDays(1))
        {
            if (DemoShop.Days.Contains(d.DayOfWeek))
                shopDays.Add(d);
        }
        var donations = DemoShop.Donations.Where(x => x.Day <= today).ToList();
        var nextCheckout = 1L;
        var seasonStarted = new HashSet<(string Item, int Year)>();

        for (var day = DemoShop.Opening.AddDays(-3); day <= today; day = day.AddDays(1))
        {
            foreach (var gift in donations.Where(x => x.Day == day))
            {
                var s = byCode[gift.Item];
                var at = Utc(day, TimeSpan.FromHours(8.2));
                if (at > now)
                    continue;
                Move(s, StockMovementKind.Donation, gift.Quantity, at, costFen: gift.Declared ? gift.Quantity * s.Spec.CostFen : null,
                    counterparty: gift.Donor, reason: gift.Declared ? "捐赠入库，价值按捐赠方申报" : "捐赠入库，捐赠方未申报价值");
            }
            if (!shopDays.Contains(day))
                continue;
            var opensAt = Utc(day, DemoShop.OpensAt.ToTimeSpan());
            if (opensAt - TimeSpan.FromMinutes(30) > now)
                break;
            foreach (var s in items.Where(s => OnShelf(s, day)))
            {
                var first = s.Spec.Season is not null ? seasonStarted.Add((s.Spec.Code, day.Year)) : s.Item.MovementCount == 0;
                Restock(s, opensAt - TimeSpan.FromMinutes(30), first);
            }

            // Slow in the first months, busy before the Spring Festival and in the summer holidays.
            var monthsOpen = (day.Year - DemoShop.Opening.Year) * 12 + day.Month - DemoShop.Opening.Month;
            var ramp = 0.5 + 0.5 * Math.Min(1.0, monthsOpen / 12.0);
            var season = day.Month switch { 1 or 2 => 1.3, 7 or 8 => 1.1, 12 => 1.15, _ => 1.0 };
            var target = (int)Math.Round(ItemsPerShopDay * ramp * season * (0.75 + 0.5 * random.NextDouble()));
            var minutes = (int)(DemoShop.ClosesAt - DemoShop.OpensAt).TotalMinutes;
            var times = Enumerable.Range(0, Math.Max(1, target)).Select(_ => opensAt + TimeSpan.FromSeconds(random.Next(minutes * 60)))
                .Where(t => t <= now).Order().ToList();
            var sold = 0;
            for (var c = 0; c < times.Count && sold < target; c++)
            {
                var at = times[c];
                var month = day.Year * 12 + day.Month;
                // Whoever comes: households that like the shop come more often, and only with points to spend.
                Wallet? wallet = null;
                var household = -1;
                long budget = 0;
                for (var tries = 0; tries < 12 && wallet is null; tries++)
                {
                    var h = random.Next(wallets.Length);
                    if (random.NextDouble() * 2.6 > wallets[h].Propensity)
                        continue;
                    var spendable = Spendable(wallets[h], at);
                    if (spendable >= 3)
                        (wallet, household, budget) = (wallets[h], h, spendable);
                }
                if (wallet is null)
                    continue;

                var lines = random.Next(100) switch { < 45 => 1, < 80 => 2, _ => 3 };
                var basket = new List<(ItemState Item, int Quantity)>();
                for (var l = 0; l < lines; l++)
                {
                    var choices = items.Where(s => OnShelf(s, day) && basket.All(b => b.Item != s) && s.Spec.Price <= budget
                                                   && s.Item.Stock - (s.Spec.RunsLow && day >= lowFrom ? 2 : 0) >= 1
                                                   && Room(wallet, s, day) >= 1).ToList();
                    if (choices.Count == 0)
                        break;
                    // What runs low at the end is what sold fastest over the last weeks.
                    int Weight(ItemState s) => s.Spec.RunsLow && day >= lowFrom ? 4 * s.Spec.Weight : s.Spec.Weight;
                    var pick = random.Next(choices.Sum(Weight));
                    var chosen = choices.First(s => (pick -= Weight(s)) < 0);
                    var quantity = chosen.Spec.Price <= 12 && random.Next(100) < 35 ? 2 : 1;
                    quantity = Math.Min(quantity, Math.Min(Room(wallet, chosen, day), chosen.Item.Stock - (chosen.Spec.RunsLow && day >= lowFrom ? 2 : 0)));
                    if (quantity * chosen.Spec.Price > budget)
                        quantity = 1;
                    basket.Add((chosen, quantity));
                    budget -= quantity * chosen.Spec.Price;
                }
                if (basket.Count == 0)
                    continue;

                var number = nextCheckout++;
                var checkout = new Checkout
                {
                    VillageId = villageId, Id = checkoutIds.New(at), Number = number, HouseholdId = households[household], State = CheckoutState.Completed,
                    OccurredOn = day, RecordedAt = BusinessCalendar.Truncate(at), ClerkId = staff.Clerk,
                };
                var source = string.Create(CultureInfo.InvariantCulture, $"checkout:{number}");
                var lineEntries = new List<PostEntry>();
                foreach (var (s, quantity) in basket)
                {
                    var points = quantity * s.Spec.Price;
                    var entry = new PostEntry(villageId, households[household], -points, EntryKind.Redemption,
                        string.Create(CultureInfo.InvariantCulture, $"兑换 {s.Spec.NameZh} ×{quantity}"), SourceKinds.Checkout, source,
                        // Spent points are gone at once, as the counter writes them: a publicised redemption could be
                        // offset by publicised awards in the spendable figure.
                        SubmittedBy: staff.Clerk, ApprovedBy: staff.Clerk, OccurredOn: day, State: EntryState.Effective, RecordedAt: checkout.RecordedAt,
                        Id: entryIds.New(at));
                    lineEntries.Add(entry);
                    var line = new CheckoutLine
                    {
                        VillageId = villageId, CheckoutId = checkout.Id, LineNo = checkout.Lines.Count + 1, ItemId = s.Item.Id, ItemCode = s.Spec.Code,
                        ItemName = s.Spec.NameZh, Unit = s.Spec.Unit, Quantity = quantity, UnitPoints = s.Spec.Price, Points = points, EntryId = entry.Id!.Value,
                    };
                    checkout.Lines.Add(line);
                    checkout.PointsSpent += points;
                    wallet.Redeemed += points;
                    var key = (s.Spec.Code, Period(s.Spec, day));
                    wallet.Taken[key] = wallet.Taken.GetValueOrDefault(key) + quantity;
                    Move(s, StockMovementKind.Checkout, -quantity, at, checkoutId: checkout.Id);
                }
                checkout.BalanceAfter = wallet.Total - wallet.Redeemed;
                redemptions.AddRange(lineEntries);
                history.Checkouts.Add(checkout);
                history.Lines.AddRange(checkout.Lines);

                // About one in a hundred is undone at the till a few minutes later: points and stock go back, linked to the checkout.
                var cancel = random.Next(100) == 0;
                var cancelledAt = at + TimeSpan.FromSeconds(60 + random.Next(240));
                if (cancel && (c + 1 >= times.Count || cancelledAt < times[c + 1]) && cancelledAt <= now)
                {
                    checkout.State = CheckoutState.Cancelled;
                    checkout.CancelledAt = BusinessCalendar.Truncate(cancelledAt);
                    checkout.CancelledBy = staff.Clerk;
                    checkout.CancelReason = DemoShop.CancelReasons[random.Next(DemoShop.CancelReasons.Length)];
                    foreach (var (line, entry) in checkout.Lines.Zip(lineEntries))
                    {
                        var reversal = new PostEntry(villageId, entry.HouseholdId, -entry.Amount, EntryKind.Reversal,
                            string.Create(CultureInfo.InvariantCulture, $"撤销兑换 #{number}：{checkout.CancelReason}"), SourceKinds.Checkout, source,
                            SubmittedBy: staff.Clerk, ApprovedBy: staff.Clerk, OccurredOn: day, State: entry.State, RecordedAt: checkout.CancelledAt,
                            Id: entryIds.New(cancelledAt), Reverses: entry.Id);
                        redemptions.Add(reversal);
                        line.ReversalEntryId = reversal.Id;
                        wallet.Redeemed -= line.Points;
                        var key = (line.ItemCode, Period(byCode[line.ItemCode].Spec, day));
                        wallet.Taken[key] -= line.Quantity;
                        Move(byCode[line.ItemCode], StockMovementKind.Return, line.Quantity, cancelledAt, reason: "撤销兑换，退回入库", checkoutId: checkout.Id);
                    }
                    checkout.BalanceAfter = wallet.Total - wallet.Redeemed + checkout.PointsSpent;
                    continue;
                }
                sold += checkout.Lines.Sum(l => l.Quantity);
                foreach (var line in checkout.Lines.Where(l => byCode[l.ItemCode].Spec.Merchant is not null))
                    IssueVouchers(history, byCode[line.ItemCode], checkout, line, voucherIds, random, staff);
            }
        }
        return history;
    }

    private static int Period(DemoItemSpec spec, DateOnly day) => spec.Period == LimitPeriod.Year ? day.Year : day.Year * 100 + day.Month;

    /// <summary>How many more the household may take of the item in the day's limit period.</summary>
    private static int Room(Wallet wallet, ItemState s, DateOnly day) =>
        s.Spec.Limit is { } limit ? limit - wallet.Taken.GetValueOrDefault((s.Spec.Code, Period(s.Spec, day))) : int.MaxValue;

    /// <summary>
    /// One voucher per unit, valid for the item's days. Most are honoured at the merchant within a few weeks (settled in the
    /// month of the honour); some are never used and expire; the newest are still open.
    /// </summary>
    private void IssueVouchers(DemoShopHistory history, ItemState s, Checkout checkout, CheckoutLine line, DemoIds ids, Random random,
        DemoShopPeople staff)
    {
        var merchant = history.Merchants.Single(m => m.Code == s.Spec.Merchant);
        for (var u = 0; u < line.Quantity; u++)
        {
            var voucher = new Voucher
            {
                VillageId = checkout.VillageId, Id = ids.New(checkout.RecordedAt), Code = VoucherCode(random), CheckoutId = checkout.Id, LineNo = line.LineNo,
                ItemId = s.Item.Id, MerchantId = merchant.Id, HouseholdId = checkout.HouseholdId, State = VoucherState.Issued,
                ValidUntil = checkout.OccurredOn.AddDays(s.Spec.ValidDays ?? 90), SettlementPriceFen = s.Spec.CostFen, IssuedAt = checkout.RecordedAt,
            };
            var used = random.Next(100) < 85;
            var honouredOn = checkout.OccurredOn.AddDays(1 + random.Next(45));
            var honouredAt = Utc(honouredOn, TimeSpan.FromHours(9 + random.Next(10)) + TimeSpan.FromSeconds(random.Next(3600)));
            if (used && honouredAt <= now && honouredOn <= voucher.ValidUntil && merchant.AccountId is { } account)
            {
                voucher.State = VoucherState.Honoured;
                voucher.HonouredAt = BusinessCalendar.Truncate(honouredAt);
                voucher.HonouredBy = account;
                voucher.SettlementMonth = NoticeMonth.Of(honouredOn);
            }
            history.Vouchers.Add(voucher);
        }
    }

    /// <summary>A voucher code in the shop's alphabet, drawn from the demo's seeded generator so that a seed gives the same codes.</summary>
    private static string VoucherCode(Random random)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var text = new StringBuilder(VoucherCodes.Length);
        for (var i = 0; i < VoucherCodes.Length; i++)
            text.Append(alphabet[random.Next(alphabet.Length)]);
        return text.ToString();
    }
}
