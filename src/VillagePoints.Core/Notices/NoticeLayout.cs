using System.Globalization;
using SkiaSharp;

namespace VillagePoints.Core.Notices;

/// <summary>
/// Lays a notice out on A4 pages as a list of drawing operations, before anything is drawn: the footer's
/// "page x of y" needs the page count, and tests can paint a page onto a bitmap to read its QR code.
/// </summary>
internal sealed class NoticeLayout
{
    public const float PageWidth = 595.28f;
    public const float PageHeight = 841.89f;
    private const float Left = 36f;
    private const float Right = PageWidth - 36f;
    private const float Top = 40f;
    private const float Bottom = PageHeight - 52f;
    private const float FooterBaseline = PageHeight - 26f;

    private const float TitleSize = 24f;
    private const float MetaSize = 12f;
    private const float SectionSize = 16f;
    private const float HouseholdSize = 13f;
    private const float LineSize = 11.5f;
    private const float FooterSize = 9f;
    private const float QrSize = 104f;

    private static readonly SKColor Ink = new(0x11, 0x11, 0x11);
    private static readonly SKColor Muted = new(0x55, 0x55, 0x55);
    private static readonly SKColor Down = new(0xA3, 0x00, 0x1E);
    private static readonly SKColor Rule = new(0xBB, 0xBB, 0xBB);
    private static readonly SKColor Band = new(0xEE, 0xEE, 0xEE);

    internal abstract record Op;
    internal sealed record TextOp(string Text, float X, float Baseline, float Size, SKColor Color) : Op;
    internal sealed record RectOp(SKRect Rect, SKColor Color, bool Stroke) : Op;
    internal sealed record QrOp(bool[,] Modules, float X, float Y, float Size) : Op;

    private enum Align { Start, End }

    /// <summary>One table cell: its text is wrapped within the width and drawn as one piece per line.</summary>
    private sealed record Cell(string? Text, float X, float Width, Align Align = Align.Start, SKColor? Color = null);

    private readonly NoticeFonts fonts;
    private readonly NoticeWords words;
    private readonly List<List<Op>> pages = [];
    private List<Op> page = [];
    private float y;
    private Action? pageHeader;

    private NoticeLayout(NoticeFonts fonts, NoticeWords words)
    {
        this.fonts = fonts;
        this.words = words;
        pages.Add(page);
        y = Top;
    }

    public static List<List<Op>> Pages(NoticeDocument doc, NoticeFonts fonts, NoticeWords words, string? verificationUrl)
    {
        var layout = new NoticeLayout(fonts, words);
        layout.Heading(doc);
        layout.SummaryFigures(doc.Summary);
        layout.Verification(doc.ChainHead, verificationUrl);
        layout.HouseholdTable(doc.Households);
        layout.LateEntries(doc.Late);
        if (doc.Boards is not null)
            layout.RedAndBlack(doc.Boards);
        layout.ObjectionList(doc.Objections);
        // A draft says so on every page, so a preview sheet is never taken for the published notice.
        var footer = words.Title(doc.VillageName, doc.Month);
        layout.Footers(doc.State == NoticeDocument.Draft ? $"{footer} · {words.State(doc.State)}" : footer);
        return layout.pages;
    }

    public static void Paint(SKCanvas canvas, List<Op> ops, NoticeFonts fonts)
    {
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        foreach (var op in ops)
        {
            switch (op)
            {
                case TextOp text:
                    paint.Color = text.Color;
                    paint.Style = SKPaintStyle.Fill;
                    fonts.Draw(canvas, text.Text, text.X, text.Baseline, text.Size, paint);
                    break;
                case RectOp rect:
                    paint.Color = rect.Color;
                    paint.Style = rect.Stroke ? SKPaintStyle.Stroke : SKPaintStyle.Fill;
                    paint.StrokeWidth = 0.75f;
                    canvas.DrawRect(rect.Rect, paint);
                    break;
                case QrOp qr:
                    DrawQr(canvas, qr.Modules, qr.X, qr.Y, qr.Size);
                    break;
            }
        }
    }

