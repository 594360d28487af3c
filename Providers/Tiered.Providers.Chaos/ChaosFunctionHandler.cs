using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;
using Tiered.Nodes;

namespace Tiered.Chaos;

/// <summary>
/// A decorator around the handler a function instance runs (typically a <see cref="FunctionNode"/>): it can make the
/// instance slow to start (a delay before the inner handler runs, on the given <see cref="TimeProvider"/>, cut short
/// if the platform cancels the invocation), and it remembers which function and instance it runs in, so chaos can reach
/// the node's <see cref="ChunkStore"/> (see <see cref="ChaosNodeRegistry"/> and <see cref="ChunkCorrupter"/>).
/// Disposing it disposes the inner handler, as the platform would have.
/// </summary>
public sealed class ChaosFunctionHandler : IFunctionHandler, IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChaosMetrics _metrics;
    private readonly bool _ownsMetrics;
    private readonly ChaosRandom _random;
    private readonly ChaosNodeRegistry? _registry;
    private ChaosHandlerOptions _options;
    private string? _functionName;
    private string? _instanceId;
    private long _invocations, _slowStarts;
    private int _disposed;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">What the instance really runs.</param>
    /// <param name="options">The faults (none when null); change them later with <see cref="Options"/>.</param>
    /// <param name="timeProvider">The clock of start delays; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where injected faults are logged.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Chaos</c> meter; when null the handler owns a plain one.</param>
    /// <param name="seed">Seeds the slow-start draws.</param>
    public ChaosFunctionHandler(IFunctionHandler inner, ChaosHandlerOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null, int? seed = null)
        : this(inner, options, timeProvider, logger, new ChaosMetrics(meterFactory), ownsMetrics: true, new ChaosRandom(seed), registry: null)
    {
    }

    internal ChaosFunctionHandler(IFunctionHandler inner, ChaosHandlerOptions? options, TimeProvider? timeProvider, ILogger? logger, ChaosMetrics metrics, bool ownsMetrics, ChaosRandom random, ChaosNodeRegistry? registry)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        _options = (options ?? ChaosHandlerOptions.None).Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _ownsMetrics = ownsMetrics;
        _random = random;
        _registry = registry;
    }

    /// <summary>Wraps <paramref name="inner"/> and tracks it in <paramref name="registry"/> (with the registry's handler options), so chaos can reach its node.</summary>
    public static ChaosFunctionHandler Wrap(IFunctionHandler inner, ChaosNodeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Wrap(inner);
    }

    /// <summary>The decorated handler.</summary>
    public IFunctionHandler Inner { get; }

    /// <summary>The node, when the decorated handler is a <see cref="FunctionNode"/>.</summary>
    public FunctionNode? Node => Inner as FunctionNode;

    /// <summary>The node's chunks (null until its first invocation, or when the handler is not a node).</summary>
    public ChunkStore? Store => Node?.Store;

    /// <summary>The function this handler runs for (null until its first invocation).</summary>
    public string? FunctionName => Volatile.Read(ref _functionName);

    /// <summary>The instance this handler runs in (null until its first invocation).</summary>
    public string? InstanceId => Volatile.Read(ref _instanceId);

    /// <summary>Invocations handled so far.</summary>
    public long Invocations => Interlocked.Read(ref _invocations);

    /// <summary>Invocations made slow to start so far.</summary>
    public long SlowStarts => Interlocked.Read(ref _slowStarts);

    /// <summary>Whether the platform has disposed the handler (its instance is gone).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The faults now in force (from the next invocation).</summary>
    public ChaosHandlerOptions Options
    {
        get => Volatile.Read(ref _options);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Volatile.Write(ref _options, value.Validate());
        }
    }

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        Volatile.Write(ref _functionName, context.FunctionName);
        Volatile.Write(ref _instanceId, context.InstanceId);
        bool first = Interlocked.Increment(ref _invocations) == 1;
        var options = Options;
        if (!options.IsNone && (first || !options.ColdStartOnly) && _random.Chance(options.StartDelayProbability))
        {
            Interlocked.Increment(ref _slowStarts);
            _metrics.Fault(ChaosFaultKinds.SlowStart, context.FunctionName);
            ChaosLog.SlowStart(_logger, context.FunctionName, context.InstanceId, options.StartDelay);
            await Task.Delay(options.StartDelay, _time, cancellationToken).ConfigureAwait(false);
        }
        return await Inner.HandleAsync(payload, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the inner handler (as the platform disposes a reclaimed instance's handler) and leaves the registry. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _registry?.Remove(this);
        try
        {
            if (Inner is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            else if (Inner is IDisposable disposable) disposable.Dispose();
        }
        finally
        {
            if (_ownsMetrics) _metrics.Dispose();
        }
    }
}
