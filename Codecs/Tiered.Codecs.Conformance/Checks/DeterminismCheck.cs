using static Tiered.Codecs.Conformance.CheckContext;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>The same object gives the same shards: twice on one instance, on a second instance, whatever the buffers held.</summary>
internal static class DeterminismCheck
{
    public static string Run(CheckContext c)
    {
        var second = c.Factory?.Invoke() ?? c.Codec;
        string against = ReferenceEquals(second, c.Codec) ? "the same instance (no factory given)" : "a second instance from the factory";
        Ensure(second.Name == c.Codec.Name && second.TotalShards == c.N,
            $"the factory made {second.Name} with {second.TotalShards} shards, not {c.Codec.Name} with {c.N}");

        var lengths = new List<long> { 1, c.Stripe + 1, c.Stripe * 3 - 1, c.ErasureLength() };
        for (int i = 0; i < 3; i++) lengths.Add(c.Random.NextInt64(1, c.ErasureLength() + 1));
        foreach (int length in lengths.Where(l => l <= c.Codec.MaxObjectLength).Distinct().Select(l => (int)l))
        {
            var obj = c.RandomObject(length);
            var first = Encode(c.Codec, obj, c.Random);
            var again = Encode(c.Codec, obj, c.Random);
            var other = EncodeIntoFilled(second, obj, 0x00);
            var ones = EncodeIntoFilled(second, obj, 0xFF);
            for (int i = 0; i < c.N; i++)
            {
                EnsureEqual(first[i], again[i], $"object of {length} bytes encoded twice by one instance (different garbage in the buffers): shard {i}");
                EnsureEqual(first[i], other[i], $"object of {length} bytes encoded by {against} into zeroed buffers: shard {i}");
                EnsureEqual(first[i], ones[i], $"object of {length} bytes encoded by {against} into 0xFF-filled buffers: shard {i}");
            }
        }
        return $"{lengths.Distinct().Count()} objects encode to identical shards twice and on {against}, whatever the buffers held";
    }

    private static byte[][] EncodeIntoFilled(Tiered.Coding.IErasureCodec codec, byte[] obj, byte fill)
    {
        int size = codec.ShardSize(obj.Length);
        var shards = Enumerable.Range(0, codec.TotalShards).Select(_ => Enumerable.Repeat(fill, size).ToArray()).ToArray();
        codec.Encode(obj, AsMemory(shards));
        return shards;
    }
}
