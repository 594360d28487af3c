using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;

namespace Tiered.Chaos;

/// <summary>
/// The decorators of one <see cref="ChaosPlan"/>, built around the pieces of a tier as they are created:
/// <code>
/// await using var chaos = ChaosPlan.Parse(spec).CreateSession(time, loggerFactory, networkTimeProvider: TimeProvider.System);
/// var platform = new LocalFunctionPlatform(options, chaos.WrapHandlerFactory&lt;LocalInstanceContext&gt;(_ => new FunctionNode()), time);
/// var backend = chaos.WrapBackend(platform);        // faults, relays, stragglers
/// var proxy = new TierProxy(proxyOptions, backend, placement, codecs, time);
/// chaos.Start();                                    // reclaims (through the backend's instance control) and corruption begin
/// </code>
/// Disposing the session stops the reclaimer, the corrupter and the relays; the platform and the proxy are the caller's.
/// </summary>
public sealed class ChaosSession : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly IMeterFactory? _meters;
    private readonly Lock _gate = new();
    private bool _disposed;

    internal ChaosSession(ChaosPlan plan, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, TimeProvider? networkTimeProvider)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        TimeProvider = timeProvider ?? TimeProvider.System;
        NetworkTimeProvider = networkTimeProvider ?? TimeProvider;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _meters = meterFactory;
        Nodes = new ChaosNodeRegistry(plan.ToHandlerOptions(), TimeProvider, _loggers.CreateLogger<ChaosFunctionHandler>(), meterFactory, ChaosRandom.Derive(plan.Seed, "nodes"));
    }

    /// <summary>The plan.</summary>
    public ChaosPlan Plan { get; }

    /// <summary>The clock of rates, schedules and slow starts.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The clock of the backend's delays: invocation latency, relay stalls, write latency, bandwidth caps.</summary>
    public TimeProvider NetworkTimeProvider { get; }

    /// <summary>The nodes wrapped by <see cref="WrapHandlerFactory"/> (slow starts; where corruption looks for chunks).</summary>
    public ChaosNodeRegistry Nodes { get; }

    /// <summary>The backend decorator, once <see cref="WrapBackend"/> made it.</summary>
    public ChaosFunctionBackend? Backend { get; private set; }

    /// <summary>The functions made stragglers by the plan's <c>straggler</c> item (picked with the seed).</summary>
    public IReadOnlyList<string> Stragglers { get; private set; } = [];

    /// <summary>The reclaimer, once <see cref="Start"/> made it (null when the plan reclaims nothing).</summary>
    public ChaosReclaimer? Reclaimer { get; private set; }

    /// <summary>The corrupter, once <see cref="Start"/> made it (null when the plan corrupts nothing).</summary>
    public ChunkCorrupter? Corrupter { get; private set; }

    /// <summary>A handler factory that wraps every handler <paramref name="factory"/> makes (see <see cref="ChaosNodeRegistry.WrapFactory"/>).</summary>
    public Func<TContext, IFunctionHandler> WrapHandlerFactory<TContext>(Func<TContext, IFunctionHandler> factory) => Nodes.WrapFactory(factory);

    /// <summary>
    /// Wraps <paramref name="inner"/> in a <see cref="ChaosFunctionBackend"/> with the plan's random faults and makes the
    /// plan's stragglers (picked uniformly with the seed among the backend's functions). Once per session.
    /// </summary>
    /// <exception cref="ArgumentException">The plan asks for more stragglers than the backend has functions.</exception>
    public ChaosFunctionBackend WrapBackend(IFunctionBackend inner, ChaosBackendOptions? baseOptions = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (Backend is not null) throw new InvalidOperationException("This chaos session has already wrapped a backend.");
            if (Plan.StragglerCount > inner.Functions.Count)
                throw new ArgumentException($"The chaos plan asks for {Plan.StragglerCount} stragglers but backend '{inner.Name}' has only {inner.Functions.Count} functions.", nameof(inner));
            var backend = ChaosFunctionBackend.Create(inner, Plan.ToBackendOptions(baseOptions), NetworkTimeProvider, _loggers.CreateLogger<ChaosFunctionBackend>(), _meters);
            var stragglers = new ChaosRandom(ChaosRandom.Derive(Plan.Seed, "stragglers")).Pick(inner.Functions, Plan.StragglerCount);
            foreach (string function in stragglers)
            {
                if (Plan.StragglerBytesPerSecond > 0) backend.LimitBandwidth(function, Plan.StragglerBytesPerSecond);
                else backend.MakeStraggler(function, Plan.StragglerSlowdown);
            }
            Stragglers = stragglers;
            Backend = backend;
            return backend;
        }
    }

    /// <summary>
    /// Starts the plan's schedules: the reclaimer (through <paramref name="control"/>, or the wrapped backend when it
    /// forwards an instance control) and the corrupter (over <see cref="Nodes"/>). Schedules count from now.
    /// </summary>
    /// <exception cref="InvalidOperationException">The plan reclaims but no instance control is available.</exception>
    public void Start(IFunctionInstanceControl? control = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (Reclaimer is not null || Corrupter is not null) throw new InvalidOperationException("This chaos session has already started.");
            if (Plan.ToReclaimerOptions() is { } reclaims)
            {
                var target = control ?? Backend as IFunctionInstanceControl
                    ?? throw new InvalidOperationException($"The chaos plan '{Plan}' reclaims instances, but the platform does not let its instances be reclaimed (no IFunctionInstanceControl).");
                Reclaimer = new ChaosReclaimer(target, reclaims, TimeProvider, _loggers.CreateLogger<ChaosReclaimer>(), _meters);
            }
            if (Plan.ToCorrupterOptions() is { } corruption)
                Corrupter = new ChunkCorrupter(Nodes, corruption, TimeProvider, _loggers.CreateLogger<ChunkCorrupter>(), _meters);
        }
    }

    /// <summary>Stops the reclaimer and the corrupter, and the backend's relays. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        if (Reclaimer is { } reclaimer) await reclaimer.DisposeAsync().ConfigureAwait(false);
        if (Corrupter is { } corrupter) await corrupter.DisposeAsync().ConfigureAwait(false);
        if (Backend is { } backend) await backend.DisposeAsync().ConfigureAwait(false);
        Nodes.Dispose();
    }
}
