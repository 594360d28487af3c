namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>Percentiles and throughput of a set of operation latencies.</summary>
internal sealed record LatencyStats(int Count, double P50Ms, double P99Ms, double MeanMs, double MinMs, double MaxMs, double WallSeconds, long BytesPerOp)
{
    /// <summary>Throughput in MB/s (10^6 bytes per second) over the wall time of the measurement.</summary>
    public double MBps => WallSeconds <= 0 ? 0 : (double)BytesPerOp * Count / WallSeconds / 1e6;

    /// <summary>Operations per second over the wall time of the measurement.</summary>
    public double OpsPerSecond => WallSeconds <= 0 ? 0 : Count / WallSeconds;

    /// <summary>
    /// Nearest-rank percentiles of <paramref name="samplesMs"/>. <paramref name="wallSeconds"/> is the elapsed
    /// time the operations took together: their sum when run one after another, the wall clock when concurrent.
    /// </summary>
    public static LatencyStats From(IReadOnlyList<double> samplesMs, double wallSeconds, long bytesPerOp)
    {
        if (samplesMs.Count == 0) throw new ArgumentException("No samples.", nameof(samplesMs));
        var sorted = samplesMs.Order().ToArray();
        return new LatencyStats(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Average(), sorted[0], sorted[^1], wallSeconds, bytesPerOp);
    }

    /// <summary>Nearest rank: the smallest sample with at least <paramref name="p"/> of the samples at or below it.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        int rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