    /// <summary>
    /// Draws the QR modules as filled squares on white, each row's dark runs merged into one rectangle, which keeps
    /// the page small and prints crisp at any scale. The module matrix already carries the quiet zone.
    /// </summary>
    internal static void DrawQr(SKCanvas canvas, bool[,] modules, float x, float y, float size)
    {
        var count = modules.GetLength(0);
        var module = size / count;
        using var paint = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Fill, IsAntialias = false };
        canvas.DrawRect(SKRect.Create(x, y, size, size), paint);
        paint.Color = SKColors.Black;
        for (var row = 0; row < count; row++)
        {
            var column = 0;
            while (column < count)
            {
                if (!modules[row, column])
                {
                    column++;
                    continue;
                }
                var start = column;
                while (column < count && modules[row, column])
                    column++;
                canvas.DrawRect(SKRect.Create(x + start * module, y + row * module, (column - start) * module, module), paint);
            }
        }
    }

    private static float LineHeight(float size) => size * 1.4f;

    private void NewPage()
    {
        page = [];
        pages.Add(page);
        y = Top;
        pageHeader?.Invoke();
    }

    private void EnsureRoom(float height)
    {
        if (y + height > Bottom && y > Top)
            NewPage();
    }

    private void Text(string text, float x, float baseline, float size, SKColor? color = null) =>
        page.Add(new TextOp(text, x, baseline, size, color ?? Ink));

    /// <summary>Breaks text into lines that fit the width; Chinese has no spaces, so a break may fall between any two characters.</summary>
    private List<string> Wrap(string text, float size, float width)
    {
        if (fonts.Measure(text, size) <= width)
            return [text];
        var lines = new List<string>();
        var elements = StringInfo.ParseCombiningCharacters(text);
        var start = 0;
        var used = 0f;
        for (var i = 0; i < elements.Length; i++)
        {
            var from = elements[i];
            var to = i + 1 < elements.Length ? elements[i + 1] : text.Length;
            var advance = fonts.Measure(text[from..to], size);
            if (used + advance > width && from > start)
            {
                lines.Add(text[start..from]);
                start = from;
                used = 0f;
            }
            used += advance;
        }
        if (start < text.Length || lines.Count == 0)
            lines.Add(text[start..]);
        return lines;
    }

    /// <summary>How tall a row of cells stands once each is wrapped.</summary>
    private float RowHeight(float size, params Cell[] cells) => RowHeight(size, Wrapped(size, cells));

    private static float RowHeight(float size, List<string>[] wrapped) => wrapped.Max(w => Math.Max(1, w.Count)) * LineHeight(size);

    private List<string>[] Wrapped(float size, Cell[] cells) =>
        [.. cells.Select(c => string.IsNullOrEmpty(c.Text) ? [] : Wrap(c.Text, size, c.Width))];

    /// <summary>A row of cells; each cell's lines are drawn one after another so its text stays together in the text layer.</summary>
    private void Row(float size, params Cell[] cells)
    {
        var wrapped = Wrapped(size, cells);
        var height = RowHeight(size, wrapped);
        EnsureRoom(height);
        var lineHeight = LineHeight(size);
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = cells[i];
            var baseline = y + size;
            foreach (var line in wrapped[i])
            {
                var x = cell.Align == Align.End ? cell.X + cell.Width - fonts.Measure(line, size) : cell.X;
                Text(line, x, baseline, size, cell.Color);
                baseline += lineHeight;
            }
        }
        y += height;
    }

    /// <summary>Free text, line by line, so even a very long reason or decision continues on the next page.</summary>
    private void Paragraph(string text, float size, SKColor? color = null, float indent = 0f)
    {
        foreach (var line in Wrap(text, size, Right - Left - indent))
            Row(size, new Cell(line, Left + indent, Right - Left - indent, Align.Start, color));
    }

    private void Gap(float height) => y += height;

    private void Divider(SKColor color)
    {
        page.Add(new RectOp(new SKRect(Left, y, Right, y + 0.75f), color, Stroke: false));
        y += 0.75f;
    }

    private void Section(string title, float keepWithNext)
    {
        pageHeader = null;
        Gap(14f);
        EnsureRoom(LineHeight(SectionSize) + keepWithNext);
        Row(SectionSize, new Cell(title, Left, Right - Left));
        Divider(Ink);
        Gap(4f);
    }

    private void Heading(NoticeDocument doc)
    {
        Row(TitleSize, new Cell(words.Title(doc.VillageName, doc.Month), Left, Right - Left));
        Gap(4f);

        var state = words.State(doc.State);
        var stateWidth = fonts.Measure(state, MetaSize) + 12f;
        var window = doc.PublishedAt is { } opened && doc.WindowClosesAt is { } closes
            ? words.Format("Window", words.Date(opened), words.Date(closes))
            : words.Format("WindowPending", doc.PublicityWindowDays);
        page.Add(new RectOp(new SKRect(Left, y + 1f, Left + stateWidth, y + LineHeight(MetaSize) + 1f), Ink, Stroke: true));
        Row(MetaSize,
            new Cell(state, Left + 6f, stateWidth),
            new Cell(window, Left + stateWidth + 10f, Right - Left - stateWidth - 10f));
        Paragraph(words.Format("Generated", words.Date(doc.GeneratedAt)), MetaSize, Muted);
        if (doc.NamesMasked)
            Paragraph(words["NamesMasked"], MetaSize, Muted);
    }

    private void SummaryFigures(NoticeSummary summary)
    {
        Section(words["Summary"], 48f);
        (string Label, long Value)[] figures =
        [
            (words["Issued"], summary.PointsIssued),
            (words["Deducted"], summary.PointsDeducted),
            (words["Redeemed"], summary.PointsRedeemed),
            (words["Participating"], summary.ParticipatingHouseholds),
            (words["PersonTimes"], summary.VolunteerPersonTimes),
        ];
        var width = (Right - Left) / figures.Length;
        Row(MetaSize, [.. figures.Select((f, i) => new Cell(f.Label, Left + i * width, width - 6f, Align.Start, Muted))]);
        Row(22f, [.. figures.Select((f, i) => new Cell(words.Number(f.Value), Left + i * width, width - 6f))]);
    }

    private void Verification(NoticeChainHead head, string? verificationUrl)
    {
        Gap(12f);
        var textLeft = verificationUrl is null ? Left : Left + QrSize + 12f;
        var textWidth = Right - textLeft;
        EnsureRoom(QrSize);
        var top = y;
        if (verificationUrl is not null)
            page.Add(new QrOp(NoticeQr.Modules(verificationUrl), Left, top, QrSize));
        Row(MetaSize, new Cell(words["ChainHead"], textLeft, textWidth, Align.Start, Muted));
        Row(HouseholdSize, new Cell(head.Printed, textLeft, textWidth));
        if (verificationUrl is not null)
        {
            Gap(4f);
            Row(MetaSize, new Cell(words["Verify"], textLeft, textWidth, Align.Start, Muted));
            Row(FooterSize, new Cell(verificationUrl, textLeft, textWidth, Align.Start, Muted));
        }
        y = Math.Max(y, top + (verificationUrl is null ? 0f : QrSize));
    }

    // Household table columns, as x and width.
    private static readonly (float X, float W) ColNumber = (Left, 40f);
    private static readonly (float X, float W) ColName = (Left + 44f, 118f);
    private static readonly (float X, float W) ColGroup = (Left + 166f, 100f);
    private static readonly (float X, float W) ColMonth = (Left + 268f, 64f);
    private static readonly (float X, float W) ColCumulative = (Left + 334f, 70f);
    private static readonly (float X, float W) ColVillageRank = (Left + 406f, 56f);
    private static readonly (float X, float W) ColGroupRank = (Left + 464f, Right - Left - 464f);

    // Entry line columns, indented under their household; the points stand under the month column.
    private static readonly (float X, float W) LineDate = (Left + 20f, 56f);
    private static readonly (float X, float W) LineText = (Left + 78f, 186f);
    private static readonly (float X, float W) LineAmount = ColMonth;
    private static readonly (float X, float W) LineChannel = (Left + 342f, 80f);
    private static readonly (float X, float W) LineMark = (Left + 426f, Right - Left - 426f);

    private void TableHeader()
    {
        var top = y;
        page.Add(new RectOp(new SKRect(Left, top, Right, top + LineHeight(MetaSize)), Band, Stroke: false));
        Row(MetaSize,
            new Cell(words["Col.Number"], ColNumber.X, ColNumber.W),
            new Cell(words["Col.Name"], ColName.X, ColName.W),
            new Cell(words["Col.Group"], ColGroup.X, ColGroup.W),
            new Cell(words["Col.Month"], ColMonth.X, ColMonth.W, Align.End),
            new Cell(words["Col.Cumulative"], ColCumulative.X, ColCumulative.W, Align.End),
            new Cell(words["Col.VillageRank"], ColVillageRank.X, ColVillageRank.W, Align.End),
            new Cell(words["Col.GroupRank"], ColGroupRank.X, ColGroupRank.W, Align.End));
        Gap(2f);
    }

    private void HouseholdTable(IReadOnlyList<NoticeHousehold> households)
    {
        Section(words["Households"], LineHeight(MetaSize) * 2 + LineHeight(HouseholdSize));
        TableHeader();
        pageHeader = TableHeader;
        foreach (var household in households)
        {
            // A household row never ends a page alone: its first entry line comes with it.
            var first = household.Entries.Count > 0 ? EntryHeight(household.Entries[0]) : 0f;
            EnsureRoom(LineHeight(HouseholdSize) + first + 3f);
            Gap(3f);
            Row(HouseholdSize,
                new Cell(HouseholdNo(household.Number), ColNumber.X, ColNumber.W),
                new Cell(household.Name, ColName.X, ColName.W),
                new Cell(household.GroupName, ColGroup.X, ColGroup.W),
                new Cell(words.Signed(household.MonthTotal), ColMonth.X, ColMonth.W, Align.End, household.MonthTotal < 0 ? Down : null),
                new Cell(words.Number(household.Cumulative), ColCumulative.X, ColCumulative.W, Align.End),
                new Cell(household.VillageRank.ToString(CultureInfo.InvariantCulture), ColVillageRank.X, ColVillageRank.W, Align.End),
                new Cell(household.GroupRank.ToString(CultureInfo.InvariantCulture), ColGroupRank.X, ColGroupRank.W, Align.End));
            foreach (var line in household.Entries)
                Row(LineSize, EntryCells(line));
            Divider(Rule);
        }
        pageHeader = null;
    }

    private float EntryHeight(NoticeLine line) => RowHeight(LineSize, EntryCells(line));

    private Cell[] EntryCells(NoticeLine line) =>
    [
        new(words.ShortDate(line.OccurredOn), LineDate.X, LineDate.W),
        new(EntryText(line), LineText.X, LineText.W),
        new(words.Signed(line.Amount), LineAmount.X, LineAmount.W, Align.End, line.Amount < 0 ? Down : null),
        new(words.Channel(line.Channel), LineChannel.X, LineChannel.W, Align.Start, Muted),
        new(words.Mark(line.Objection), LineMark.X, LineMark.W, Align.Start, line.Objection == "open" ? Down : Muted),
    ];

    /// <summary>The rule's name when the entry follows a rule, else its reason; a reversal names the entry it undoes.</summary>
    private string EntryText(NoticeLine line)
    {
        var text = string.IsNullOrWhiteSpace(line.RuleName) ? line.Reason : line.RuleName;
        return line.Reverses is { } reversed ? $"{text}（{words.Format("Reversal", reversed)}）" : text;
    }

    private static string HouseholdNo(int number) => number.ToString("D4", CultureInfo.InvariantCulture);

    private void LateEntries(IReadOnlyList<NoticeLine> late)
    {
        if (late.Count == 0)
            return;
        Section(words["Late"], LineHeight(MetaSize) + LineHeight(LineSize));
        Paragraph(words["LateIntro"], MetaSize, Muted);
        Gap(4f);
        foreach (var line in late)
        {
            Row(LineSize,
                new Cell($"{HouseholdNo(line.HouseholdNumber)} {line.HouseholdName}", Left, 140f),
                new Cell(words.Date(line.OccurredOn), Left + 144f, 90f),
                new Cell(EntryText(line), Left + 238f, 150f),
                new Cell(words.Channel(line.Channel), Left + 392f, 60f, Align.Start, Muted),
                new Cell(words.Signed(line.Amount), Left + 454f, 40f, Align.End, line.Amount < 0 ? Down : null),
                new Cell(words.Mark(line.Objection), Left + 498f, Right - Left - 498f, Align.Start, Muted));
        }
    }

    private void RedAndBlack(NoticeBoards boards)
    {
        BoardList(words["Red"], boards.Red, deducted: false);
        BoardList(words["Black"], boards.Black, deducted: true);
    }

    /// <summary>The black list's points are deductions, printed as such whichever sign the row carries.</summary>
    private void BoardList(string title, IReadOnlyList<NoticeBoardRow> rows, bool deducted)
    {
        Section(title, LineHeight(HouseholdSize));
        if (rows.Count == 0)
            Paragraph(words["None"], HouseholdSize, Muted);
        for (var i = 0; i < rows.Count; i++)
        {
            Row(HouseholdSize,
                new Cell((i + 1).ToString(CultureInfo.InvariantCulture), Left, 30f, Align.End),
                new Cell(HouseholdNo(rows[i].HouseholdNumber), Left + 44f, 44f),
                new Cell(rows[i].Name, Left + 96f, 200f),
                new Cell(words.Signed(deducted ? -Math.Abs(rows[i].Points) : Math.Abs(rows[i].Points)), Left + 300f, 80f, Align.End,
                    deducted ? Down : null));
        }
    }

    private void ObjectionList(IReadOnlyList<NoticeObjection> objections)
    {
        Section(words["Objections"], LineHeight(HouseholdSize) * 2);
        if (objections.Count == 0)
            Paragraph(words["None"], HouseholdSize, Muted);
        foreach (var objection in objections)
        {
            EnsureRoom(LineHeight(HouseholdSize) + LineHeight(LineSize));
            Gap(3f);
            Row(HouseholdSize,
                new Cell(words.Format("ObjectionLine", objection.Number, objection.EntryNumber), Left, 190f),
                new Cell($"{HouseholdNo(objection.HouseholdNumber)} {objection.HouseholdName}", Left + 194f, 150f),
                new Cell(words.Signed(objection.EntryAmount), Left + 348f, 56f, Align.End, objection.EntryAmount < 0 ? Down : null),
                new Cell(words.ObjectionState(objection.State), Left + 414f, Right - Left - 414f, Align.Start,
                    objection.State == "open" ? Down : null));
            Paragraph(words.Format("ObjectionReason", objection.Reason), LineSize, null, 20f);
            if (!string.IsNullOrEmpty(objection.Decision))
                Paragraph(words.Format("Decision", objection.Decision), LineSize, Muted, 20f);
            var links = new List<string>();
            if (objection.ReversalEntry is { } reversal)
                links.Add(words.Format("ReversalEntry", reversal));
            if (objection.CorrectionEntry is { } correction)
                links.Add(words.Format("CorrectionEntry", correction));
            if (links.Count > 0)
                Paragraph(string.Join("  ", links), LineSize, Muted, 20f);
            Divider(Rule);
        }
    }

    private void Footers(string title)
    {
        for (var i = 0; i < pages.Count; i++)
        {
            var number = words.Format("Page", i + 1, pages.Count);
            pages[i].Add(new RectOp(new SKRect(Left, FooterBaseline - 14f, Right, FooterBaseline - 13.5f), Rule, Stroke: false));
            pages[i].Add(new TextOp(title, Left, FooterBaseline, FooterSize, Muted));
            pages[i].Add(new TextOp(number, Right - fonts.Measure(number, FooterSize), FooterBaseline, FooterSize, Muted));
        }
    }
}
