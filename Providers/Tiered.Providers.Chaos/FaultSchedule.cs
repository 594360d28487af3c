namespace Tiered.Chaos;

/// <summary>
/// When scheduled faults happen, on a <see cref="TimeProvider"/>: a Poisson process (a rate per hour), explicit
/// offsets from the start, and a fixed period, merged. Event times are absolute and computed from the start, not
/// from when a timer callback happened to run, so a fake clock advanced by any step fires exactly the events due
/// by then, in time order. One timer, armed synchronously by <see cref="Start"/> (a test may advance right after).
/// </summary>
internal sealed class FaultSchedule : IDisposable
{
    // Timers cannot be armed much beyond ~49.7 days; a later event re-arms when the capped timer fires.
    private static readonly TimeSpan MaxDue = TimeSpan.FromDays(49);

    private readonly TimeProvider _time;
    private readonly ChaosRandom _random;
    private readonly double _ratePerHour;
    private readonly TimeSpan? _every;
    private readonly TimeSpan[] _at;
    private readonly Action<ChaosTrigger, DateTimeOffset> _fire;
    private readonly Lock _gate = new();
    private readonly Lock _firing = new();
    private ITimer? _timer;
    private DateTimeOffset _start;
    private DateTimeOffset? _nextRate;
    private DateTimeOffset? _nextPeriodic;
    private int _nextAt;
    private bool _disposed;

    /// <param name="time">The clock.</param>
    /// <param name="random">Draws the Poisson intervals (keep it apart from other draws so the event times depend on the seed alone).</param>
    /// <param name="ratePerHour">Poisson events per hour (0 = none).</param>
    /// <param name="every">A fixed period (null = none).</param>
    /// <param name="at">Offsets from the start.</param>
    /// <param name="fire">Called for each event, in time order, never concurrently.</param>
    public FaultSchedule(TimeProvider time, ChaosRandom random, double ratePerHour, TimeSpan? every, IEnumerable<TimeSpan> at, Action<ChaosTrigger, DateTimeOffset> fire)
    {
        _time = time;
        _random = random;
        _ratePerHour = ratePerHour;
        _every = every;
        _at = [.. at.Order()];
        _fire = fire;
    }

    /// <summary>Whether anything is scheduled at all.</summary>
    public bool IsEmpty => _ratePerHour <= 0 && _every is null && _at.Length == 0;

    /// <summary>Starts the schedule at <paramref name="start"/> (normally now: offsets and periods count from it) and arms the timer.</summary>
    public void Start(DateTimeOffset start)
    {
        if (IsEmpty) return;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_timer is not null) throw new InvalidOperationException("The schedule has already started.");
            _start = start;
            if (_ratePerHour > 0) _nextRate = _start + _random.Exponential(_ratePerHour);
            if (_every is { } every) _nextPeriodic = _start + every;
            _timer = _time.CreateTimer(static s => ((FaultSchedule)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            ArmLocked(_time.GetUtcNow());
        }
    }

    private void OnTimer()
    {
        lock (_firing)
        {
            while (true)
            {
                (ChaosTrigger Trigger, DateTimeOffset At)? due;
                lock (_gate)
                {
                    if (_disposed) return;
                    var now = _time.GetUtcNow();
                    due = NextDueLocked(now);
                    if (due is null)
                    {
                        ArmLocked(now);
                        return;
                    }
                }
                _fire(due.Value.Trigger, due.Value.At);
            }
        }
    }

    /// <summary>Takes the earliest event due by <paramref name="now"/> and advances its source; null when none is due.</summary>
    private (ChaosTrigger, DateTimeOffset)? NextDueLocked(DateTimeOffset now)
    {
        var next = NextLocked();
        if (next is not { } n || n.At > now) return null;
        switch (n.Trigger)
        {
            case ChaosTrigger.Rate: _nextRate = n.At + _random.Exponential(_ratePerHour); break;
            case ChaosTrigger.Periodic: _nextPeriodic = n.At + _every!.Value; break;
            default: _nextAt++; break;
        }
        return n;
    }

    private (ChaosTrigger Trigger, DateTimeOffset At)? NextLocked()
    {
        (ChaosTrigger Trigger, DateTimeOffset At)? best = null;
        if (_nextAt < _at.Length) best = (ChaosTrigger.Schedule, _start + _at[_nextAt]);
        if (_nextPeriodic is { } p && (best is null || p < best.Value.At)) best = (ChaosTrigger.Periodic, p);
        if (_nextRate is { } r && (best is null || r < best.Value.At)) best = (ChaosTrigger.Rate, r);
        return best;
    }

    private void ArmLocked(DateTimeOffset now)
    {
        if (NextLocked() is not { } next) return;
        var due = next.At - now;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        if (due > MaxDue) due = MaxDue;
        _timer!.Change(due, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }
}
