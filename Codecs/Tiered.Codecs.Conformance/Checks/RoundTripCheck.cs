using static Tiered.Codecs.Conformance.CheckContext;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>Encode then Decode, with all shards and with r of them lost, for many object lengths.</summary>
internal static class RoundTripCheck
{
    /// <summary>
    /// 0, 1, small odd lengths, one byte under / at / over 1, 2 and 3 stripes (a stripe being k × ShardAlignment,
    /// which for a striped codec is k × stripe unit), many stripes ending mid-block, the large object, and the extras.
    /// </summary>
    public static IReadOnlyList<int> Lengths(CheckContext c)
    {
        long stripe = c.Stripe;
        var lengths = new List<long> { 0, 1, 2, 3, 7, 13, 31, 63, 64, 65, 255, 257, 1000, 4095, 4097 };
        for (int stripes = 1; stripes <= 3; stripes++)
            lengths.AddRange([stripe * stripes - 1, stripe * stripes, stripe * stripes + 1]);
        lengths.Add(stripe / 2 + 1);
        lengths.Add(stripe * (c.N + 1) + stripe / 3 + 5);
        lengths.Add(c.Options.LargeObjectLength);
        lengths.Add(c.Options.LargeObjectLength + 1L);
        lengths.AddRange(c.Options.ExtraLengths.Select(l => (long)l));
        long max = Math.Min(c.Codec.MaxObjectLength, Math.Max(c.Options.LargeObjectLength + 1L, c.Options.ExtraLengths.DefaultIfEmpty(0).Max()));
        return lengths.Where(l => l >= 0 && l <= max && l <= Array.MaxLength).Select(l => (int)l).Distinct().Order().ToArray();
    }

    public static string Run(CheckContext c)
    {
        var lengths = Lengths(c);
        int index = 0;
        foreach (int length in lengths)
        {
            var obj = c.RandomObject(length);
            var shards = c.Encode(obj);
            int size = c.Codec.ShardSize(length);
            var all = Present(c.N, []);
            EnsureEqual(obj, c.Decode(shards, all, obj), $"object of {length} bytes ({size}-byte shards), decoded with every shard present");

            if (c.R > 0)
            {
                // One erasure pattern per length, rotating so that different shards go missing.
                var missing = Enumerable.Range(0, c.R).Select(i => (index * c.R + i) % c.N).Distinct();
                var present = Present(c.N, missing);
                var before = Clone(shards);
                EnsureEqual(obj, c.Decode(shards, present, obj), $"object of {length} bytes ({size}-byte shards), decoded with {Describe(present)}");
                for (int i = 0; i < c.N; i++) EnsureEqual(before[i], shards[i], $"object of {length} bytes: Decode modified shard {i}");
            }
            index++;
        }
        return $"{lengths.Count} lengths from {lengths[0]} to {lengths[^1]} bytes round-trip (stripe = k × alignment = {c.Stripe} bytes), each also with {c.R} shard(s) lost";
    }
}
