using System.Diagnostics;
using System.IO.Compression;

namespace Tiered.Cli.Packaging;

/// <summary>What to package: the node's custom runtime for one CPU architecture.</summary>
/// <param name="Architecture"><c>x64</c> or <c>arm64</c> (Lambda's <c>x86_64</c> and <c>arm64</c>).</param>
/// <param name="Output">The zip to write.</param>
/// <param name="Project">The Tiered.Functions.Lambda project file.</param>
/// <param name="ReadyToRun">Precompile (ReadyToRun) for shorter cold starts.</param>
internal sealed record LambdaPackageRequest(string Architecture, FileInfo Output, FileInfo Project, bool ReadyToRun = true);

/// <summary>
/// Builds the deployable zip of the Lambda custom runtime: <c>dotnet publish</c> of Hosts/Tiered.Functions.Lambda,
/// self-contained for <c>linux-x64</c> or <c>linux-arm64</c> (the <c>provided.al2023</c> runtime has no .NET), zipped with
/// the executable <c>bootstrap</c> at the root and Unix permissions kept (Lambda runs <c>bootstrap</c> directly).
/// </summary>
internal static class LambdaPackager
{
    public const string ProjectRelativePath = "Hosts/Tiered.Functions.Lambda/Tiered.Functions.Lambda.csproj";

    public static readonly string[] Architectures = ["x64", "arm64"];

    /// <summary>The Lambda project, looked for above the current directory and above the CLI's own directory.</summary>
    public static FileInfo? FindProject(string? start = null)
    {
        foreach (string origin in new[] { start ?? Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                var candidate = new FileInfo(Path.Combine(dir.FullName, ProjectRelativePath));
                if (candidate.Exists) return candidate;
            }
        return null;
    }

    /// <summary>Publishes and zips; progress lines go to <paramref name="log"/>. Returns the zip's entries.</summary>
    public static async Task<IReadOnlyList<string>> PackageAsync(LambdaPackageRequest request, TextWriter log, CancellationToken cancellationToken = default)
    {
        if (!Architectures.Contains(request.Architecture))
            throw new ArgumentException($"--arch must be one of {string.Join(", ", Architectures)}, not '{request.Architecture}'.");
        if (!request.Project.Exists) throw new FileNotFoundException($"The Lambda project {request.Project.FullName} does not exist.");
        string workDir = Directory.CreateTempSubdirectory("tiered-lambda-").FullName;
        string publishDir = Path.Combine(workDir, "publish");
        try
        {
            string rid = "linux-" + request.Architecture;
            var arguments = new List<string>
            {
                // Its own artifacts path: building with these settings must not touch the source tree's bin and obj, which a
                // build or test run may be using at the same time.
                "publish", request.Project.FullName, "-c", "Release", "-r", rid, "--self-contained", "true", "-o", publishDir,
                "--artifacts-path", Path.Combine(workDir, "artifacts"),
                "-p:PublishReadyToRun=" + (request.ReadyToRun ? "true" : "false"), "-p:DebugType=none", "-p:GenerateDocumentationFile=false", "-nologo",
            };
            await log.WriteLineAsync($"Publishing {request.Project.Name} for {rid} (self-contained{(request.ReadyToRun ? ", ReadyToRun" : "")})…").ConfigureAwait(false);
            await log.WriteLineAsync("  dotnet " + string.Join(' ', arguments)).ConfigureAwait(false);
            var (exitCode, output) = await RunDotnetAsync(arguments, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
                throw new InvalidOperationException($"dotnet publish failed with exit code {exitCode}:{Environment.NewLine}{output}");

            string bootstrap = Path.Combine(publishDir, "bootstrap");
            if (!File.Exists(bootstrap)) throw new InvalidOperationException($"dotnet publish produced no 'bootstrap' executable in {publishDir}.");
            await log.WriteLineAsync($"Zipping {Directory.GetFiles(publishDir, "*", SearchOption.AllDirectories).Length} files into {request.Output.FullName}…").ConfigureAwait(false);
            var entries = Zip(publishDir, request.Output.FullName);
            request.Output.Refresh();
            await log.WriteLineAsync($"Wrote {request.Output.FullName} ({request.Output.Length / (1024.0 * 1024):0.0} MiB, bootstrap at the root).").ConfigureAwait(false);
            return entries;
        }
        finally
        {
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Zips a directory with its Unix permissions (bootstrap must stay executable) and stable entry order.</summary>
    internal static IReadOnlyList<string> Zip(string directory, string zipPath)
    {
        if (File.Exists(zipPath)) File.Delete(zipPath);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(zipPath))!);
        var names = new List<string>();
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create);
        foreach (string file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
            var entry = zip.CreateEntryFromFile(file, name, CompressionLevel.Optimal);
            var mode = OperatingSystem.IsWindows() ? (name == "bootstrap" ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100) : File.GetUnixFileMode(file);
            if (name == "bootstrap") mode |= UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            const int RegularFile = 0x8000;
            entry.ExternalAttributes = (RegularFile | (int)mode) << 16;
            names.Add(name);
        }
        return names;
    }

    private static async Task<(int ExitCode, string Output)> RunDotnetAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    /// <summary>The dotnet host running this process when it is one, else <c>dotnet</c> from PATH.</summary>
    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
