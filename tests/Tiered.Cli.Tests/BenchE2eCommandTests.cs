using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Tiered.Cli.Tests;

/// <summary>Runs the built <c>tiered bench e2e --vs-redis</c> on small objects and checks what it reports.</summary>
public sealed class BenchE2eCommandTests
{
    private static readonly string s_tiered = Path.Combine(AppContext.BaseDirectory, "tiered.dll");

    [Fact]
    public async Task Vs_redis_run_reports_both_sides_with_ratios_verified_gets_and_allocations()
    {
        string json = Path.Combine(Path.GetTempPath(), $"tiered-e2e-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, stdout, stderr) = await RunAsync("bench", "e2e", "--vs-redis", "--sizes", "1k,64k", "--iterations", "5", "--concurrency", "2", "--json", json);
            Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
            Assert.Contains("redis-server stopped", stderr);
            Assert.Contains("summary:", stdout);
            Assert.Contains("GETs verified", stdout);

            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var root = report.RootElement;
            Assert.StartsWith("Redis server", root.GetProperty("redis").GetString());
            Assert.Equal(0, root.GetProperty("problems").GetArrayLength());
            Assert.True(root.GetProperty("verifiedGets").GetInt64() >= 2 * 2 * 5);
            var rows = root.GetProperty("rows").EnumerateArray().ToList();
            Assert.Contains(rows, r => r.GetProperty("operation").GetString() == "PUT cold");
            foreach (long size in new long[] { 1024, 64 * 1024 })
                foreach (string operation in new[] { "PUT", "GET", "GET x2" })
                {
                    var row = Assert.Single(rows, r => r.GetProperty("size").GetInt64() == size && r.GetProperty("operation").GetString() == operation);
                    Assert.Equal(5, row.GetProperty("tiered").GetProperty("count").GetInt32());
                    Assert.True(row.GetProperty("tiered").GetProperty("p50Ms").GetDouble() > 0);
                    Assert.True(row.GetProperty("redis").GetProperty("p50Ms").GetDouble() > 0);
                    Assert.True(row.GetProperty("ratioP50").GetDouble() > 0);
                }
            var allocation = root.GetProperty("allocation").EnumerateArray().ToList();
            Assert.Equal(2, allocation.Count);
            Assert.Contains(allocation, a => a.GetProperty("scope").GetString()!.StartsWith("client only", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task Bad_sizes_and_too_few_nodes_are_refused_with_a_message()
    {
        var (exit, _, stderr) = await RunAsync("bench", "e2e", "--sizes", "12q");
        Assert.Equal(2, exit);
        Assert.Contains("--sizes 12q", stderr);

        (exit, _, stderr) = await RunAsync("bench", "e2e", "--nodes", "8");
        Assert.Equal(2, exit);
        Assert.Contains("needs at least 12 nodes", stderr);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(s_tiered);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
