namespace Tiered.Workload;

/// <summary>
/// Knobs of the synthetic registry workload (see docs/workload-and-cost.md). The defaults reproduce the IBM Docker
/// registry statistics of DESIGN §1 over a one-hour trace; every default names where its figure comes from.
/// </summary>
public sealed record WorkloadOptions
{
    /// <summary>One mebibyte.</summary>
    public const long MiB = 1024L * 1024;

    /// <summary>The options every default names.</summary>
    public static WorkloadOptions Default { get; } = new();

    /// <summary>Seed of every random draw: the same options and seed give the same trace, on any machine.</summary>
    public int Seed { get; init; } = 2017;

    /// <summary>Distinct objects (keys) in the population. Default 4,000.</summary>
    public int ObjectCount { get; init; } = 4_000;

    /// <summary>
    /// Requests in the trace (PUT, GET and DELETE together). Default 100,000 over an hour (≈ 28 requests/s), which with
    /// the default Zipf exponent gives most reused objects 10+ accesses. See <see cref="WithRequestRate"/>.
    /// </summary>
    public int RequestCount { get; init; } = 100_000;

    /// <summary>Span of the trace: request times fall in [0, Duration). Default one hour.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Smallest object size in bytes before scaling. Default 1 B (registry traces start at a few bytes).</summary>
    public long MinObjectBytes { get; init; } = 1;

    /// <summary>Largest object size in bytes before scaling. Default 256 MiB, which an in-process replay can hold.</summary>
    public long MaxObjectBytes { get; init; } = 256 * MiB;

    /// <summary>The "large object" boundary of the paper (objects above it are large). Default 10 MiB.</summary>
    public long LargeObjectThresholdBytes { get; init; } = 10 * MiB;

    /// <summary>Share of objects, by count, above <see cref="LargeObjectThresholdBytes"/>. Default 0.25 (DESIGN §1: &gt; 20 %).</summary>
    public double LargeObjectFraction { get; init; } = 0.25;

    /// <summary>
    /// Power-law exponent β of the large-object sizes: density ∝ size^-(1+β) between the threshold and the maximum
    /// (0 = log-uniform). Default 1, which puts ≈ 95 % of the footprint in large objects (DESIGN §1).
    /// </summary>
    public double LargeObjectTailExponent { get; init; } = 1.0;

    /// <summary>
    /// Share of objects (taken exactly in each size class) that are reused: accessed again within
    /// <see cref="ReuseWindow"/> of their first access. The rest are one-shot (a single PUT). Default 0.40
    /// (DESIGN §1: 35–45 % of large objects are reused within an hour).
    /// </summary>
    public double ReuseFraction { get; init; } = 0.40;

    /// <summary>A reused object's accesses all fall within one window of this length. Default one hour.</summary>
    public TimeSpan ReuseWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Zipf exponent s of the popularity of reused objects: the object of popularity rank r receives extra accesses in
    /// proportion to r^-s. Default 1.0 (classic Zipf; "Zipf-like popularity", DESIGN §8).
    /// </summary>
    public double ZipfExponent { get; init; } = 1.0;

    /// <summary>Probability that a later access to a present object is a re-PUT (an update). Default 0.</summary>
    public double UpdateFraction { get; init; }

    /// <summary>Probability that a later access to a present object is a DELETE. Default 0.</summary>
    public double DeleteFraction { get; init; }

    /// <summary>
    /// Multiplies every size (and the large-object threshold) for quick runs: 1/1024 turns 256 MiB into 256 KiB while
    /// keeping the shares by count and footprint; sizes never drop below <see cref="MinObjectBytes"/>, so the bottom
    /// decades fold onto it and the span in orders of magnitude shrinks by log10(1/scale). Range (0, 1]; default 1.
    /// </summary>
    public double SizeScale { get; init; } = 1.0;

    /// <summary>The large-object threshold after <see cref="SizeScale"/>: what statistics should compare sizes with.</summary>
    public long ScaledLargeObjectThresholdBytes => Math.Max(MinObjectBytes, (long)Math.Round(LargeObjectThresholdBytes * SizeScale));

    /// <summary>The largest size after <see cref="SizeScale"/>.</summary>
    public long ScaledMaxObjectBytes => Math.Max(ScaledLargeObjectThresholdBytes + 1, (long)Math.Round(MaxObjectBytes * SizeScale));

    /// <summary>Mean request rate over the trace.</summary>
    public double RequestsPerSecond => RequestCount / Duration.TotalSeconds;

