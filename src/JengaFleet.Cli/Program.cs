using System.CommandLine;
using JengaFleet.Cli.Commands;
using Spectre.Console;

// Tables stay readable when output is piped (CI logs, files).
AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 132);

var root = new RootCommand("jenga — JengaFleet: fast video generation with Jenga (dynamic token carving + progressive resolution).")
{
    DemoCommand.Create(),
    GenerateCommand.Create(),
    PlanCommand.Create(),
    BenchCommand.Create(),
    EnqueueCommand.Create(),
    StatusCommand.Create(),
    WatchCommand.Create(),
    ResultsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
