using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using VillagePoints.Core.Demo;
using VillagePoints.Web.Hosting;

namespace VillagePoints.Web.Tests.Hosting;

/// <summary>The built app started the way an operator starts it: its own process, Production, configured by environment.</summary>
public sealed class ProductionStartTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AProductionStartOnAnEmptyDatabase_ListensWhereAspNetCoreUrlsSays_SeedsNoAccount_AndSaysHowToCreateTheAdministrator()
    {
        var folder = Directory.CreateTempSubdirectory("villagepoints-production-");
        var databasePath = Path.Combine(folder.FullName, "villagepoints.db");
        var port = FreePort();
        var output = new ConcurrentQueue<string>();
        var hintShown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = StartInfo(port, databasePath), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            output.Enqueue(e.Data);
            if (e.Data == DatabaseStartup.FirstAdministratorHint)
                hintShown.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.Exited += (_, _) => hintShown.TrySetException(new InvalidOperationException("The app exited early."));
        try
        {
            Assert.True(process.Start());
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await hintShown.Task.WaitAsync(StartTimeout);

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var health = await client.GetAsync("/healthz");
            var ready = await client.GetAsync("/readyz");

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new Xunit.Sdk.XunitException($"The app did not start as expected: {ex.Message}\n{string.Join('\n', output)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        var printed = string.Join('\n', output);
        Assert.DoesNotContain(DemoVillage.DemoPassword, printed, StringComparison.Ordinal);
        Assert.Contains("create-admin --phone", printed, StringComparison.Ordinal);
        await using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            Assert.Equal(0L, await CountAsync(connection, "UserAccounts"));
            Assert.Equal(0L, await CountAsync(connection, "Villages"));
        }
        folder.Delete(recursive: true);
    }

    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Production", null, false)]
    [InlineData("Staging", null, false)]
    [InlineData("Production", "true", true)]
    [InlineData("Development", "false", false)]
    public void TheDemoIsSeeded_OnlyInDevelopment_UnlessTheOperatorSaysOtherwise(string environment, string? setting, bool seeds)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [DatabaseStartup.SeedSetting] = setting })
            .Build();

        Assert.Equal(seeds, DatabaseStartup.SeedsDemo(configuration, new Environment(environment)));
    }

    /// <summary>The web project's own build output, as an operator would run it.</summary>
    private static ProcessStartInfo StartInfo(int port, string databasePath)
    {
        // The test runs from tests/<project>/bin/<configuration>/<framework>/; the app sits in the same place under src.
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        var root = configuration.Parent!.Parent!.Parent!.Parent!.FullName;
        var appFolder = Path.Combine(root, "src", "VillagePoints.Web", "bin", configuration.Name, framework.Name);
        Assert.True(File.Exists(Path.Combine(appFolder, "VillagePoints.Web.dll")), $"The web app is not built in {appFolder}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(appFolder, "VillagePoints.Web.dll"));
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase) || k.Contains("__", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__Sqlite"] = $"Data Source={databasePath}";
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "VillagePoints.Web";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
