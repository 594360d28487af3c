using System.Collections.Concurrent;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.Coding;
using Tiered.Cost;
using Tiered.Functions;
using Tiered.Nodes;
using Tiered.Placement;
using Tiered.Providers.Local;
using Tiered.Proxy;
using Tiered.Time;

namespace Tiered.Cli.Replay;

/// <summary>
/// A whole tier in this process on a compressed clock: the Local platform running <see cref="FunctionNode"/>s that
/// dial back over loopback TCP to a <see cref="TierProxy"/>, a <see cref="TierClient"/>, and a <see cref="CostMeter"/>
/// fed by the platform's metering. Platform, proxy, nodes and meter all run on one <see cref="ScaledTimeProvider"/>.
/// </summary>
internal sealed class ReplayTier : IAsyncDisposable
{
    /// <summary>How long a serving node stays connected without commands (simulated; the proxy's default).</summary>
    public static readonly TimeSpan NodeIdleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a warm-up invocation stays connected (simulated; the proxy's default).</summary>
    public static readonly TimeSpan WarmUpIdleTimeout = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<string, FunctionNode> _nodesByInstance = new(StringComparer.Ordinal);
    private bool _disposed;

    private ReplayTier(ReplaySettings settings)
    {
        Time = new ScaledTimeProvider(settings.Speed);
        // The node says goodbye this long before its deadline (simulated): at a high speed-up the default 2 s is a few
        // real milliseconds, too little for the handler to return before the platform's timeout resets the instance.
        var nodeOptions = new FunctionNodeOptions { DeadlineMargin = Max(TimeSpan.FromSeconds(2), Time.ToSimulated(TimeSpan.FromMilliseconds(250))) };
        Codec = CodecFactory.Create(settings.Codec);
        Platform = new LocalFunctionPlatform(
            new LocalFunctionOptions
            {
                FunctionCount = settings.Nodes,
                MemoryMiB = settings.MemoryMiB,
                Seed = settings.Seed,
                ReclaimRatePerHour = settings.Faults.Kind == FaultKind.Rate ? settings.Faults.PerHour : 0,
                // Reserved concurrency 1, as an InfiniCache deployment configures its functions: a function never gets a
                // second instance (which would not hold the first one's chunks). The proxy waits for a node's previous
                // invocation to return before invoking it again, and counts a throttled one as unreachable, not lost.
                MaxConcurrency = 1,
            },
            context => _nodesByInstance.GetOrAdd(context.InstanceId, _ => new FunctionNode(nodeOptions, Time)),
            Time);
        Platform.InstanceReclaimed += (_, e) => _nodesByInstance.TryRemove(e.InstanceId, out FunctionNode? _);
        Meter = new CostMeter(FunctionPricing.AwsLambda, Time);
        Platform.InvocationCompleted += (_, record) =>
            Meter.Record(new FunctionInvocation(record.FunctionName, default, record.Kind), record.Result);
        Placement = PlacementFactory.Create("rendezvous");
        Events = new ProxyEventLog();
        Proxy = new TierProxy(
            new TierProxyOptions
            {
                // Node idle time is billed, so it runs on the simulated clock like the rest of the platform; the
                // network timeouts (dial-back, chunk requests) run on the system clock inside the proxy.
                NodeIdleTimeout = NodeIdleTimeout,
                WarmUpIdleTimeout = WarmUpIdleTimeout,
                PutTimeout = Max(TimeSpan.FromMinutes(1), Time.ToSimulated(TimeSpan.FromSeconds(60))),
            },
            Platform, Placement, name => CodecFactory.Create(name), Time, Events);
        Events.Observe(Proxy);
        Proxy.Start();
        Client = new TierClient(new TierClientOptions
        {
            Proxies = [Proxy.ClientEndPoint],
            ConnectionsPerProxy = 8,
            RequestTimeout = TimeSpan.FromSeconds(60),
            CodecResolver = name => CodecFactory.Create(name),
        }, Codec);
    }

    public ScaledTimeProvider Time { get; }
    public IErasureCodec Codec { get; }
    public LocalFunctionPlatform Platform { get; }
    public SnapshotPlacement<string> Placement { get; }
    public ProxyEventLog Events { get; }
    public TierProxy Proxy { get; }
    public TierClient Client { get; }
    public CostMeter Meter { get; }

    /// <summary>Builds and starts the tier.</summary>
    public static ReplayTier Start(ReplaySettings settings) => new(settings);

    /// <summary>
    /// The node running in the only live instance of a function; null when the function has no instance or several
    /// (then which one the next invocation lands on — and so whether its chunks are reachable — is not known).
    /// </summary>
    public FunctionNode? SoleNodeOf(string functionName)
    {
        var instances = Platform.GetFunction(functionName).Instances;
        return instances.Count == 1 ? _nodesByInstance.GetValueOrDefault(instances[0].InstanceId) : null;
    }

    /// <summary>Stops the client and proxy, then the platform (which waits for running invocations, so they are metered).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await Client.DisposeAsync();
        await Proxy.DisposeAsync();
        await Platform.DisposeAsync();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
