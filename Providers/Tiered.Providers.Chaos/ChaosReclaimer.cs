using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;

namespace Tiered.Chaos;

/// <summary>
/// Reclaims function instances through a platform's <see cref="IFunctionInstanceControl"/>, as the platform itself
/// would: at a rate (a Poisson process, N per hour of the given <see cref="TimeProvider"/>), at explicit offsets
/// from the start, every X, or on demand (<see cref="ReclaimNow"/>). Each reclaim picks uniformly among the live
/// instances — optionally only those of some functions, or only idle ones. The schedule starts when the reclaimer
/// is constructed (its timer is armed synchronously, so a test may advance a fake clock right after) and stops
/// when it is disposed. With a seed, the same clock steps reclaim the same instances.
/// </summary>
public sealed class ChaosReclaimer : IAsyncDisposable
{
    private readonly IFunctionInstanceControl _control;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChaosMetrics _metrics;
    private readonly bool _ownsMetrics;
    private readonly ChaosRandom _picks;
    private readonly HashSet<string>? _functions;
    private readonly FaultSchedule _schedule;
    private readonly Lock _gate = new();
    private long _reclaimed;
    private long _missed;
    private int _disposed;

    /// <summary>Creates the reclaimer and starts its schedule.</summary>
    /// <param name="control">Lists and reclaims instances (the Local platform, the Lambda emulator, or a <see cref="ChaosFunctionBackend"/> over one).</param>
    /// <param name="options">When and what to reclaim (validated).</param>
    /// <param name="timeProvider">The clock of the rate and the schedule; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where each reclaim is logged.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Chaos</c> meter; when null the reclaimer owns a plain one.</param>
    public ChaosReclaimer(IFunctionInstanceControl control, ChaosReclaimerOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
        : this(control, options, timeProvider, logger, new ChaosMetrics(meterFactory), ownsMetrics: true)
    {
    }

    internal ChaosReclaimer(IFunctionInstanceControl control, ChaosReclaimerOptions? options, TimeProvider? timeProvider, ILogger? logger, ChaosMetrics metrics, bool ownsMetrics)
    {
        ArgumentNullException.ThrowIfNull(control);
        _control = control;
        Options = (options ?? new ChaosReclaimerOptions()).Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _ownsMetrics = ownsMetrics;
        _picks = new ChaosRandom(ChaosRandom.Derive(Options.Seed, "reclaimer.picks"));
        _functions = Options.Functions is { } f ? new HashSet<string>(f, StringComparer.Ordinal) : null;
        _schedule = new FaultSchedule(_time, new ChaosRandom(ChaosRandom.Derive(Options.Seed, "reclaimer.schedule")),
            Options.RatePerHour, Options.Every, Options.At, (trigger, at) => Reclaim(Options.InstancesPerEvent, trigger, at));
        StartedAt = _time.GetUtcNow();
        if (!_schedule.IsEmpty)
            ChaosLog.ReclaimerStarted(_logger, Options.RatePerHour, Options.Every, Options.At.Count, Scope());
        _schedule.Start(StartedAt);
    }

    /// <summary>What the reclaimer was built with.</summary>
    public ChaosReclaimerOptions Options { get; }

    /// <summary>When the schedule started (offsets in <see cref="ChaosReclaimerOptions.At"/> count from here).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Instances reclaimed so far.</summary>
    public long ReclaimCount => Interlocked.Read(ref _reclaimed);

    /// <summary>Reclaims that found no eligible live instance.</summary>
    public long MissedCount => Interlocked.Read(ref _missed);

    /// <summary>Raised after each reclaim, on the thread that made it (a timer's, or the caller's of <see cref="ReclaimNow"/>). Keep handlers quick; a throwing handler is logged and ignored.</summary>
    public event EventHandler<ChaosReclaim>? Reclaimed;

    /// <summary>Reclaims up to <paramref name="count"/> distinct eligible instances now, picked uniformly.</summary>
    /// <returns>What was reclaimed (fewer than asked when fewer were eligible).</returns>
    public IReadOnlyList<ChaosReclaim> ReclaimNow(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Reclaim(count, ChaosTrigger.Manual, _time.GetUtcNow());
    }

    private List<ChaosReclaim> Reclaim(int count, ChaosTrigger trigger, DateTimeOffset at)
    {
        var done = new List<ChaosReclaim>(count);
        lock (_gate)
        {
            var eligible = _control.GetInstances()
                .Where(i => (_functions is null || _functions.Contains(i.FunctionName)) && !(Options.IdleOnly && i.Busy))
                .OrderBy(i => i.InstanceId, StringComparer.Ordinal)
                .ToArray();
            foreach (var instance in _picks.Pick(eligible, count))
            {
                // The instance may have gone since the snapshot (reclaimed by its platform): then it is not counted.
                if (!_control.Reclaim(instance.InstanceId)) continue;
                var reclaim = new ChaosReclaim(instance.FunctionName, instance.InstanceId, trigger, at);
                done.Add(reclaim);
                Interlocked.Increment(ref _reclaimed);
                _metrics.Fault(ChaosFaultKinds.Reclaim, instance.FunctionName);
                ChaosLog.Reclaimed(_logger, instance.FunctionName, instance.InstanceId, trigger);
            }
        }
        if (done.Count == 0 && count > 0)
        {
            Interlocked.Increment(ref _missed);
            ChaosLog.NothingToReclaim(_logger, trigger);
        }
        foreach (var reclaim in done) Raise(reclaim);
        return done;
    }

    private void Raise(ChaosReclaim reclaim)
    {
        if (Reclaimed is not { } handlers) return;
        foreach (EventHandler<ChaosReclaim> handler in handlers.GetInvocationList())
        {
            try { handler(this, reclaim); }
            catch (Exception e) { ChaosLog.SubscriberFailed(_logger, nameof(Reclaimed), e); }
        }
    }

    private string Scope() =>
        (_functions is null ? "any function" : $"functions {string.Join(", ", _functions.Order(StringComparer.Ordinal))}") + (Options.IdleOnly ? ", idle instances only" : "");

    /// <summary>Stops the schedule (reclaims already made stay made). Idempotent.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
        _schedule.Dispose();
        if (_ownsMetrics) _metrics.Dispose();
        return ValueTask.CompletedTask;
    }
}
