using System.Diagnostics;

namespace Tiered.Cli.Benchmarks;

/// <summary>How long to warm up and how many timed rounds of what length to run.</summary>
internal sealed record MeasureSettings(TimeSpan Warmup, TimeSpan Round, int Rounds)
{
    public static MeasureSettings Full { get; } = new(TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(200), 7);
    public static MeasureSettings Quick { get; } = new(TimeSpan.FromMilliseconds(15), TimeSpan.FromMilliseconds(35), 3);
}

/// <summary>The result of one measurement: GB/s (10^9 bytes per second) of the best and the median round.</summary>
internal sealed record Throughput(double BestGBps, double MedianGBps, long OperationsPerRound, IReadOnlyList<double> RoundsGBps);

/// <summary>Times an operation: warm-up, then several rounds of a fixed number of operations.</summary>
internal static class ThroughputMeter
{
    public static Throughput Measure(Action operation, long bytesPerOperation, MeasureSettings settings)
    {
        // Warm-up: lets tiered compilation reach its optimized code and fills the caches; also calibrates.
        long warmupOps = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            operation();
            warmupOps++;
        } while (clock.Elapsed < settings.Warmup || warmupOps < 2);
        double secondsPerOp = clock.Elapsed.TotalSeconds / warmupOps;
        long opsPerRound = Math.Max(1, (long)Math.Ceiling(settings.Round.TotalSeconds / secondsPerOp));

        var rounds = new double[settings.Rounds];
        for (int round = 0; round < settings.Rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < opsPerRound; i++) operation();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            rounds[round] = bytesPerOperation * (double)opsPerRound / seconds / 1e9;
        }
        var sorted = rounds.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Throughput(sorted[^1], median, opsPerRound, rounds);
    }
}
