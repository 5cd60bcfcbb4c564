using Microsoft.EntityFrameworkCore;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;
using VillagePoints.TestSupport;
using VillagePoints.Web.Cli;

namespace VillagePoints.Web.Tests.Cli;

/// <summary>How a production install gets its first administrator.</summary>
public sealed class CreateAdminTests
{
    private const string StrongPassword = "Shuixin-Admin-2026!";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateAdmin_WithAPasswordOnStandardInput_CreatesAnAdministratorWhoCanSignIn(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        var (exit, output, error) = await RunAsync(database, StrongPassword + "\n", "create-admin", "--phone", "139 1234 5678", "--name", "陈管理员");

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.DoesNotContain(StrongPassword, output + error, StringComparison.Ordinal);
        await using var db = database.NewContext();
        var admin = await db.UserAccounts.Include(u => u.Roles).SingleAsync();
        Assert.Equal(("13912345678", "陈管理员"), (admin.Phone, admin.DisplayName));
        var role = Assert.Single(admin.Roles);
        Assert.Equal((Role.Administrator, null, null, null), (role.Role, role.VillageId, role.TownId, role.DistrictId));
        var login = await new PasswordLogin(db, TimeProvider.System).LoginAsync("13912345678", StrongPassword);
        Assert.Equal(LoginOutcome.Success, login.Outcome);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Demo@2026")]
    [InlineData("short1!")]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("x13912345678x")]
    public async Task CreateAdmin_RefusesAWeakPassword_AndCreatesNothing(string password)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var (exit, _, error) = await RunAsync(database, password + "\n", "create-admin", "--phone", "13912345678");

        Assert.Equal(1, exit);
        Assert.Contains("password", error, StringComparison.OrdinalIgnoreCase);
        await using var db = database.NewContext();
        Assert.False(await db.UserAccounts.AnyAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateAdmin_RefusesAPhoneThatHasAnAccount_AndLeavesItAlone(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await RunAsync(database, StrongPassword + "\n", "create-admin", "--phone", "13912345678")).Exit);

        var (exit, _, error) = await RunAsync(database, "Another-Passw0rd-99\n", "create-admin", "--phone", "13912345678", "--name", "冒名者");

        Assert.Equal(1, exit);
        Assert.Contains("exists already", error, StringComparison.Ordinal);
        await using var db = database.NewContext();
        var only = await db.UserAccounts.SingleAsync();
        Assert.Equal(CreateAdminVerb.DefaultName, only.DisplayName);
        Assert.Equal(LoginOutcome.Success, (await new PasswordLogin(db, TimeProvider.System).LoginAsync("13912345678", StrongPassword)).Outcome);
    }

    [Fact]
    public async Task CreateAdmin_RefusesAPhoneThatIsNotAMobileNumber()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var (exit, _, error) = await RunAsync(database, StrongPassword + "\n", "create-admin", "--phone", "12345");

        Assert.Equal(1, exit);
        Assert.Contains("11 digits", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(TestDatabase database, string input, params string[] args)
    {
        var key = database.Provider == DatabaseProvider.Postgres ? "ConnectionStrings:Postgres" : "ConnectionStrings:Sqlite";
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stdin = new StringReader(input);
        var exit = await CliVerbs.RunAsync(args, new Dictionary<string, string?> { [key] = database.ConnectionString }, output, error, stdin);
        return (exit, output.ToString(), error.ToString());
    }
}
