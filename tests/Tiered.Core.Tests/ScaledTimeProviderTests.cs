using Tiered.Time;
using Xunit;

namespace Tiered.Core.Tests;

public sealed class ScaledTimeProviderTests
{
    /// <summary>A hand-driven underlying clock: time moves only by <see cref="Advance"/>; timers record what they were given.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public readonly List<ManualTimer> Timers = [];
        public DateTimeOffset Origin { get; } = new(2017, 6, 1, 0, 0, 0, TimeSpan.Zero);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => 1_000_000 + _ticks;
        public override DateTimeOffset GetUtcNow() => Origin + TimeSpan.FromTicks(_ticks);

        public void Advance(TimeSpan by)
        {
            _ticks += by.Ticks;
            foreach (var timer in Timers.ToArray()) timer.Fire(_ticks);
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(callback, state, _ticks);
            timer.Change(dueTime, period);
            Timers.Add(timer);
            return timer;
        }
    }

    private sealed class ManualTimer(TimerCallback callback, object? state, long createdAt) : ITimer
    {
        private long _now = createdAt;
        private long? _nextAt;
        public TimeSpan Due { get; private set; }
        public TimeSpan Period { get; private set; }
        public int Fired { get; private set; }
        public bool Disposed { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Due = dueTime;
            Period = period;
            _nextAt = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime.Ticks;
            return !Disposed;
        }

        public void Fire(long now)
        {
            _now = now;
            while (!Disposed && _nextAt is { } at && at <= now)
            {
                Fired++;
                callback(state);
                _nextAt = Period > TimeSpan.Zero ? at + Period.Ticks : null;
            }
        }

        public void Dispose() => Disposed = true;
        public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }
    }

    [Fact]
    public void Clock_runs_speed_times_faster_than_the_underlying_clock()
    {
        var inner = new ManualClock();
        var scaled = new ScaledTimeProvider(60, inner: inner);
        long t0 = scaled.GetTimestamp();
        var u0 = scaled.GetUtcNow();

        inner.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromMinutes(1), scaled.GetElapsedTime(t0));
        Assert.Equal(TimeSpan.FromMinutes(1), scaled.GetUtcNow() - u0);
        Assert.Equal(TimeSpan.FromMinutes(1), scaled.Elapsed);
        Assert.Equal(inner.TimestampFrequency, scaled.TimestampFrequency);
    }

    [Fact]
    public void Start_sets_the_simulated_time_at_creation()
    {
        var inner = new ManualClock();
        var start = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var scaled = new ScaledTimeProvider(10, start, inner);
        Assert.Equal(start, scaled.GetUtcNow());
        inner.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(start.AddSeconds(30), scaled.GetUtcNow());
    }

    [Fact]
    public void Without_a_start_the_clock_starts_at_the_underlying_time()
    {
        var inner = new ManualClock();
        var scaled = new ScaledTimeProvider(5, inner: inner);
        Assert.Equal(inner.Origin, scaled.GetUtcNow());
    }

    [Fact]
    public void Timers_get_due_times_and_periods_divided_by_the_speed()
    {
        var inner = new ManualClock();
        var scaled = new ScaledTimeProvider(60, inner: inner);
        int fired = 0;
        using var timer = scaled.CreateTimer(_ => fired++, null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2));

        var underlying = Assert.Single(inner.Timers);
        Assert.Equal(TimeSpan.FromSeconds(1), underlying.Due);
        Assert.Equal(TimeSpan.FromSeconds(2), underlying.Period);

        inner.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, fired);
        inner.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, fired);
        inner.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(3, fired);
    }

    [Fact]
    public void Change_scales_too_and_infinite_stays_infinite()
    {
        var inner = new ManualClock();
        var scaled = new ScaledTimeProvider(100, inner: inner);
        using var timer = scaled.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var underlying = Assert.Single(inner.Timers);
        Assert.Equal(Timeout.InfiniteTimeSpan, underlying.Due);
        Assert.Equal(Timeout.InfiniteTimeSpan, underlying.Period);

        Assert.True(timer.Change(TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan));
        Assert.Equal(TimeSpan.FromMilliseconds(100), underlying.Due);
        Assert.Equal(Timeout.InfiniteTimeSpan, underlying.Period);

        timer.Change(TimeSpan.Zero, TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, underlying.Due);
        Assert.Equal(TimeSpan.Zero, underlying.Period);
    }

    [Fact]
    public void A_positive_period_never_becomes_zero()
    {
        var inner = new ManualClock();
        var scaled = new ScaledTimeProvider(1_000_000, inner: inner);
        using var timer = scaled.CreateTimer(_ => { }, null, TimeSpan.FromTicks(5), TimeSpan.FromMilliseconds(10));
        var underlying = Assert.Single(inner.Timers);
        Assert.Equal(TimeSpan.FromTicks(1), underlying.Due);
        Assert.Equal(TimeSpan.FromMilliseconds(1), underlying.Period);
    }

    [Fact]
    public void Dispose_disposes_the_underlying_timer()
    {
        var inner = new ManualClock();
        var scaled = new ScaledTimeProvider(2, inner: inner);
        var timer = scaled.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Dispose();
        Assert.True(Assert.Single(inner.Timers).Disposed);
    }

    [Fact]
    public void Conversions_between_real_and_simulated_durations()
    {
        var scaled = new ScaledTimeProvider(60, inner: new ManualClock());
        Assert.Equal(TimeSpan.FromSeconds(1), scaled.ToReal(TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromHours(1), scaled.ToSimulated(TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Speed_must_be_finite_and_positive(double speed)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ScaledTimeProvider(speed));
        Assert.Equal("speed", e.ParamName);
    }

    [Fact]
    public async Task On_the_system_clock_a_simulated_delay_completes_in_scaled_real_time()
    {
        // No upper bound on wall time (tests assert behaviour, not speed): a 10-minute simulated delay at 10,000×
        // is 60 ms of real time, so it must complete well within the generous real-time guard.
        var scaled = new ScaledTimeProvider(10_000);
        long start = scaled.GetTimestamp();
        await Task.Delay(TimeSpan.FromMinutes(10), scaled).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(scaled.GetElapsedTime(start) >= TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_periodic_timer_ticks_on_the_scaled_clock()
    {
        var scaled = new ScaledTimeProvider(10_000);
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), scaled);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        for (int i = 0; i < 3; i++) Assert.True(await timer.WaitForNextTickAsync(guard.Token));
    }
}
