namespace Tiered.Cli.Replay;

/// <summary>Latencies (real milliseconds) of one operation, by size class; thread-safe.</summary>
internal sealed class LatencyLog(int classes)
{
    private readonly List<double>[] _samples = Enumerable.Range(0, classes).Select(_ => new List<double>()).ToArray();

    public void Add(int sizeClass, double milliseconds)
    {
        var list = _samples[sizeClass];
        lock (list) list.Add(milliseconds);
    }

    /// <summary>Count, p50 and p99 of a class (nearest rank); zeros when the class is empty.</summary>
    public LatencySummary Summarize(int sizeClass)
    {
        double[] values;
        var list = _samples[sizeClass];
        lock (list) values = [.. list];
        if (values.Length == 0) return new LatencySummary(0, 0, 0);
        Array.Sort(values);
        return new LatencySummary(values.Length, Percentile(values, 0.50), Percentile(values, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Latency of one size class: how many samples, median and 99th percentile in milliseconds.</summary>
internal readonly record struct LatencySummary(int Count, double P50Ms, double P99Ms);
