using VillagePoints.Web.Cli;
using VillagePoints.Web.Hosting;

if (CliVerbs.Handles(args))
    return await CliVerbs.RunAsync(args);

var app = VillagePointsApp.Build(args);
await app.RunAsync();
return 0;

public partial class Program;
