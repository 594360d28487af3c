using System.Collections.Concurrent;
using Tiered.Chaos;
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
/// The platform reclaims instances by the settings' reclaim model; the proxy backs nodes up (or not); a chaos plan, when
/// given, wraps the nodes and the backend the proxy invokes.
/// </summary>
internal sealed class ReplayTier : IAsyncDisposable
{
    /// <summary>How long a serving node stays connected without commands (simulated; the proxy's default).</summary>
    public static readonly TimeSpan NodeIdleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a warm-up invocation stays connected (simulated; the proxy's default).</summary>
    public static readonly TimeSpan WarmUpIdleTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Instances a function may run at once: its primary and the backup peer the proxy invokes beside it (InfiniCache's
    /// delta-sync backup needs the second). The proxy never invokes a node's primary twice at once (it waits for the
    /// previous invocation to return), so a second instance only ever holds a backup.
    /// </summary>
    public const int ReservedConcurrency = 2;

    private readonly ConcurrentDictionary<string, FunctionNode> _nodesByInstance = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReclaimRecord> _reclaims = new();
    private readonly ChaosSession? _chaos;
    private bool _disposed;

    private ReplayTier(ReplaySettings settings, bool backup)
    {
        Time = new ScaledTimeProvider(settings.Speed);
        BackupEnabled = backup;
        ReclaimModel = Providers.Local.LocalReclaimModel.Parse(settings.ReclaimModel);
        var chaosPlan = ChaosPlan.Parse(settings.Chaos);
        if (!chaosPlan.IsEmpty) _chaos = chaosPlan.CreateSession(Time);
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
                ReclaimModel = ReclaimModel.Name,
                MaxConcurrency = ReservedConcurrency,
            },
            Wrap(context => _nodesByInstance.GetOrAdd(context.InstanceId, _ => new FunctionNode(nodeOptions, Time))),
            Time);
        Platform.InstanceReclaimed += (_, e) =>
        {
            _nodesByInstance.TryRemove(e.InstanceId, out FunctionNode? _);
            _reclaims.Enqueue(new ReclaimRecord(e.At - Time.Start, e.FunctionName, e.InstanceId, e.Reason, e.StateAtReclaim));
        };
        Backend = _chaos is null ? Platform : _chaos.WrapBackend(Platform);
        Meter = new CostMeter(FunctionPricing.AwsLambda, Time);
        Platform.InvocationCompleted += (_, record) =>
            Meter.Record(new FunctionInvocation(record.FunctionName, default, record.Kind), record.Result);
        Placement = PlacementFactory.Create("rendezvous");
        Events = new ProxyEventLog(() => Time.Elapsed);
        Proxy = new TierProxy(
            new TierProxyOptions
            {
                // Node idle time is billed, so it runs on the simulated clock like the rest of the platform; the
                // network timeouts (dial-back, chunk requests) run on the system clock inside the proxy.
                NodeIdleTimeout = NodeIdleTimeout,
                WarmUpIdleTimeout = WarmUpIdleTimeout,
                PutTimeout = Max(TimeSpan.FromMinutes(1), Time.ToSimulated(TimeSpan.FromSeconds(60))),
                // Delta-sync backups every 5 simulated minutes (the proxy's default), or none.
                BackupInterval = backup ? new TierProxyOptions().BackupInterval : Timeout.InfiniteTimeSpan,
            },
            Backend, Placement, name => CodecFactory.Create(name), Time, Events);
        Events.Observe(Proxy);
        Proxy.Start();
        _chaos?.Start();
        Client = new TierClient(new TierClientOptions
        {
            Proxies = [Proxy.ClientEndPoint],
            ConnectionsPerProxy = 8,
            RequestTimeout = TimeSpan.FromSeconds(60),
            CodecResolver = name => CodecFactory.Create(name),
        }, Codec);
    }

    public ScaledTimeProvider Time { get; }
    public bool BackupEnabled { get; }
    public Providers.Local.LocalReclaimModel ReclaimModel { get; }
    /// <summary>What the proxy invokes: the platform, or the chaos decorator around it.</summary>
    public IFunctionBackend Backend { get; }
    /// <summary>The chaos session, when a plan was given.</summary>
    public ChaosSession? Chaos => _chaos;
    /// <summary>Every instance the platform reclaimed, with the simulated time since the tier started.</summary>
    public IReadOnlyCollection<ReclaimRecord> Reclaims => _reclaims;
    public IErasureCodec Codec { get; }
    public LocalFunctionPlatform Platform { get; }
    public SnapshotPlacement<string> Placement { get; }
    public ProxyEventLog Events { get; }
    public TierProxy Proxy { get; }
    public TierClient Client { get; }
    public CostMeter Meter { get; }

    /// <summary>Builds and starts the tier, with backups or without.</summary>
    public static ReplayTier Start(ReplaySettings settings, bool backup = true) => new(settings, backup);

    /// <summary>
    /// The node whose chunks a function's next request reaches: its only busy or starting instance if one is (the
    /// connected primary), else its most recently used idle instance (where the platform routes the next invocation);
    /// null when that is not known (no instance, or several busy: a backup running beside the primary).
    /// </summary>
    public FunctionNode? PrimaryNodeOf(string functionName)
    {
        var instances = Platform.GetFunction(functionName).Instances;
        var busy = instances.Where(i => i.State != Providers.Local.LocalInstanceState.Idle).ToArray();
        var primary = busy.Length switch
        {
            1 => busy[0],
            0 => instances.OrderByDescending(i => i.LastUsedAt ?? i.CreatedAt).FirstOrDefault(),
            _ => null,
        };
        return primary is null ? null : _nodesByInstance.GetValueOrDefault(primary.InstanceId);
    }

    private Func<Providers.Local.LocalInstanceContext, IFunctionHandler> Wrap(Func<Providers.Local.LocalInstanceContext, IFunctionHandler> factory) =>
        _chaos is null ? factory : _chaos.WrapHandlerFactory(factory);

    /// <summary>Stops the client and proxy, then the platform (which waits for running invocations, so they are metered).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await Client.DisposeAsync();
        await Proxy.DisposeAsync();
        if (_chaos is not null) await _chaos.DisposeAsync();
        await Platform.DisposeAsync();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>One instance the platform reclaimed.</summary>
/// <param name="At">Simulated time since the tier started.</param>
/// <param name="FunctionName">The function (node) it ran.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Reason">Why the platform took it.</param>
/// <param name="State">What it was doing then.</param>
internal readonly record struct ReclaimRecord(TimeSpan At, string FunctionName, string InstanceId, Providers.Local.LocalReclaimReason Reason, Providers.Local.LocalInstanceState State);
