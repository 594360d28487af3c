using System.CommandLine;
using Tiered.Cli.Packaging;

namespace Tiered.Cli.Commands;

/// <summary><c>tiered package lambda</c>: the deployable zip of the node for AWS Lambda.</summary>
internal static class PackageCommand
{
    public static Command Create()
    {
        var command = new Command("package", "Build deployable packages of the node function.");
        command.Subcommands.Add(CreateLambda());
        return command;
    }

    private static Command CreateLambda()
    {
        var arch = new Option<string>("--arch") { Description = "CPU architecture: x64 (Lambda x86_64) or arm64 (Graviton, cheaper per GB-s).", DefaultValueFactory = _ => "x64" };
        arch.AcceptOnlyFromAmong(LambdaPackager.Architectures);
        var output = new Option<FileInfo?>("--output", "-o") { Description = "The zip to write (default: tiered-node-lambda-<arch>.zip in the current directory)." };
        var project = new Option<FileInfo?>("--project") { Description = $"The Lambda project (default: {LambdaPackager.ProjectRelativePath} above the current directory)." };
        var noReadyToRun = new Option<bool>("--no-ready-to-run") { Description = "Skip ReadyToRun precompilation (faster to build, slower cold starts)." };
        var command = new Command("lambda", "Publish the node as a self-contained custom runtime for provided.al2023 and zip it with bootstrap at the root.")
        {
            arch, output, project, noReadyToRun,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string architecture = parse.GetValue(arch)!;
            var projectFile = parse.GetValue(project) ?? LambdaPackager.FindProject();
            if (projectFile is null)
            {
                Console.Error.WriteLine($"error: could not find {LambdaPackager.ProjectRelativePath} above {Environment.CurrentDirectory}; run from the repository or pass --project.");
                return 2;
            }
            var zip = parse.GetValue(output) ?? new FileInfo($"tiered-node-lambda-{architecture}.zip");
            try
            {
                await LambdaPackager.PackageAsync(new LambdaPackageRequest(architecture, zip, projectFile, !parse.GetValue(noReadyToRun)), Console.Out, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            Console.WriteLine();
            Console.WriteLine("Deploy it (docs/deploy-aws.md has the IAM policy and the rest):");
            Console.WriteLine($"  aws lambda create-function --function-name tiered-node-000 --runtime provided.al2023 --architectures {(architecture == "x64" ? "x86_64" : "arm64")} \\");
            Console.WriteLine($"    --handler bootstrap --memory-size 1536 --timeout 900 --zip-file fileb://{zip.Name} --role <execution-role-arn>");
            Console.WriteLine("Try it locally first:");
            Console.WriteLine($"  unzip {zip.Name} -d lambda && tiered lambda-emulator --bootstrap lambda/bootstrap");
            return 0;
        });
        return command;
    }
}
