namespace Tiered.Time;

/// <summary>
/// A token cancelled after a delay measured on a <see cref="TimeProvider"/> (so fake and scaled clocks govern
/// it) or when the linked token is cancelled. <c>CancelAfter</c> on a linked source would use the system clock.
/// </summary>
public sealed class TimeoutScope : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public TimeoutScope(TimeProvider time, TimeSpan delay, CancellationToken linked = default)
    {
        _timer = delay == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(delay, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, linked);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>Whether the delay (not the linked token) cancelled it.</summary>
    public bool TimedOut => _timer.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
