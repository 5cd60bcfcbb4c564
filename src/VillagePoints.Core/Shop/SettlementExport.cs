using System.Globalization;
using System.Text;
using MiniExcelLibs;
using VillagePoints.Core.Data;

namespace VillagePoints.Core.Shop;

/// <summary>
/// Settlements as files for the merchant's and the village's bookkeeping: CSV (UTF-8 with a byte-order mark, so
/// Excel on a Chinese Windows reads the Chinese headers right) and .xlsx. Money is written in yuan with two
/// decimals, as accounts are kept; the figures are the settlement's own, in fen, divided by 100.
/// </summary>
public static class SettlementExport
{
    public const string CsvContentType = "text/csv; charset=utf-8";
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public const string LinesSheet = "核销明细";
    public const string SummarySheet = "结算汇总";

    public static readonly string[] LineHeaders = ["序号", "券码", "服务项目", "户号", "核销时间", "结算价（元）"];
    public static readonly string[] SummaryHeaders = ["商户", "结算月份", "单价（元）", "张数", "金额（元）"];
    public static readonly string[] VillageHeaders = ["商户编码", "商户", "结算月份", "单价（元）", "张数", "金额（元）"];
    public const string TotalLabel = "合计";

    public static string FileName(MerchantSettlement s, string extension) => $"settlement-{s.MerchantCode}-{s.MonthText}.{extension}";

    public static string FileName(VillageSettlement s, string extension) => $"settlement-all-{s.MonthText}.{extension}";

    /// <summary>The honoured vouchers, then an empty row, then the summary by price with its total.</summary>
    public static byte[] Csv(MerchantSettlement s)
    {
        var csv = new StringBuilder();
        Row(csv, LineHeaders);
        foreach (var (line, i) in s.Lines.Select((l, i) => (l, i)))
            Row(csv, [Number(i + 1), VoucherCodes.Display(line.Code), line.ItemNameZh, Number(line.HouseholdNo), Time(line.HonouredAt), Yuan(line.PriceFen)]);
        csv.Append("\r\n");
        Row(csv, SummaryHeaders);
        foreach (var g in s.Groups)
            Row(csv, [s.MerchantName, s.MonthText, Yuan(g.PriceFen), Number(g.Count), Yuan(g.TotalFen)]);
        Row(csv, [TotalLabel, s.MonthText, "", Number(s.Count), Yuan(s.TotalFen)]);
        return WithBom(csv);
    }

    /// <summary>Every merchant of the village with its prices, counts and amounts for the month, and the village's total.</summary>
    public static byte[] Csv(VillageSettlement s)
    {
        var csv = new StringBuilder();
        Row(csv, VillageHeaders);
        foreach (var m in s.Merchants)
        {
            if (m.Groups.Count == 0)
                Row(csv, [m.MerchantCode, m.MerchantName, s.MonthText, "", "0", Yuan(0)]);
            foreach (var g in m.Groups)
                Row(csv, [m.MerchantCode, m.MerchantName, s.MonthText, Yuan(g.PriceFen), Number(g.Count), Yuan(g.TotalFen)]);
        }
        Row(csv, [TotalLabel, "", s.MonthText, "", Number(s.Count), Yuan(s.TotalFen)]);
        return WithBom(csv);
    }

    /// <summary>Two sheets: the honoured vouchers, and the summary by price with its total.</summary>
    public static byte[] Xlsx(MerchantSettlement s)
    {
        var lines = s.Lines.Select((l, i) => Cells(LineHeaders, i + 1, VoucherCodes.Display(l.Code), l.ItemNameZh, l.HouseholdNo, Time(l.HonouredAt),
            YuanValue(l.PriceFen))).ToList();
        var summary = s.Groups.Select(g => Cells(SummaryHeaders, s.MerchantName, s.MonthText, YuanValue(g.PriceFen), g.Count, YuanValue(g.TotalFen)))
            .Append(Cells(SummaryHeaders, TotalLabel, s.MonthText, null, s.Count, YuanValue(s.TotalFen))).ToList();
        return Workbook(new Dictionary<string, object>
        {
            [SummarySheet] = summary,
            [LinesSheet] = lines.Count > 0 ? lines : [Cells(LineHeaders, null, null, null, null, null, null)],
        });
    }

    public static byte[] Xlsx(VillageSettlement s)
    {
        var rows = new List<Dictionary<string, object?>>();
        foreach (var m in s.Merchants)
        {
            if (m.Groups.Count == 0)
                rows.Add(Cells(VillageHeaders, m.MerchantCode, m.MerchantName, s.MonthText, null, 0, YuanValue(0)));
            rows.AddRange(m.Groups.Select(g => Cells(VillageHeaders, m.MerchantCode, m.MerchantName, s.MonthText, YuanValue(g.PriceFen), g.Count,
                YuanValue(g.TotalFen))));
        }
        rows.Add(Cells(VillageHeaders, TotalLabel, null, s.MonthText, null, s.Count, YuanValue(s.TotalFen)));
        return Workbook(new Dictionary<string, object> { [SummarySheet] = rows });
    }

    public static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static decimal YuanValue(long fen) => decimal.Round(fen / 100m, 2);

    private static string Time(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, BusinessCalendar.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> Cells(string[] headers, params object?[] values) =>
        headers.Zip(values).ToDictionary(p => p.First, p => p.Second);

    private static byte[] Workbook(Dictionary<string, object> sheets)
    {
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, sheets, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static byte[] WithBom(StringBuilder csv)
    {
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        return [.. encoding.GetPreamble(), .. encoding.GetBytes(csv.ToString())];
    }

    private static void Row(StringBuilder csv, IReadOnlyList<string> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
                csv.Append(',');
            csv.Append(Cell(cells[i]));
        }
        csv.Append("\r\n");
    }

    /// <summary>
    /// One CSV field: quoted when it holds a separator or a quote; a name that a spreadsheet would take for a formula
    /// (=, +, -, @ first) gets a leading apostrophe, so an exported file cannot run anything when opened.
    /// </summary>
    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
