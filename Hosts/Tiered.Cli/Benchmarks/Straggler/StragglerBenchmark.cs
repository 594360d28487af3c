using System.Diagnostics;
using Tiered.Chaos;
using Tiered.Cli.Benchmarks.E2e;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.Nodes;
using Tiered.Placement;
using Tiered.Providers.Local;
using Tiered.Proxy;

namespace Tiered.Cli.Benchmarks.Straggler;

/// <summary>
/// First-d under a straggler: a whole tier in this process whose nodes' dial-back connections all pass through chaos
/// relays capped at a Lambda-like bandwidth; GET latency is measured with every node at that bandwidth and with one node
/// <see cref="StragglerSettings.Slowdown"/>× slower, in alternating rounds. The proxy relays the first k chunks, so the
/// slow one should cost (almost) nothing.
/// </summary>
internal static class StragglerBenchmark
{
    public static async Task<StragglerReport> RunAsync(StragglerSettings settings, TextWriter progress, CancellationToken cancellationToken)
    {
        var codec = CodecFactory.Create(settings.Codec);
        await using var platform = new LocalFunctionPlatform(
            new LocalFunctionOptions { FunctionCount = settings.Nodes, MemoryMiB = 1536, ColdStartDelay = TimeSpan.Zero, Seed = 1 },
            _ => new FunctionNode());
        await using var backend = ChaosFunctionBackend.Create(platform, new ChaosBackendOptions { RelayAllDialBacks = true, ReferenceBytesPerSecond = settings.NodeBytesPerSecond, Seed = 1 });
        await using var proxy = new TierProxy(
            new TierProxyOptions { NodeIdleTimeout = TimeSpan.FromMinutes(10), WarmUpInterval = TimeSpan.FromHours(1), BackupInterval = Timeout.InfiniteTimeSpan, ScrubInterval = Timeout.InfiniteTimeSpan },
            backend, PlacementFactory.Create("rendezvous"), name => CodecFactory.Create(name));
        proxy.Start();
        await using var client = new TierClient(new TierClientOptions
        {
            Proxies = [proxy.ClientEndPoint], RequestTimeout = TimeSpan.FromMinutes(2), CodecResolver = name => CodecFactory.Create(name),
        }, codec);

        foreach (string node in platform.Functions) backend.LimitBandwidth(node, settings.NodeBytesPerSecond);
        await progress.WriteLineAsync($"Storing {settings.Objects} objects of {settings.ObjectBytes / (1024.0 * 1024):0.#} MiB ({settings.Codec} over {settings.Nodes} nodes, each capped at {settings.NodeBytesPerSecond / (1024.0 * 1024):0.#} MiB/s)…").ConfigureAwait(false);
        var keys = new string[settings.Objects];
        for (int i = 0; i < keys.Length; i++)
        {
            var value = new byte[settings.ObjectBytes];
            new Random(i).NextBytes(value);
            keys[i] = $"straggler-{i}";
            await client.PutAsync(keys[i], value, cancellationToken).ConfigureAwait(false);
        }
        // The straggler holds a data chunk of the first object (so that object's GETs need parity to skip it).
        string straggler = proxy.Lookup(keys[0])!.Nodes[0];
        foreach (string key in keys) { using var _ = await client.GetAsync(key, cancellationToken).ConfigureAwait(false); }

        var baseline = new List<double>();
        var slowed = new List<double>();
        double baselineSeconds = 0, slowedSeconds = 0;
        long lateBefore = proxy.Counters[ProxyCounters.ChunksLost];
        for (int round = 0; round < settings.Rounds; round++)
        {
            backend.LimitBandwidth(straggler, settings.NodeBytesPerSecond);
            await DrainAsync(backend, straggler, cancellationToken).ConfigureAwait(false);
            baselineSeconds += await MeasureAsync(client, keys, settings.GetsPerRound, settings.ObjectBytes, baseline, cancellationToken).ConfigureAwait(false);

            backend.LimitBandwidth(straggler, (long)(settings.NodeBytesPerSecond / settings.Slowdown));
            slowedSeconds += await MeasureAsync(client, keys, settings.GetsPerRound, settings.ObjectBytes, slowed, cancellationToken).ConfigureAwait(false);
            await progress.WriteLineAsync($"  round {round + 1}/{settings.Rounds}: p50 {LatencyStats.From(baseline, baselineSeconds, settings.ObjectBytes).P50Ms:0.00} ms without, {LatencyStats.From(slowed, slowedSeconds, settings.ObjectBytes).P50Ms:0.00} ms with the straggler").ConfigureAwait(false);
        }
        backend.LimitBandwidth(straggler, settings.NodeBytesPerSecond);
        return new StragglerReport(settings, straggler,
            LatencyStats.From(baseline, baselineSeconds, settings.ObjectBytes),
            LatencyStats.From(slowed, slowedSeconds, settings.ObjectBytes),
            proxy.Counters[ProxyCounters.ChunksLost] - lateBefore);
    }

    private static async Task<double> MeasureAsync(TierClient client, string[] keys, int gets, int objectBytes, List<double> samples, CancellationToken cancellationToken)
    {
        double total = 0;
        for (int i = 0; i < gets; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using (var value = await client.GetAsync(keys[i % keys.Length], cancellationToken).ConfigureAwait(false))
            {
                if (value is null || value.Length != objectBytes) throw new InvalidOperationException($"GET of {keys[i % keys.Length]} came back {(value is null ? "missing" : $"with {value.Length} bytes")}.");
            }
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            samples.Add(ms);
            total += ms / 1000;
        }
        return total;
    }

    /// <summary>Lets the straggler's backlog of late replies drain at full speed before a baseline phase.</summary>
    private static async Task DrainAsync(ChaosFunctionBackend backend, string node, CancellationToken cancellationToken)
    {
        for (int i = 0; i < 200; i++)
        {
            long before = backend.RelaysOf(node).Sum(r => r.Counts.ClientToUpstreamBytes);
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            if (backend.RelaysOf(node).Sum(r => r.Counts.ClientToUpstreamBytes) == before) return;
        }
    }
}
