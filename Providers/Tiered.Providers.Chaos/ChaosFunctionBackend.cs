using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;
using Tiered.Nodes;

namespace Tiered.Chaos;

/// <summary>
/// A decorator around any <see cref="IFunctionBackend"/> that injects faults into invocations and into the nodes'
/// dial-back connections:
/// <list type="bullet">
/// <item><b>Invocation faults</b>: fail an invocation (the task faults with <see cref="ChaosInvocationException"/>, as a
/// platform error would; nothing reaches the platform) and add latency before it reaches the platform.</item>
/// <item><b>Network faults</b>: the <see cref="NodeInvocation"/> payload's ProxyHost/ProxyPort are rewritten to a
/// <see cref="ChaosRelay"/> (one per function and proxy) that forwards to the proxy and can drop or stall the dial-back,
/// add latency to every write, and cap bandwidth (a straggler).</item>
/// </list>
/// Faults are random (<see cref="Rates"/>, per invocation or dial-back, seeded) and/or aimed at functions
/// (<see cref="SetFaults"/>, <see cref="MakeStraggler"/>, <see cref="DropDialBacks"/>, …), and can change at any time:
/// link faults reach open connections at their next write. Payloads that are not a <see cref="NodeInvocation"/> pass
/// through untouched. Create it with <see cref="Create"/> to keep the inner backend's
/// <see cref="IFunctionInstanceControl"/>. Disposing it stops the relays; it never disposes the inner backend.
/// </summary>
public class ChaosFunctionBackend : IFunctionBackend, IAsyncDisposable
{
    private readonly IFunctionBackend _inner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChaosMetrics _metrics;
    private readonly ChaosRandom _random;
    private readonly HashSet<string> _known;
    private readonly ConcurrentDictionary<string, FunctionFaults> _targeted = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Function, string Host, int Port), ChaosRelay> _relays = [];
    private readonly Lock _gate = new();
    private ChaosFaultRates _rates;
    private long _invocations, _failed, _delayed, _relayed;
    private bool _disposed;

    /// <summary>
    /// Wraps <paramref name="inner"/>; the result also implements <see cref="IFunctionInstanceControl"/> (forwarding to
    /// the inner backend) when the inner backend does, so a <see cref="ChaosReclaimer"/> can use either.
    /// </summary>
    public static ChaosFunctionBackend Create(IFunctionBackend inner, ChaosBackendOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null) =>
        inner is IFunctionInstanceControl
            ? new ChaosControllableFunctionBackend(inner, options, timeProvider, logger, meterFactory)
            : new ChaosFunctionBackend(inner, options, timeProvider, logger, meterFactory);

    /// <summary>Wraps <paramref name="inner"/> (see <see cref="Create"/> to keep its instance control).</summary>
    /// <param name="inner">The real backend.</param>
    /// <param name="options">Random faults, the straggler reference throughput, relay settings, seed.</param>
    /// <param name="timeProvider">The clock of every injected delay (invocation latency, relay stalls, latency and bandwidth); <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where injected faults are logged.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Chaos</c> meter; when null the backend owns a plain one.</param>
    public ChaosFunctionBackend(IFunctionBackend inner, ChaosBackendOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        Options = (options ?? new ChaosBackendOptions()).Validate();
        _rates = Options.Rates;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = new ChaosMetrics(meterFactory);
        _random = new ChaosRandom(ChaosRandom.Derive(Options.Seed, "backend"));
        _known = new HashSet<string>(inner.Functions, StringComparer.Ordinal);
    }

    /// <summary>The decorated backend.</summary>
    public IFunctionBackend Inner => _inner;

    /// <summary>What the backend was built with.</summary>
    public ChaosBackendOptions Options { get; }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public FunctionLimits Limits => _inner.Limits;

    /// <inheritdoc />
    public IReadOnlyList<string> Functions => _inner.Functions;

    /// <summary>The random faults now in force (validated when set; relays follow at once).</summary>
    public ChaosFaultRates Rates
    {
        get => Volatile.Read(ref _rates);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            lock (_gate)
            {
                Volatile.Write(ref _rates, value);
                RefreshRelaysLocked(null);
            }
        }
    }

    /// <summary>The faults aimed at <paramref name="function"/> (<see cref="FunctionFaults.None"/> when none).</summary>
    public FunctionFaults GetFaults(string function) => _targeted.GetValueOrDefault(function) ?? FunctionFaults.None;

    /// <summary>Every function with aimed faults, and its faults (a snapshot).</summary>
    public IReadOnlyDictionary<string, FunctionFaults> GetAllFaults() => new Dictionary<string, FunctionFaults>(_targeted, StringComparer.Ordinal);

    /// <summary>Replaces the faults aimed at <paramref name="function"/>; its relays follow at once.</summary>
    /// <exception cref="ArgumentException">The function is not in the backend's pool.</exception>
    public void SetFaults(string function, FunctionFaults faults)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(faults);
        if (!_known.Contains(function)) throw new ArgumentException($"Function '{function}' is not in the backend's pool ({string.Join(", ", Functions)}).", nameof(function));
        faults.Validate();
        lock (_gate)
        {
            if (faults.IsNone) _targeted.TryRemove(function, out _);
            else _targeted[function] = faults;
            RefreshRelaysLocked(function);
        }
        ChaosLog.FaultsChanged(_logger, function, faults);
    }

    /// <summary>Changes the faults aimed at <paramref name="function"/> (the others it has stay).</summary>
    public void UpdateFaults(string function, Func<FunctionFaults, FunctionFaults> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate) SetFaults(function, update(GetFaults(function)));
    }

    /// <summary>
    /// Makes <paramref name="function"/> a straggler: its connection carries at most
    /// <see cref="ChaosBackendOptions.ReferenceBytesPerSecond"/> / <paramref name="slowdown"/> bytes per second each way,
    /// from its next write on (open connections included).
    /// </summary>
    public void MakeStraggler(string function, double slowdown)
    {
        if (!double.IsFinite(slowdown) || slowdown < 1) throw new ArgumentOutOfRangeException(nameof(slowdown), slowdown, "A straggler's slowdown must be a finite number ≥ 1.");
        LimitBandwidth(function, Math.Max(1, (long)(Options.ReferenceBytesPerSecond / slowdown)));
    }

    /// <summary>Caps the bandwidth of <paramref name="function"/>'s connection at <paramref name="bytesPerSecond"/> each way (0 lifts the cap).</summary>
    public void LimitBandwidth(string function, long bytesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        UpdateFaults(function, f => f with { NodeToProxyBytesPerSecond = bytesPerSecond, ProxyToNodeBytesPerSecond = bytesPerSecond });
        if (bytesPerSecond > 0) ChaosLog.Straggler(_logger, function, bytesPerSecond);
    }

    /// <summary>Fails every invocation of <paramref name="function"/>.</summary>
    public void FailInvocations(string function) => UpdateFaults(function, f => f with { FailInvocations = true });

    /// <summary>Delays every invocation of <paramref name="function"/> by <paramref name="latency"/>.</summary>
    public void DelayInvocations(string function, TimeSpan latency) => UpdateFaults(function, f => f with { InvocationLatency = latency });

    /// <summary>Adds <paramref name="latency"/> before every write on <paramref name="function"/>'s connection.</summary>
    public void DelayWrites(string function, TimeSpan latency) => UpdateFaults(function, f => f with { WriteLatency = latency });

    /// <summary>
    /// Drops every dial-back of <paramref name="function"/> (the node cannot reach the proxy). With
    /// <paramref name="cutExisting"/>, its open connections are cut too, so the proxy has to invoke it again.
    /// </summary>
    public void DropDialBacks(string function, bool cutExisting = true)
    {
        UpdateFaults(function, f => f with { DropDialBacks = true });
        if (cutExisting) CutConnections(function);
    }

    /// <summary>
    /// Holds every dial-back of <paramref name="function"/> for <paramref name="duration"/> before forwarding. With
    /// <paramref name="cutExisting"/>, its open connections are cut too, so the next request has to dial back.
    /// </summary>
    public void StallDialBacks(string function, TimeSpan duration, bool cutExisting = true)
    {
        UpdateFaults(function, f => f with { StallDialBacks = duration });
        if (cutExisting) CutConnections(function);
    }

    /// <summary>Closes the open relayed connections of <paramref name="function"/> now (a network partition); the node and the proxy both see the connection end.</summary>
    /// <returns>How many connections were cut.</returns>
    public int CutConnections(string function)
    {
        ArgumentNullException.ThrowIfNull(function);
        ChaosRelay[] relays;
        lock (_gate) relays = [.. _relays.Where(r => r.Key.Function == function).Select(r => r.Value)];
        return relays.Sum(r => r.CutConnections());
    }

    /// <summary>Removes the faults aimed at <paramref name="function"/> (stalled dial-backs go on).</summary>
    public void ClearFaults(string function) => SetFaults(function, FunctionFaults.None);

    /// <summary>Removes every fault, aimed and random: the backend passes everything through from now on, and stalled dial-backs go on.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _targeted.Clear();
            Volatile.Write(ref _rates, ChaosFaultRates.None);
            RefreshRelaysLocked(null);
        }
        ChaosLog.FaultsCleared(_logger);
    }

    /// <summary>The relays made so far (one per function and proxy endpoint).</summary>
    public IReadOnlyList<ChaosRelay> Relays
    {
        get { lock (_gate) return [.. _relays.Values]; }
    }

    /// <summary>The relays of one function.</summary>
    public IReadOnlyList<ChaosRelay> RelaysOf(string function)
    {
        lock (_gate) return [.. _relays.Where(r => r.Key.Function == function).Select(r => r.Value)];
    }

    /// <summary>What has been injected so far.</summary>
    public ChaosBackendCounts Counts => new(
        Interlocked.Read(ref _invocations), Interlocked.Read(ref _failed), Interlocked.Read(ref _delayed), Interlocked.Read(ref _relayed),
        Relays.Aggregate(ChaosRelayCounts.Zero, (sum, relay) => sum + relay.Counts));

    /// <inheritdoc />
    /// <remarks>
    /// Injected latency runs first (on the backend's clock, honouring <paramref name="cancellationToken"/>), then an
    /// injected failure faults the task with <see cref="ChaosInvocationException"/>; otherwise the invocation, its
    /// dial-back pointed at the function's relay, goes to the inner backend.
    /// </remarks>
    public async Task<InvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        string function = invocation.FunctionName;
        Interlocked.Increment(ref _invocations);

        var aimed = GetFaults(function);
        var rates = Rates;
        bool inScope = rates.Covers(function);
        var latency = aimed.InvocationLatency;
        if (latency <= TimeSpan.Zero && inScope && rates.InvocationLatency > TimeSpan.Zero && _random.Chance(rates.InvocationLatencyProbability))
            latency = rates.InvocationLatency;
        bool fail = aimed.FailInvocations || (inScope && _random.Chance(rates.FailInvocationProbability));

        if (latency > TimeSpan.Zero)
        {
            Interlocked.Increment(ref _delayed);
            _metrics.Fault(ChaosFaultKinds.InvocationLatency, function);
            ChaosLog.InvocationDelayed(_logger, function, latency);
            await Task.Delay(latency, _time, cancellationToken).ConfigureAwait(false);
        }
        if (fail)
        {
            Interlocked.Increment(ref _failed);
            _metrics.Fault(ChaosFaultKinds.FailInvocation, function);
            ChaosLog.InvocationFailed(_logger, function);
            throw new ChaosInvocationException(function);
        }
        return await _inner.InvokeAsync(Route(invocation), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Points the node's dial-back at the function's relay (made on first use), when it should go through one.</summary>
    private FunctionInvocation Route(FunctionInvocation invocation)
    {
        string function = invocation.FunctionName;
        if (!Options.RelayAllDialBacks && !GetFaults(function).HasNetworkFaults && !(Rates.HasNetworkFaults && Rates.Covers(function)))
            return invocation;
        NodeInvocation node;
        try
        {
            node = NodeInvocation.FromJson(invocation.Payload.Span);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or NotSupportedException)
        {
            return invocation; // Not a node: nothing dials back.
        }
        var relay = RelayFor(function, node.ProxyHost, node.ProxyPort);
        if (relay is null) return invocation;
        Interlocked.Increment(ref _relayed);
        var payload = (node with { ProxyHost = Options.RelayAddress.ToString(), ProxyPort = relay.EndPoint.Port }).ToJson();
        return invocation with { Payload = payload };
    }

    private ChaosRelay? RelayFor(string function, string host, int port)
    {
        lock (_gate)
        {
            if (_disposed) return null;
            if (_relays.TryGetValue((function, host, port), out var relay)) return relay;
            EndPoint upstream = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
            int ordinal = _relays.Keys.Count(k => k.Function == function);
            relay = new ChaosRelay(upstream, RelayFaultsForLocked(function), new ChaosRelayOptions
            {
                Name = function,
                ListenEndPoint = new IPEndPoint(Options.RelayAddress, 0),
                BufferSize = Options.RelayBufferSize,
                Seed = ChaosRandom.Derive(Options.Seed, $"relay:{function}#{ordinal}"),
            }, _time, _logger, _metrics, ownsMetrics: false);
            relay.Start();
            _relays[(function, host, port)] = relay;
            return relay;
        }
    }

    private RelayFaults RelayFaultsForLocked(string function)
    {
        var aimed = GetFaults(function);
        var rates = Rates.Covers(function) ? Rates : ChaosFaultRates.None;
        return new RelayFaults
        {
            DropProbability = aimed.DropDialBacks ? 1 : rates.DropDialBackProbability,
            StallProbability = aimed.StallDialBacks is not null ? 1 : rates.StallDialBackProbability,
            StallDuration = aimed.StallDialBacks ?? rates.StallDuration,
            WriteLatency = aimed.WriteLatency > rates.WriteLatency ? aimed.WriteLatency : rates.WriteLatency,
            ClientToUpstreamBytesPerSecond = aimed.NodeToProxyBytesPerSecond,
            UpstreamToClientBytesPerSecond = aimed.ProxyToNodeBytesPerSecond,
        };
    }

    private void RefreshRelaysLocked(string? function)
    {
        foreach (var ((name, _, _), relay) in _relays)
            if (function is null || name == function) relay.Faults = RelayFaultsForLocked(name);
    }

    /// <summary>Stops every relay (closing the connections through them). The inner backend is not disposed. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        ChaosRelay[] relays;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            relays = [.. _relays.Values];
        }
        foreach (var relay in relays) await relay.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
        GC.SuppressFinalize(this);
    }
}
