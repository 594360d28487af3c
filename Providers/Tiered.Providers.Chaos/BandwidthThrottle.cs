namespace Tiered.Chaos;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/> for one direction of one relayed connection: bytes may pass at
/// the cap's rate, with a small burst (a tenth of a second's worth, at least one slice). Waiting happens on the
/// clock, so under a fake clock bytes pass only as the test advances time, and over any span T at most
/// <c>rate × T + one slice</c> bytes pass. The cap may change between calls; the bucket follows.
/// </summary>
internal sealed class BandwidthThrottle(TimeProvider time, int maxSlice)
{
    private long _rate;
    private double _tokens;
    private long _last;

    /// <summary>How many bytes to forward at once under <paramref name="rate"/>: about a twentieth of a second's worth.</summary>
    public int SliceFor(long rate) => (int)Math.Clamp(rate / 20, 256, maxSlice);

    private double Burst(long rate) => Math.Max(SliceFor(rate), rate / 10.0);

    /// <summary>
    /// Waits until <paramref name="bytes"/> (at most a slice) may pass at <paramref name="rate"/> bytes/s. Ends early,
    /// taking nothing, with <see cref="ThrottleOutcome.FaultsChanged"/> when <paramref name="faultsChanged"/> is cancelled
    /// (the cap may be different or gone: the caller reads it again).
    /// </summary>
    public async ValueTask<ThrottleOutcome> AcquireAsync(int bytes, long rate, CancellationToken cancellationToken, CancellationToken faultsChanged)
    {
        bool waited = false;
        while (true)
        {
            Refill(rate);
            if (_tokens >= bytes)
            {
                _tokens -= bytes;
                return waited ? ThrottleOutcome.Waited : ThrottleOutcome.Passed;
            }
            double seconds = (bytes - _tokens) / rate;
            var wait = TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(seconds * TimeSpan.TicksPerSecond)));
            waited = true;
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, faultsChanged);
            try
            {
                await Task.Delay(wait, time, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ThrottleOutcome.FaultsChanged;
            }
        }
    }

    private void Refill(long rate)
    {
        long now = time.GetTimestamp();
        if (rate != _rate)
        {
            // A new cap (or the first): start from one slice (or what is left, if less), counting from now.
            _tokens = _rate == 0 ? SliceFor(rate) : Math.Min(_tokens, Burst(rate));
            _rate = rate;
            _last = now;
            return;
        }
        double elapsed = time.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        if (elapsed > 0) _tokens = Math.Min(Burst(rate), _tokens + elapsed * rate);
    }
}

/// <summary>How a <see cref="BandwidthThrottle.AcquireAsync"/> ended.</summary>
internal enum ThrottleOutcome
{
    /// <summary>The bytes may pass; there was credit.</summary>
    Passed,
    /// <summary>The bytes may pass after waiting for credit.</summary>
    Waited,
    /// <summary>The faults changed while waiting; nothing was taken.</summary>
    FaultsChanged,
}
