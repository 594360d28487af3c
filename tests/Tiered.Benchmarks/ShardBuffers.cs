namespace Tiered.Benchmarks;

/// <summary>Pinned, randomly filled shard buffers for the suites (allocated once per parameter set).</summary>
internal static class ShardBuffers
{
    public static Memory<byte>[] Create(int count, int shardSize, int seed)
    {
        var random = new Random(seed);
        var shards = new Memory<byte>[count];
        for (int i = 0; i < count; i++)
        {
            var buffer = GC.AllocateUninitializedArray<byte>(shardSize, pinned: true);
            random.NextBytes(buffer);
            shards[i] = buffer;
        }
        return shards;
    }

    public static bool[] Present(int count, params int[] lost)
    {
        var present = Enumerable.Repeat(true, count).ToArray();
        foreach (int i in lost) present[i] = false;
        return present;
    }
}
