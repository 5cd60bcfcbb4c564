using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Tests.Infrastructure;

namespace VillagePoints.Web.Tests.Hosting;

public sealed class LoggingTests
{
    [Fact]
    public async Task Logs_NeverCarryPhoneNumbersPasswordsOrTokens()
    {
        var captured = new CapturingLoggerProvider();
        await using var app = await TestApp.StartAsync(DatabaseProvider.Sqlite);
        await using var factory = app.Factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(captured).SetMinimumLevel(LogLevel.Trace)));
        var v = await VillageBuilder.ArrangeAsync(app.Database, 1);
        var user = await app.CreateUserAsync("何委员", TestApp.In(v, Role.CommitteeChair));
        var client = factory.CreateClient();

        var failed = await client.PostAsJsonAsync("/api/v1/auth/token", new { phone = user.Phone, password = "Wrong-Secret-1" });
        var login = await client.PostAsJsonAsync("/api/v1/auth/token", new { phone = user.Phone, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = (await login.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["accessToken"].ToString()!;
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var registered = await client.PostAsJsonAsync($"/api/v1/villages/{v.VillageCode}/households", new { groupNumber = 1, headName = "罗大妈", phone = "13512345678", members = Array.Empty<object>() });
        var found = await client.GetAsync($"/api/v1/villages/{v.VillageCode}/households?q=13512345678");

        // The requests must have done their work (a refused request logs little), or the check below proves nothing.
        Assert.True(registered.IsSuccessStatusCode, $"registration answered {(int)registered.StatusCode}: {await registered.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains("罗大妈", await found.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.NotEmpty(captured.Messages);
        foreach (var secret in new[] { user.Phone, "13512345678", "Wrong-Secret-1", TestApp.Password, token[..20] })
            Assert.DoesNotContain(captured.Messages, m => m.Contains(secret, StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capturing(this);

        public void Dispose()
        {
        }

        private sealed class Capturing(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
