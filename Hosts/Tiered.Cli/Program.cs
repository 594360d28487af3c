using System.CommandLine;
using Tiered.Cli.Commands;

var root = new RootCommand("tiered: a fast, cheap memory cache tier built from serverless function instances.");
root.Subcommands.Add(CodecCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(PlacementCommand.Create());
root.Subcommands.Add(ReplayCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(LambdaEmulatorCommand.Create());
root.Subcommands.Add(PackageCommand.Create());
foreach (var command in ObjectCommands.Create()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
