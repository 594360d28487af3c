namespace Tiered.Cli.Replay;

/// <summary>
/// GET outcomes per simulated hour of the trace (a GET belongs to the hour its request is scheduled in), counted with
/// interlocked adds while the replay runs.
/// </summary>
internal sealed class HourlyAvailability
{
    private readonly Counters[] _hours;

    public HourlyAvailability(TimeSpan duration)
    {
        int hours = Math.Max(1, (int)Math.Ceiling(duration.Ticks / (double)TimeSpan.TicksPerHour));
        _hours = Enumerable.Range(0, hours).Select(_ => new Counters()).ToArray();
        Duration = duration;
    }

    public TimeSpan Duration { get; }

    /// <summary>The counters of the hour a request scheduled at <paramref name="at"/> belongs to.</summary>
    public Counters At(TimeSpan at) => _hours[Math.Clamp((int)(at.Ticks / TimeSpan.TicksPerHour), 0, _hours.Length - 1)];

    /// <summary>The hours' figures, in order.</summary>
    public IReadOnlyList<HourFigures> Snapshot() => _hours.Select((c, i) => new HourFigures(
        i,
        TimeSpan.FromHours(i),
        TimeSpan.FromTicks(Math.Min(Duration.Ticks, TimeSpan.FromHours(i + 1).Ticks)),
        Interlocked.Read(ref c.Gets), Interlocked.Read(ref c.Expected), Interlocked.Read(ref c.Served), Interlocked.Read(ref c.LostMisses),
        Interlocked.Read(ref c.Unavailable), Interlocked.Read(ref c.Unexplained), Interlocked.Read(ref c.EvictedMisses), Interlocked.Read(ref c.WrongBytes))).ToArray();

    /// <summary>One hour's counters (fields for <see cref="Interlocked"/>).</summary>
    internal sealed class Counters
    {
        public long Gets, Expected, Served, LostMisses, Unavailable, Unexplained, EvictedMisses, WrongBytes;
    }
}

/// <summary>What happened to the GETs of one simulated hour.</summary>
/// <param name="Index">0 for the first hour.</param>
/// <param name="From">Start of the hour (trace time).</param>
/// <param name="To">Its end (the trace's end for a last, partial hour).</param>
/// <param name="Gets">GETs scheduled in the hour.</param>
/// <param name="Expected">GETs of objects that should be present: stored by a PUT that succeeded, and not deleted, replaced, evicted for room or expired since.</param>
/// <param name="Served">Of those, GETs that returned the right bytes.</param>
/// <param name="LostMisses">Of those, misses because the proxy removed the object as lost (fewer than k chunks survived).</param>
/// <param name="Unavailable">Of those, GETs that failed (the object was temporarily unreachable, or the request errored).</param>
/// <param name="Unexplained">Of those, misses with no removal reported by the proxy (should be 0).</param>
/// <param name="EvictedMisses">Misses of objects evicted for room or expired (policy, not counted as expected).</param>
/// <param name="WrongBytes">GETs that returned other bytes than the object's (must be 0).</param>
internal sealed record HourFigures(int Index, TimeSpan From, TimeSpan To, long Gets, long Expected, long Served, long LostMisses, long Unavailable,
    long Unexplained, long EvictedMisses, long WrongBytes)
{
    /// <summary>Served over expected; null when no GET of a present object fell in the hour.</summary>
    public double? Availability => Expected == 0 ? null : (double)Served / Expected;
}

/// <summary>Platform and proxy events of one simulated hour of the tier's clock (deltas of sampled counters).</summary>
/// <param name="Index">0 for the first hour.</param>
/// <param name="IdleReclaims">Instances reclaimed after idling for their idle lifetime.</param>
/// <param name="Recycled">Instances recycled at the end of their instance lifetime.</param>
/// <param name="OtherReclaims">Instances reclaimed for other reasons (injected, timed out).</param>
/// <param name="Failovers">Nodes that came back on their backup peer.</param>
/// <param name="Reconciliations">Nodes that came back on another instance (a failover or a fresh one).</param>
/// <param name="Backups">Backups completed.</param>
/// <param name="ChunksLost">Chunks confirmed lost.</param>
/// <param name="Repairs">Chunks rebuilt.</param>
/// <param name="Unavailable">GETs the proxy answered as temporarily unavailable.</param>
internal sealed record HourEvents(int Index, long IdleReclaims, long Recycled, long OtherReclaims, long Failovers, long Reconciliations, long Backups,
    long ChunksLost, long Repairs, long Unavailable);
