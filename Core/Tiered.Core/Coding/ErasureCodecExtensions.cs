namespace Tiered.Coding;

/// <summary>Object-level conveniences over <see cref="IErasureCodec"/> that manage pooled shard buffers.</summary>
public static class ErasureCodecExtensions
{
    /// <summary>Encodes <paramref name="source"/> into a freshly rented <see cref="ShardSet"/> (dispose it).</summary>
    public static ShardSet EncodeToShards(this IErasureCodec codec, ReadOnlySpan<byte> source)
    {
        var set = ShardSet.Rent(codec, source.Length);
        try
        {
            codec.Encode(source, set.Shards);
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    /// <summary>Decodes the object held by <paramref name="shards"/> (its <see cref="ShardSet.ObjectLength"/> must be known).</summary>
    public static byte[] DecodeToArray(this IErasureCodec codec, ShardSet shards)
    {
        if (shards.ObjectLength < 0)
            throw new ArgumentException("The shard set does not know the object's length; call Decode with a destination of the right length.", nameof(shards));
        var result = GC.AllocateUninitializedArray<byte>(checked((int)shards.ObjectLength));
        codec.Decode(shards.ReadOnlyShards, shards.Present, result);
        return result;
    }

    /// <summary>Rebuilds the missing shards of <paramref name="shards"/> in place and marks them present.</summary>
    public static void Reconstruct(this IErasureCodec codec, ShardSet shards, bool dataOnly = false)
    {
        codec.Reconstruct(shards.Shards, shards.Present, dataOnly);
        var present = shards.Present;
        for (int i = 0; i < present.Length; i++)
            if (!dataOnly || i < codec.DataShards) present[i] = true;
    }

    /// <summary>Whether every redundancy byte in a complete shard set matches its data.</summary>
    public static bool Verify(this IErasureCodec codec, ShardSet shards) => codec.Verify(shards.ReadOnlyShards);
}
