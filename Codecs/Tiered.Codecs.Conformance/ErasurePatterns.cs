namespace Tiered.Codecs.Conformance;

/// <summary>
/// The erasure patterns (sets of missing shards) the erasure checks try: every set of 0..r shards when
/// k+r ≤ <see cref="ConformanceOptions.ExhaustiveShardLimit"/>, otherwise a seeded sample of
/// <see cref="ConformanceOptions.SampledPatterns"/> patterns (see there for what the sample always holds).
/// </summary>
internal static class ErasurePatterns
{
    public static bool IsExhaustive(CheckContext context) => context.N <= context.Options.ExhaustiveShardLimit;

    /// <summary>Patterns as missing-shard index lists, sorted ascending.</summary>
    public static IEnumerable<int[]> UpTo(CheckContext context, int maxMissing)
    {
        int n = context.N;
        maxMissing = Math.Min(maxMissing, n);
        if (IsExhaustive(context))
        {
            for (int size = 0; size <= maxMissing; size++)
                foreach (var combination in Combinations(n, size))
                    yield return combination;
            yield break;
        }

        int budget = context.Options.SampledPatterns;
        var fixedPatterns = new List<int[]> { Array.Empty<int>() };
        if (maxMissing > 0)
        {
            fixedPatterns.Add(Enumerable.Range(0, maxMissing).ToArray());
            fixedPatterns.Add(Enumerable.Range(n - maxMissing, maxMissing).ToArray());
            // The same number of data shards as the code can lose, spread out.
            fixedPatterns.Add(Enumerable.Range(0, maxMissing).Select(i => (int)((long)i * n / maxMissing)).Distinct().ToArray());
        }
        foreach (var pattern in fixedPatterns.Take(budget))
        {
            yield return pattern;
            budget--;
        }
        for (; budget > 0 && maxMissing > 0; budget--)
            yield return Random(context.Random, n, context.Random.Next(1, maxMissing + 1));
    }

    /// <summary>How many patterns <see cref="UpTo"/> yields, for messages.</summary>
    public static string Describe(CheckContext context, int count) =>
        IsExhaustive(context) ? $"all {count} patterns of 0..{context.R} erasures" : $"{count} sampled patterns of 0..{context.R} erasures (seed {context.Options.Seed})";

    public static int[] Random(Random random, int n, int size)
    {
        var all = Enumerable.Range(0, n).ToArray();
        random.Shuffle(all);
        var chosen = all[..size];
        Array.Sort(chosen);
        return chosen;
    }

    public static IEnumerable<int[]> Combinations(int n, int size)
    {
        var indices = Enumerable.Range(0, size).ToArray();
        if (size > n) yield break;
        while (true)
        {
            yield return (int[])indices.Clone();
            int i = size - 1;
            while (i >= 0 && indices[i] == n - size + i) i--;
            if (i < 0) yield break;
            indices[i]++;
            for (int j = i + 1; j < size; j++) indices[j] = indices[j - 1] + 1;
        }
    }
}
