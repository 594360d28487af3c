using System.CommandLine;
using Tiered.Cli.Benchmarks;
using Tiered.Cli.Benchmarks.E2e;
using Tiered.Codecs;

namespace Tiered.Cli.Commands;

/// <summary>
/// <c>tiered bench e2e</c>: PUT and GET latency and throughput through the whole tier (client → proxy → Local
/// function nodes over loopback), next to a redis-server it starts itself with <c>--vs-redis</c>.
/// </summary>
internal static class BenchE2eCommand
{
    public static Command Create()
    {
        var vsRedis = new Option<bool>("--vs-redis") { Description = "Also SET/GET the same objects through a redis-server started on a free 127.0.0.1 port (StackExchange.Redis), with the Tiered/Redis ratio on each row." };
        var redisServer = new Option<string?>("--redis-server") { Description = "The redis-server binary (default: redis-server on the PATH)." };
        var sizes = new Option<string[]>("--sizes", "--size")
        {
            Description = "Object sizes, e.g. --sizes 1k,1m,10m,100m (k = 1024; default: those four, or 1k,1m,10m with --quick).",
            AllowMultipleArgumentsPerToken = true,
        };
        var iterations = new Option<int?>("--iterations", "-n") { Description = "Timed operations per size, operation and target (default: 2000 / 200 / 40 / 15 for 1 KiB / 1 MiB / 10 MiB / 100 MiB; fewer with --quick)." };
        var quick = new Option<bool>("--quick") { Description = "Fewer iterations and no 100 MiB unless --sizes names it: about a minute with --vs-redis." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results to this JSON file." };
        var codec = new Option<string>("--codec") { Description = "The erasure codec objects are stored with.", DefaultValueFactory = _ => "rs(10,2)" };
        var nodes = new Option<int>("--nodes") { Description = "Local function nodes behind the proxy (at least the codec's k+r).", DefaultValueFactory = _ => 12 };
        var memory = new Option<int>("--memory-mib") { Description = "Memory of each node function, MiB (bounds its chunk store).", DefaultValueFactory = _ => 1536 };
        var concurrency = new Option<int>("--concurrency") { Description = "Tasks sharing one client for the concurrent GET row (0 or 1: no such row).", DefaultValueFactory = _ => 4 };
        var tierProcess = new Option<bool>("--tier-process") { Description = "Run the proxy and the Local platform in a child process for the whole run (this process holds only the clients)." };
        var noClientAlloc = new Option<bool>("--no-client-alloc") { Description = "Skip the client-only allocation measurement (which starts a second tier in a child process)." };
        var hostTier = new Option<bool>("--host-tier") { Description = "Internal: run only the tier and print its address (used by --tier-process).", Hidden = true };

        var command = new Command("e2e", "PUT/GET latency (p50, p99) and throughput of 1 KiB to 100 MiB objects through the whole tier — client, proxy, Local function nodes over loopback, RS(10,2) — with redis-server alongside (--vs-redis).")
        {
            vsRedis, redisServer, sizes, iterations, quick, json, codec, nodes, memory, concurrency, tierProcess, noClientAlloc, hostTier,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(vsRedis), parse.GetValue(redisServer), parse.GetValue(sizes) ?? [], parse.GetValue(iterations), parse.GetValue(quick),
            parse.GetValue(json), parse.GetValue(codec)!, parse.GetValue(nodes), parse.GetValue(memory), parse.GetValue(concurrency),
            parse.GetValue(tierProcess), parse.GetValue(noClientAlloc), parse.GetValue(hostTier), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool vsRedis, string? redisServer, string[] sizeArgs, int? iterations, bool quick, FileInfo? json,
        string codecSpec, int nodes, int memoryMiB, int concurrency, bool tierProcess, bool noClientAlloc, bool hostTier, CancellationToken cancellationToken)
    {
        string? error = Validate(codecSpec, nodes, memoryMiB, iterations, concurrency, redisServer, sizeArgs, quick, out var sizes);
        if (error is not null)
        {
            Console.Error.WriteLine($"error: {error}");
            return 2;
        }
        var shape = new TierShape(nodes, memoryMiB, codecSpec);
        if (hostTier) return await ChildProcessTierHost.ServeAsync(shape, cancellationToken).ConfigureAwait(false);

        var settings = new E2eSettings(sizes, iterations, quick, shape, concurrency, vsRedis, redisServer, tierProcess, !noClientAlloc);
        E2eReport report;
        try
        {
            report = await new E2eRunner(settings, Console.Error).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted: the tier and redis-server were stopped.");
            return 130;
        }
        catch (Exception e) when (e is Client.TierException or TimeoutException or InvalidOperationException or IOException
            or System.Net.Sockets.SocketException or StackExchange.Redis.RedisException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }

        Console.Out.Write(report.Header());
        Console.Out.WriteLine();
        Console.Out.Write(report.Table());
        Console.Out.WriteLine();
        Console.Out.Write(report.Allocations());
        foreach (string note in report.Notes) Console.Out.WriteLine($"note: {note}");
        foreach (string problem in report.Problems) Console.Out.WriteLine($"MISMATCH: {problem}");
        Console.Out.WriteLine(report.Summary());

        if (json is not null && !ReportFile.TryWrite(json, report.WriteJson)) return 2;
        return report.Problems.Count == 0 ? 0 : 1;
    }

    private static string? Validate(string codecSpec, int nodes, int memoryMiB, int? iterations, int concurrency, string? redisServer, string[] sizeArgs, bool quick, out List<int> sizes)
    {
        sizes = [];
        foreach (string text in sizeArgs.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!ByteSize.TryParse(text, out int size) || size > 1 << 30)
                return $"--sizes {text}: expected a size from 1 byte to 1g such as 1k, 1m or 100m.";
            if (!sizes.Contains(size)) sizes.Add(size);
        }
        if (sizes.Count == 0) sizes.AddRange(quick ? E2eSettings.QuickSizes : E2eSettings.DefaultSizes);

        int totalShards;
        try
        {
            totalShards = CodecFactory.Create(codecSpec).TotalShards;
        }
        catch (ArgumentException e)
        {
            return $"--codec {codecSpec}: {e.Message}";
        }
        if (nodes < totalShards) return $"--nodes {nodes}: {codecSpec} needs at least {totalShards} nodes (one per chunk).";
        if (nodes > 1024) return $"--nodes {nodes}: at most 1024.";
        if (memoryMiB < 128) return $"--memory-mib {memoryMiB}: at least 128.";
        long needed = (long)sizes.Max() / Math.Max(1, totalShards) * 2;
        if (needed > memoryMiB * (1L << 20) * 8 / 10) return $"--memory-mib {memoryMiB}: too small for a chunk of the largest object (and its replacement).";
        if (iterations is < 1) return "--iterations must be at least 1.";
        if (concurrency < 0) return "--concurrency must not be negative.";
        if (redisServer is not null && !File.Exists(redisServer)) return $"--redis-server {redisServer}: no such file.";
        return null;
    }
}
