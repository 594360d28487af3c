namespace Tiered.Workload;

/// <summary>
/// The size mixture: a log-uniform body between the minimum and the large-object threshold (small objects, every decade
/// equally represented) and a truncated power law above the threshold (large objects). Draws are stratified — the j-th of
/// n sizes of a class comes from the quantile slice [j/n, (j+1)/n) — so a few thousand objects already match the
/// distribution's shares closely; the first small size is the minimum and the last large size the maximum, so a trace
/// always spans the configured range.
/// </summary>
internal static class ObjectSizeModel
{
    /// <summary>Fills <paramref name="sizes"/> with the unscaled sizes of one class, in quantile order.</summary>
    public static void FillSmall(Span<long> sizes, long min, long threshold, ref WorkloadRandom random)
    {
        double logSpan = Math.Log((double)threshold / min);
        for (int j = 0; j < sizes.Length; j++)
        {
            double u = j == 0 ? 0 : (j + random.NextDouble()) / sizes.Length; // the minimum itself is always present
            sizes[j] = Math.Clamp((long)Math.Round(min * Math.Exp(u * logSpan)), min, threshold);
        }
    }

    /// <summary>Large sizes: density ∝ s^-(1+β) on (threshold, max]; β = 0 is log-uniform.</summary>
    public static void FillLarge(Span<long> sizes, long threshold, long max, double beta, ref WorkloadRandom random)
    {
        double ratio = (double)max / threshold;
        double tail = beta == 0 ? 0 : 1 - Math.Pow(ratio, -beta); // CDF of the untruncated law at max
        for (int j = 0; j < sizes.Length; j++)
        {
            double u = j == sizes.Length - 1 ? 1 : (j + random.NextDouble()) / sizes.Length; // and so is the maximum
            double size = beta == 0
                ? threshold * Math.Pow(ratio, u)
                : threshold * Math.Pow(1 - u * tail, -1 / beta);
            sizes[j] = Math.Clamp((long)Math.Round(size), threshold + 1, max);
        }
    }

    /// <summary>Applies <see cref="WorkloadOptions.SizeScale"/> keeping each size on its side of the scaled threshold.</summary>
    public static long Scale(long size, bool isLarge, WorkloadOptions options)
    {
        if (options.SizeScale == 1) return size;
        long scaled = (long)Math.Round(size * options.SizeScale);
        long threshold = options.ScaledLargeObjectThresholdBytes;
        return isLarge
            ? Math.Clamp(scaled, threshold + 1, options.ScaledMaxObjectBytes)
            : Math.Clamp(scaled, options.MinObjectBytes, threshold);
    }
}
