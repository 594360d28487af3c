using System.CommandLine;

namespace Tiered.Cli.Commands;

/// <summary><c>tiered bench …</c>: throughput measurements.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure throughput.");
        command.Subcommands.Add(BenchCodecsCommand.Create());
        command.Subcommands.Add(BenchE2eCommand.Create());
        command.Subcommands.Add(BenchStragglerCommand.Create());
        return command;
    }
}
