using QRCoder;

namespace VillagePoints.Core.Notices;

/// <summary>The QR code printed on a notice: the module matrix QRCoder makes for the verification link.</summary>
public static class NoticeQr
{
    /// <summary>
    /// Dark modules as true, quiet zone included. Level M, as on the door cards: it survives a scuffed or
    /// rain-marked sheet on the board and stays coarse enough for old phone cameras.
    /// </summary>
    public static bool[,] Modules(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var rows = data.ModuleMatrix;
        var modules = new bool[rows.Count, rows.Count];
        for (var row = 0; row < rows.Count; row++)
        {
            for (var column = 0; column < rows.Count; column++)
                modules[row, column] = rows[row][column];
        }
        return modules;
    }
}
