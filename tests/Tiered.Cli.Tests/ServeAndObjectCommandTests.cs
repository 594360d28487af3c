using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Tiered.Cli.Tests;

/// <summary>
/// <c>tiered serve</c> as a real child process on free loopback ports, and <c>tiered put/get/del/stats</c> as further
/// child processes against it: bytes come back identical through files, standard input and standard output.
/// </summary>
public sealed class ServeAndObjectCommandTests
{
    [Fact]
    public async Task Serve_then_put_get_del_stats_round_trip_byte_identical_and_sigterm_stops_gracefully()
    {
        int clientPort = FreePort(), nodePort = FreePort();
        string dir = Directory.CreateTempSubdirectory("tiered-cli-").FullName;
        string config = Path.Combine(dir, "tiered.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Tiered": {
                "Codec": { "Kind": "rs", "DataShards": 4, "ParityShards": 2 },
                "Backend": { "Kind": "local", "Local": { "FunctionCount": 8, "MemoryMiB": 64, "ColdStartDelay": "00:00:00" } },
                "Proxy": { "ClientPort": {{clientPort}}, "NodePort": {{nodePort}} }
              }
            }
            """);
        using var serve = Start(["serve", "--config", config]);
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        serve.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.StartsWith("tiered serve: ready", StringComparison.Ordinal)) ready.TrySetResult();
        };
        serve.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(200); // the rest of the banner
            lock (output)
            {
                Assert.Contains($"clients    127.0.0.1:{clientPort}", output.ToString());
                Assert.Contains($"nodes      127.0.0.1:{nodePort}", output.ToString());
                Assert.Contains("codec      rs(4,2)", output.ToString());
                Assert.Contains("placement  rendezvous", output.ToString());
                Assert.Contains("backend    local: 8 functions", output.ToString());
            }
            string proxy = $"127.0.0.1:{clientPort}";

            var big = new byte[3 * 1024 * 1024 + 5];
            new Random(1).NextBytes(big);
            string input = Path.Combine(dir, "in.bin"), copy = Path.Combine(dir, "out.bin");
            await File.WriteAllBytesAsync(input, big);
            var put = await RunAsync(["put", "big", input, "--proxy", proxy, "--codec", "rs(4,2)"]);
            Assert.True(put.ExitCode == 0, put.Stderr);
            var get = await RunAsync(["get", "big", copy, "--proxy", proxy]);
            Assert.True(get.ExitCode == 0, get.Stderr);
            Assert.Equal(big, await File.ReadAllBytesAsync(copy));
            var toStdout = await RunAsync(["get", "big", "--proxy", proxy]);
            Assert.Equal(0, toStdout.ExitCode);
            Assert.Equal(big, toStdout.Stdout);

            var small = new byte[1000];
            new Random(2).NextBytes(small);
            var fromStdin = await RunAsync(["put", "small", "-", "--proxy", proxy, "--codec", "raid6(4)"], small);
            Assert.True(fromStdin.ExitCode == 0, fromStdin.Stderr);
            var dash = await RunAsync(["get", "small", "-", "--proxy", proxy]);
            Assert.Equal(small, dash.Stdout);

            var del = await RunAsync(["del", "small", "--proxy", proxy]);
            Assert.Equal(0, del.ExitCode);
            var miss = await RunAsync(["get", "small", "--proxy", proxy]);
            Assert.Equal(1, miss.ExitCode);
            Assert.Empty(miss.Stdout);
            Assert.Contains("not found: 'small'", miss.Stderr);
            Assert.Equal(1, (await RunAsync(["del", "small", "--proxy", proxy])).ExitCode);

            var stats = await RunAsync(["stats", "--proxy", proxy]);
            Assert.Equal(0, stats.ExitCode);
            var counters = Encoding.UTF8.GetString(stats.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => !l.StartsWith('#')).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => long.Parse(p[1]));
            Assert.Equal(2, counters["puts"]);
            Assert.Equal(3, counters["hits"]);
            Assert.Equal(1, counters["misses"]);
            Assert.Equal(1, counters["deletes"]);
            Assert.Equal(1, counters["objects"]);
            Assert.Equal(8, counters["nodes"]);

            // SIGTERM (what Ctrl+C's SIGINT also does in a terminal): a graceful stop, exit code 0.
            using (var kill = Process.Start("kill", ["-TERM", serve.Id.ToString()])) await kill.WaitForExitAsync();
            await serve.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
            Assert.Equal(0, serve.ExitCode);
            lock (output)
            {
                Assert.Contains("Tier stopped after", output.ToString());
                Assert.Contains("tiered serve: stopped.", output.ToString());
            }
            var refused = await RunAsync(["get", "big", "--proxy", proxy]);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("Cannot connect to proxy", refused.Stderr);
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Serve_with_an_unknown_codec_exits_1_naming_the_key()
    {
        string dir = Directory.CreateTempSubdirectory("tiered-cli-").FullName;
        string config = Path.Combine(dir, "bad.json");
        await File.WriteAllTextAsync(config, """{ "Tiered": { "Codec": { "Kind": "rs2" }, "Proxy": { "ClientPort": 0, "NodePort": 0 } } }""");
        var result = await RunAsync(["serve", "--config", config]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Tiered:Codec:Kind 'rs2' is not a known codec", result.Stderr);
    }

    [Fact]
    public async Task Serve_with_a_resp_port_answers_redis_cli_and_redis_benchmark_byte_identically()
    {
        int clientPort = FreePort(), nodePort = FreePort(), respPort = FreePort();
        using var serve = Start(["serve", "--port", clientPort.ToString(), "--node-port", nodePort.ToString(), "--resp-port", respPort.ToString()]);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        serve.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("tiered serve: ready", StringComparison.Ordinal) == true) ready.TrySetResult(); };
        serve.ErrorDataReceived += (_, _) => { };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            string port = respPort.ToString();
            var value = new byte[10 * 1024 * 1024];
            new Random(10).NextBytes(value);

            var set = await RunToolAsync("redis-cli", ["-p", port, "-x", "SET", "big"], value);
            Assert.True(set.ExitCode == 0, set.Stderr);
            Assert.Equal("OK", Encoding.ASCII.GetString(set.Stdout).Trim());
            var get = await RunToolAsync("redis-cli", ["-p", port, "--raw", "GET", "big"]);
            Assert.True(get.ExitCode == 0, get.Stderr);
            // redis-cli --raw ends the reply with a newline of its own.
            Assert.True(get.Stdout.AsSpan(0, value.Length).SequenceEqual(value), "redis-cli GET returned different bytes than it SET");
            Assert.Equal(value.Length + 1, get.Stdout.Length);

            var bench = await RunToolAsync("redis-benchmark", ["-p", port, "-t", "set,get", "-d", "1048576", "-n", "200", "-q"]);
            Assert.True(bench.ExitCode == 0, bench.Stderr);
            string report = Encoding.ASCII.GetString(bench.Stdout);
            Assert.Matches(@"SET: [0-9.]+ requests per second", report);
            Assert.Matches(@"GET: [0-9.]+ requests per second", report);
        }
        finally
        {
            if (!serve.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", serve.Id.ToString()])) await kill.WaitForExitAsync();
                if (!serve.WaitForExit(30_000)) serve.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunToolAsync(string tool, string[] args, byte[]? stdin = null)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        await copy;
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }

    private static string TieredDll()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "tiered.dll");
        if (File.Exists(beside)) return beside;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tiered.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "Hosts", "Tiered.Cli", "bin", "Release", "net10.0", "tiered.dll");
    }

    private static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(TieredDll());
        foreach (string arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    private static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(string[] args, byte[]? stdin = null)
    {
        using var process = Start(args);
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        await copy;
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
