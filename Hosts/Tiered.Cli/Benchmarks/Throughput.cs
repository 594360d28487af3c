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

/// <summary>
/// Times operations: a warm-up that also calibrates how many operations fill a round, then timed rounds.
/// Several operations measured together alternate round by round, so that noise from other processes on the
/// machine falls on all of them alike and their ratio stays meaningful.
/// </summary>
internal static class ThroughputMeter
{
    public static Throughput Measure(Action operation, long bytesPerOperation, MeasureSettings settings) =>
        MeasureInterleaved([(operation, bytesPerOperation)], settings)[0];

    public static Throughput[] MeasureInterleaved(IReadOnlyList<(Action Operation, long BytesPerOperation)> operations, MeasureSettings settings)
    {
        int count = operations.Count;
        var opsPerRound = new long[count];
        for (int o = 0; o < count; o++)
        {
            // Warm-up: lets tiered compilation reach its optimized code and fills the caches; also calibrates.
            var operation = operations[o].Operation;
            long warmupOps = 0;
            var clock = Stopwatch.StartNew();
            do
            {
                operation();
                warmupOps++;
            } while (clock.Elapsed < settings.Warmup || warmupOps < 2);
            double secondsPerOp = clock.Elapsed.TotalSeconds / warmupOps;
            opsPerRound[o] = Math.Max(1, (long)Math.Ceiling(settings.Round.TotalSeconds / secondsPerOp));
        }

        var rounds = new double[count][];
        for (int o = 0; o < count; o++) rounds[o] = new double[settings.Rounds];
        for (int round = 0; round < settings.Rounds; round++)
        {
            for (int o = 0; o < count; o++)
            {
                var operation = operations[o].Operation;
                long n = opsPerRound[o];
                long start = Stopwatch.GetTimestamp();
                for (long i = 0; i < n; i++) operation();
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                rounds[o][round] = operations[o].BytesPerOperation * (double)n / seconds / 1e9;
            }
        }

        var results = new Throughput[count];
        for (int o = 0; o < count; o++)
        {
            var sorted = rounds[o].Order().ToArray();
            int mid = sorted.Length / 2;
            double median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
            results[o] = new Throughput(sorted[^1], median, opsPerRound[o], rounds[o]);
        }
        return results;
    }
}
