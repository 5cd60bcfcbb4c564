using System.Diagnostics;

namespace VillagePoints.Web.Tests.Infrastructure;

/// <summary>
/// Runs the OpenAPI linter pinned in <c>tools/openapi-lint</c> (package.json and its lock file) with the
/// configuration kept there. scripts/test.sh installs it with <c>npm ci</c>; a test run on its own installs it the same way.
/// </summary>
public static class OpenApiLinter
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static async Task<(int ExitCode, string Report, string Errors)> LintAsync(string documentPath)
    {
        var tool = ToolFolder();
        var cli = Path.Combine(tool, "node_modules", "@redocly", "cli", "bin", "cli.js");
        await InstallGate.WaitAsync();
        try
        {
            if (!File.Exists(cli))
            {
                var (code, output, errors) = await RunAsync(tool, "npm", "ci", "--no-audit", "--no-fund");
                Assert.True(code == 0, $"npm ci in {tool} failed:\n{output}\n{errors}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
        return await RunAsync(tool, "node", cli, "lint", documentPath, "--config", Path.Combine(tool, "redocly.yaml"), "--format=json");
    }

    private static string ToolFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var tool = Path.Combine(dir.FullName, "tools", "openapi-lint");
            if (File.Exists(Path.Combine(tool, "package-lock.json")))
                return tool;
        }
        throw new InvalidOperationException("tools/openapi-lint was not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int, string, string)> RunAsync(string workingDirectory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" },
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
