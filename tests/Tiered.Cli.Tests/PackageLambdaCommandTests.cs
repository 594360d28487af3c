using System.Diagnostics;
using System.IO.Compression;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.LambdaEmulator;
using Tiered.Placement;
using Tiered.Providers.AwsLambda;
using Tiered.Proxy;
using Xunit;

namespace Tiered.Cli.Tests;

/// <summary>
/// <c>tiered package lambda</c> as a real child process: the zip it writes unzips to an executable <c>bootstrap</c> that
/// runs, as is, under the Lambda emulator as the nodes of a tier on the aws-lambda backend.
/// </summary>
public sealed class PackageLambdaCommandTests
{
    [Fact]
    public async Task The_package_unzips_to_a_bootstrap_that_serves_a_tier_under_the_emulator()
    {
        Assert.True(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "This test builds a linux-x64 package and runs it; it needs a linux-x64 machine (CI is one).");
        if (!OperatingSystem.IsLinux()) { Assert.Fail("The Lambda package is a Linux executable; this test needs Linux (CI is)."); return; }
        string dir = Directory.CreateTempSubdirectory("tiered-package-").FullName;
        string zip = Path.Combine(dir, "tiered-node-lambda-x64.zip");

        var (exitCode, output) = await RunTieredAsync(["package", "lambda", "--arch", "x64", "--output", zip]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("bootstrap at the root", output);

        using (var archive = ZipFile.OpenRead(zip))
        {
            var bootstrapEntry = archive.GetEntry("bootstrap");
            Assert.NotNull(bootstrapEntry);
            var mode = (UnixFileMode)((bootstrapEntry.ExternalAttributes >> 16) & 0x1FF);
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"bootstrap is stored without its executable bit ({mode})");
        }
        string unzipped = Path.Combine(dir, "lambda");
        ZipFile.ExtractToDirectory(zip, unzipped);
        string bootstrap = Path.Combine(unzipped, "bootstrap");
        Assert.True(File.GetUnixFileMode(bootstrap).HasFlag(UnixFileMode.UserExecute), "bootstrap is not executable once unzipped");

        await using var emulator = new LambdaEmulator.LambdaEmulator(new LambdaEmulatorOptions
        {
            FunctionCount = 3, MemoryMiB = 128, BootstrapPath = bootstrap, InitTimeout = TimeSpan.FromMinutes(1),
        });
        await emulator.StartAsync();
        using var backend = new AwsLambdaFunctionBackend(new AwsLambdaOptions
        {
            Region = "us-east-1", ServiceUrl = emulator.Endpoint.ToString(), FunctionCount = 3, MemoryMiB = 128,
            AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        });
        await using var proxy = new TierProxy(new TierProxyOptions { DialBackTimeout = TimeSpan.FromMinutes(1) }, backend,
            PlacementFactory.Create("rendezvous"), name => CodecFactory.Create(name));
        proxy.Start();
        await using var client = new TierClient(new TierClientOptions { Proxies = [proxy.ClientEndPoint], RequestTimeout = TimeSpan.FromMinutes(1) },
            CodecFactory.Create("rs(2,1)"));
        var value = new byte[3 * 1024 * 1024];
        new Random(5).NextBytes(value);

        await client.PutAsync("packaged", value);
        using var read = await client.GetAsync("packaged");

        Assert.Equal(value, read!.ToArray());
        Assert.Equal(3, emulator.Instances.Count);
        Assert.All(emulator.Instances, i => Assert.True(i.Pid > 0, "every node ran as its own process"));
    }

    private static async Task<(int ExitCode, string Output)> RunTieredAsync(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tiered.dll"));
        foreach (string arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
