using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using VillagePoints.Core.Accounts;
using VillagePoints.Core.Data;

namespace VillagePoints.Web.Cli;

/// <summary>
/// <c>create-admin --phone 139… [--name 名字]</c>: the way a production install gets its first administrator,
/// since only a developer's machine seeds the demo accounts. The password never appears on the command line
/// (shell history, process lists): it is asked for on a terminal, or read as one line from redirected input.
/// </summary>
public static class CreateAdminVerb
{
    public const int MinimumPasswordLength = 10;
    public const string DefaultName = "系统管理员";

    public static Command Create(Func<Func<VillagePointsDb, TimeProvider, Task<int>>, Task<int>> withDb, TextReader? input,
        TextWriter stdout, TextWriter stderr)
    {
        var phoneOption = new Option<string>("--phone") { Description = "The administrator's mobile number (11 digits).", Required = true };
        var nameOption = new Option<string?>("--name") { Description = $"The name shown in the app (default {DefaultName})." };
        var command = new Command("create-admin", "Create an administrator account; the password is read from standard input.") { phoneOption, nameOption };
        command.SetAction((parse, ct) =>
        {
            var phone = PhoneNumber.Normalize(parse.GetValue(phoneOption));
            if (phone is null)
            {
                stderr.WriteLine("The phone must be a mainland mobile number of 11 digits, e.g. 13912345678.");
                return Task.FromResult(1);
            }
            var name = (parse.GetValue(nameOption) ?? DefaultName).Trim();
            if (name.Length is 0 or > 40)
            {
                stderr.WriteLine("The name must have 1 to 40 characters.");
                return Task.FromResult(1);
            }
            var password = ReadPassword(input, stderr);
            if (PasswordProblem(password, phone) is { } problem)
            {
                stderr.WriteLine(problem);
                return Task.FromResult(1);
            }
            return withDb(async (db, time) =>
            {
                await DatabaseSetup.MigrateAsync(db, ct);
                if (await db.UserAccounts.AnyAsync(u => u.Phone == phone, ct))
                {
                    stderr.WriteLine($"An account with phone {PhoneNumber.Mask(phone)} exists already; nothing was changed.");
                    return 1;
                }
                var user = new UserAccount { Id = Ids.New(), Phone = phone, DisplayName = name, PasswordHash = "", CreatedAt = time.GetUtcNow() };
                user.PasswordHash = PasswordLogin.Hash(user, password!);
                user.Roles.Add(new RoleAssignment { Id = Ids.New(), UserId = user.Id, Role = Role.Administrator });
                db.UserAccounts.Add(user);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException ex) when (WriteRetry.IsUniqueViolation(ex))
                {
                    stderr.WriteLine($"An account with phone {PhoneNumber.Mask(phone)} exists already; nothing was changed.");
                    return 1;
                }
                stdout.WriteLine($"Created administrator {name} ({PhoneNumber.Mask(phone)}). Sign in at /login.");
                return 0;
            });
        });
        return command;
    }

    /// <summary>Why a password is refused, or null when it will do.</summary>
    public static string? PasswordProblem(string? password, string phone)
    {
        if (string.IsNullOrEmpty(password))
            return "No password was given.";
        if (password.Length < MinimumPasswordLength)
            return $"The password must have at least {MinimumPasswordLength} characters.";
        if (password.Length > 200)
            return "The password must have at most 200 characters.";
        if (password.Distinct().Count() < 4 || password.Contains(phone, StringComparison.Ordinal))
            return "The password is too easy to guess: use at least four different characters and not the phone number.";
        return null;
    }

    private static string? ReadPassword(TextReader? input, TextWriter stderr)
    {
        if (input is null && !Console.IsInputRedirected)
        {
            var first = AnsiConsole.Prompt(new TextPrompt<string>($"Password (at least {MinimumPasswordLength} characters):").Secret());
            var again = AnsiConsole.Prompt(new TextPrompt<string>("Repeat the password:").Secret());
            if (first == again)
                return first;
            stderr.WriteLine("The two passwords differ.");
            return null;
        }
        return (input ?? Console.In).ReadLine();
    }
}
