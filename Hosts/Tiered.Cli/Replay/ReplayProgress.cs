namespace Tiered.Cli.Replay;

/// <summary>Where a replay stands, reported a few times a second while it runs.</summary>
/// <param name="Done">Requests completed.</param>
/// <param name="Total">Requests in the trace.</param>
/// <param name="Gets">GETs completed.</param>
/// <param name="Hits">GETs that returned the object.</param>
/// <param name="Simulated">Simulated time since the tier started.</param>
/// <param name="Real">Real time since the replay started.</param>
internal readonly record struct ReplayProgress(long Done, long Total, long Gets, long Hits, TimeSpan Simulated, TimeSpan Real)
{
    /// <summary>Hits over GETs so far (0 before the first GET).</summary>
    public double HitRatio => Gets == 0 ? 0 : (double)Hits / Gets;

    /// <summary>Share of requests done.</summary>
    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}
