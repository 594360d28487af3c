using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;
using Tiered.Nodes;

namespace Tiered.Chaos;

/// <summary>
/// Wraps every handler a platform's handler factory creates in a <see cref="ChaosFunctionHandler"/> and keeps track of
/// the live ones, so chaos can reach the nodes' stores (<see cref="ChunkCorrupter"/>) and change their faults. A handler
/// leaves the registry when its platform disposes it (its instance was reclaimed).
/// <code>
/// var nodes = new ChaosNodeRegistry();
/// var platform = new LocalFunctionPlatform(options, nodes.WrapFactory&lt;LocalInstanceContext&gt;(_ => new FunctionNode()));
/// </code>
/// </summary>
public sealed class ChaosNodeRegistry : IDisposable
{
    private readonly ConcurrentDictionary<ChaosFunctionHandler, long> _handlers = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChaosMetrics _metrics;
    private readonly int? _seed;
    private ChaosHandlerOptions _handlerOptions;
    private long _wrapped;

    /// <summary>Creates an empty registry.</summary>
    /// <param name="handlerOptions">Faults of every handler wrapped from now on (none when null).</param>
    /// <param name="timeProvider">The clock of the handlers' start delays; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where the handlers log injected faults.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Chaos</c> meter; when null the registry owns a plain one.</param>
    /// <param name="seed">Seeds each handler's draws (derived per handler, in wrapping order).</param>
    public ChaosNodeRegistry(ChaosHandlerOptions? handlerOptions = null, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null, int? seed = null)
    {
        _handlerOptions = (handlerOptions ?? ChaosHandlerOptions.None).Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = new ChaosMetrics(meterFactory);
        _seed = seed;
    }

    /// <summary>The faults of new handlers. Setting it also changes every live handler's.</summary>
    public ChaosHandlerOptions HandlerOptions
    {
        get => Volatile.Read(ref _handlerOptions);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Volatile.Write(ref _handlerOptions, value.Validate());
            foreach (var handler in _handlers.Keys) handler.Options = value;
        }
    }

    /// <summary>Handlers wrapped so far, live or not.</summary>
    public long WrappedCount => Interlocked.Read(ref _wrapped);

    /// <summary>Wraps <paramref name="inner"/> and tracks it until it is disposed.</summary>
    public ChaosFunctionHandler Wrap(IFunctionHandler inner)
    {
        long ordinal = Interlocked.Increment(ref _wrapped);
        var handler = new ChaosFunctionHandler(inner, HandlerOptions, _time, _logger, _metrics, ownsMetrics: false,
            new ChaosRandom(ChaosRandom.Derive(_seed, $"handler#{ordinal}")), this);
        _handlers[handler] = ordinal;
        return handler;
    }

    /// <summary>
    /// A handler factory that wraps what <paramref name="factory"/> makes; <typeparamref name="TContext"/> is whatever the
    /// platform passes its factory (the Local platform's <c>LocalInstanceContext</c>).
    /// </summary>
    public Func<TContext, IFunctionHandler> WrapFactory<TContext>(Func<TContext, IFunctionHandler> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return context => Wrap(factory(context));
    }

    /// <summary>Every live handler, in the order they were wrapped.</summary>
    public IReadOnlyList<ChaosFunctionHandler> Handlers =>
        [.. _handlers.OrderBy(p => p.Value).Select(p => p.Key).Where(h => !h.IsDisposed)];

    /// <summary>The live handlers of one function (usually one instance; several while it runs concurrently).</summary>
    public IReadOnlyList<ChaosFunctionHandler> HandlersOf(string functionName) =>
        [.. Handlers.Where(h => h.FunctionName == functionName)];

    /// <summary>The live handler running in <paramref name="instanceId"/>, if any.</summary>
    public ChaosFunctionHandler? HandlerOf(string instanceId) => Handlers.FirstOrDefault(h => h.InstanceId == instanceId);

    /// <summary>The node of the most recently wrapped live instance of <paramref name="functionName"/>, if any.</summary>
    public FunctionNode? NodeOf(string functionName) => HandlersOf(functionName).LastOrDefault()?.Node;

    /// <summary>Every live node that has a store, with its function and instance, ordered by instance id.</summary>
    public IReadOnlyList<(string FunctionName, string InstanceId, ChunkStore Store)> Stores =>
        [.. Handlers.Select(h => (h.FunctionName, h.InstanceId, h.Store))
            .Where(s => s.FunctionName is not null && s.InstanceId is not null && s.Store is not null)
            .Select(s => (s.FunctionName!, s.InstanceId!, s.Store!))
            .OrderBy(s => s.Item2, StringComparer.Ordinal)];

    internal void Remove(ChaosFunctionHandler handler) => _handlers.TryRemove(handler, out _);

    /// <summary>Disposes the registry's meter (the handlers stay with their platform).</summary>
    public void Dispose() => _metrics.Dispose();
}