    /// <summary>Objects in the reused share (the exact count, summed over both size classes).</summary>
    public int ReusedObjectCount => ReusedIn(LargeObjectCount) + ReusedIn(ObjectCount - LargeObjectCount);

    /// <summary>Objects in the large size class.</summary>
    public int LargeObjectCount => (int)Math.Round(ObjectCount * LargeObjectFraction);

    /// <summary>These options with <see cref="RequestCount"/> set from a mean rate over <see cref="Duration"/>.</summary>
    public WorkloadOptions WithRequestRate(double requestsPerSecond)
    {
        if (!double.IsFinite(requestsPerSecond) || requestsPerSecond <= 0)
            throw new WorkloadOptionsException(nameof(RequestCount), $"the request rate must be a positive number of requests per second, not {requestsPerSecond}");
        double count = Math.Round(requestsPerSecond * Duration.TotalSeconds);
        if (count > int.MaxValue)
            throw new WorkloadOptionsException(nameof(RequestCount), $"{requestsPerSecond}/s over {Duration} is {count:N0} requests, more than {int.MaxValue:N0}");
        return this with { RequestCount = (int)count };
    }

    /// <summary>Throws <see cref="WorkloadOptionsException"/> naming the first bad option; returns these options otherwise.</summary>
    public WorkloadOptions Validate()
    {
        if (ObjectCount < 1) Fail(nameof(ObjectCount), $"ObjectCount must be at least 1, not {ObjectCount}");
        if (RequestCount < 0) Fail(nameof(RequestCount), $"RequestCount must not be negative, not {RequestCount}");
        if (Duration <= TimeSpan.Zero) Fail(nameof(Duration), $"Duration must be positive, not {Duration}");
        if (MinObjectBytes < 1) Fail(nameof(MinObjectBytes), $"MinObjectBytes must be at least 1, not {MinObjectBytes}");
        if (MinObjectBytes > MaxObjectBytes) Fail(nameof(MinObjectBytes), $"MinObjectBytes ({MinObjectBytes:N0}) must not exceed MaxObjectBytes ({MaxObjectBytes:N0})");
        if (LargeObjectThresholdBytes < MinObjectBytes || LargeObjectThresholdBytes >= MaxObjectBytes)
            Fail(nameof(LargeObjectThresholdBytes), $"LargeObjectThresholdBytes ({LargeObjectThresholdBytes:N0}) must lie in [MinObjectBytes, MaxObjectBytes) = [{MinObjectBytes:N0}, {MaxObjectBytes:N0})");
        CheckFraction(nameof(LargeObjectFraction), LargeObjectFraction);
        if (!double.IsFinite(LargeObjectTailExponent) || LargeObjectTailExponent < 0)
            Fail(nameof(LargeObjectTailExponent), $"LargeObjectTailExponent must be a finite number ≥ 0 (0 = log-uniform, 1 = default), not {LargeObjectTailExponent}");
        CheckFraction(nameof(ReuseFraction), ReuseFraction);
        if (ReuseWindow <= TimeSpan.Zero) Fail(nameof(ReuseWindow), $"ReuseWindow must be positive, not {ReuseWindow}");
        if (!double.IsFinite(ZipfExponent) || ZipfExponent < 0)
            Fail(nameof(ZipfExponent), $"ZipfExponent must be a finite number ≥ 0 (0 = uniform, 1 = classic Zipf), not {ZipfExponent}");
        CheckFraction(nameof(UpdateFraction), UpdateFraction);
        CheckFraction(nameof(DeleteFraction), DeleteFraction);
        if (UpdateFraction + DeleteFraction > 1)
            Fail(nameof(DeleteFraction), $"UpdateFraction + DeleteFraction must not exceed 1, not {UpdateFraction} + {DeleteFraction}");
        if (!double.IsFinite(SizeScale) || SizeScale <= 0 || SizeScale > 1)
            Fail(nameof(SizeScale), $"SizeScale must be in (0, 1] (it scales sizes down), not {SizeScale}");
        long needed = (long)ObjectCount + ReusedObjectCount;
        if (RequestCount < needed)
            Fail(nameof(RequestCount), $"RequestCount ({RequestCount:N0}) must be at least ObjectCount + reused objects = {ObjectCount:N0} + {ReusedObjectCount:N0} = {needed:N0}: every object is put once and every reused object read again");
        return this;
    }

    private int ReusedIn(int classCount) => (int)Math.Round(classCount * ReuseFraction);

    private static void CheckFraction(string name, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1) Fail(name, $"{name} must be a fraction in [0, 1], not {value}");
    }

    private static void Fail(string name, string message) => throw new WorkloadOptionsException(name, message);
}
