namespace Tiered.Time;

/// <summary>
/// A clock that runs <see cref="Speed"/> times faster than an underlying clock (the system clock by default), for
/// replaying an hour of trace in a minute: <see cref="GetUtcNow"/> and <see cref="GetTimestamp"/> advance
/// <see cref="Speed"/> simulated ticks per underlying tick from the moment the provider was created, and
/// <see cref="CreateTimer"/> divides due times and periods by <see cref="Speed"/>, so a 1-minute timer fires after
/// 1 s of real time at 60×.
/// </summary>
/// <remarks>
/// <para>Simulated and real time only agree on ordering, not on work: anything that takes real time (CPU, network)
/// takes <see cref="Speed"/> times longer in simulated time. Timeouts measured with <c>CancelAfter</c> or
/// <c>Task.Delay</c> without a provider still use real time.</para>
/// <para>A positive period never becomes zero (which would turn a periodic timer into a one-shot): scaled periods are at
/// least one millisecond, the resolution of the system timer. <see cref="Timeout.InfiniteTimeSpan"/> stays infinite.</para>
/// </remarks>
public sealed class ScaledTimeProvider : TimeProvider
{
    private static readonly TimeSpan MinPeriod = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _inner;
    private readonly DateTimeOffset _startUtc;
    private readonly long _innerStartTimestamp;
    private readonly DateTimeOffset _innerStartUtc;

    /// <summary>Creates a clock running <paramref name="speed"/> times faster than <paramref name="inner"/>.</summary>
    /// <param name="speed">Simulated seconds per real second (&gt; 0; values below 1 slow time down).</param>
    /// <param name="start">The simulated time at creation; the underlying clock's current time when null.</param>
    /// <param name="inner">The underlying clock and timers; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="speed"/> is not a finite positive number.</exception>
    public ScaledTimeProvider(double speed, DateTimeOffset? start = null, TimeProvider? inner = null)
    {
        if (!double.IsFinite(speed) || speed <= 0)
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "The speed-up must be a finite number greater than 0.");
        Speed = speed;
        _inner = inner ?? System;
        _innerStartTimestamp = _inner.GetTimestamp();
        _innerStartUtc = _inner.GetUtcNow();
        _startUtc = start ?? _innerStartUtc;
    }

    /// <summary>Simulated seconds per real second.</summary>
    public double Speed { get; }

    /// <summary>The simulated time at creation.</summary>
    public DateTimeOffset Start => _startUtc;

    /// <summary>Simulated time elapsed since creation.</summary>
    public TimeSpan Elapsed => GetElapsedTime(_innerStartTimestamp);

    /// <summary>The simulated timestamp at creation (equal to the underlying clock's timestamp then).</summary>
    public long StartTimestamp => _innerStartTimestamp;

    /// <inheritdoc />
    public override long TimestampFrequency => _inner.TimestampFrequency;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        long real = _inner.GetTimestamp() - _innerStartTimestamp;
        return _innerStartTimestamp + (long)(real * Speed);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        long realTicks = (_inner.GetUtcNow() - _innerStartUtc).Ticks;
        return _startUtc + TimeSpan.FromTicks((long)(realTicks * Speed));
    }

    /// <summary>The real (underlying) duration that corresponds to a simulated one.</summary>
    public TimeSpan ToReal(TimeSpan simulated) => ScaleDue(simulated);

    /// <summary>The simulated duration that corresponds to a real (underlying) one.</summary>
    public TimeSpan ToSimulated(TimeSpan real) => TimeSpan.FromTicks((long)(real.Ticks * Speed));

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new ScaledTimer(this, _inner.CreateTimer(callback, state, ScaleDue(dueTime), ScalePeriod(period)));
    }

    private TimeSpan ScaleDue(TimeSpan due)
    {
        if (due == Timeout.InfiniteTimeSpan || due <= TimeSpan.Zero) return due; // negative ones are the inner provider's to refuse
        return TimeSpan.FromTicks(Math.Max(1, (long)(due.Ticks / Speed)));
    }

    private TimeSpan ScalePeriod(TimeSpan period)
    {
        if (period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero) return period;
        var scaled = TimeSpan.FromTicks((long)(period.Ticks / Speed));
        return scaled < MinPeriod ? MinPeriod : scaled;
    }

    /// <summary>A timer of the underlying clock whose <see cref="Change"/> takes simulated times.</summary>
    private sealed class ScaledTimer(ScaledTimeProvider owner, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(owner.ScaleDue(dueTime), owner.ScalePeriod(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
