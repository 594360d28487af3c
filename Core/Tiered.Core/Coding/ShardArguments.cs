namespace Tiered.Coding;

/// <summary>
/// The argument checks every codec makes, with messages that name the problem. Public so that
/// third-party codecs refuse bad input the same way the built-in ones do.
/// </summary>
public static class ShardArguments
{
    /// <summary>Checks the shape of a codec: k ≥ 1, r ≥ 0, k + r ≤ <paramref name="maxTotal"/>.</summary>
    public static void ValidateShape(string codec, int dataShards, int parityShards, int maxTotal = 256)
    {
        if (dataShards < 1)
            throw new ArgumentOutOfRangeException(nameof(dataShards), dataShards, $"{codec}: the number of data shards (k) must be at least 1, not {dataShards}.");
        if (parityShards < 0)
            throw new ArgumentOutOfRangeException(nameof(parityShards), parityShards, $"{codec}: the number of parity shards (r) must not be negative, not {parityShards}.");
        if (dataShards + parityShards > maxTotal)
            throw new ArgumentOutOfRangeException(nameof(parityShards), dataShards + parityShards, $"{codec}: k + r = {dataShards + parityShards} is more than the {maxTotal} shards this code supports.");
    }

    public static void ValidateCount(IErasureCodec codec, int count, string paramName)
    {
        if (count != codec.TotalShards)
            throw new ArgumentException($"{codec.Name}: expected {codec.TotalShards} shards (k={codec.DataShards} + r={codec.ParityShards}) but got {count}.", paramName);
    }

    public static void ValidatePresentFlags(IErasureCodec codec, int flagCount)
    {
        if (flagCount != codec.TotalShards)
            throw new ArgumentException($"{codec.Name}: expected {codec.TotalShards} presence flags, one per shard, but got {flagCount}.", "present");
    }

    /// <summary>Counts the missing shards and throws <see cref="TooManyErasuresException"/> when more than r are missing.</summary>
    public static int CountMissing(IErasureCodec codec, ReadOnlySpan<bool> present)
    {
        ValidatePresentFlags(codec, present.Length);
        int missing = 0;
        foreach (bool p in present)
            if (!p) missing++;
        if (missing > codec.ParityShards)
            throw new TooManyErasuresException(codec.Name, missing, codec.ParityShards);
        return missing;
    }

    /// <summary>
    /// Checks that every present shard has the same length (or exactly <paramref name="expectedLength"/> when given)
    /// and returns that length. Missing shards' buffers are checked only when <paramref name="checkMissing"/> is set,
    /// because they are written to.
    /// </summary>
    public static int ValidateLengths<T>(IErasureCodec codec, ReadOnlySpan<T> shards, ReadOnlySpan<bool> present, int expectedLength, bool checkMissing, Func<T, int> lengthOf)
    {
        int length = expectedLength;
        for (int i = 0; i < shards.Length; i++)
        {
            bool isPresent = present.IsEmpty || present[i];
            if (!isPresent && !checkMissing) continue;
            int actual = lengthOf(shards[i]);
            if (length < 0) { length = actual; continue; }
            if (isPresent ? actual != length : actual < length)
                throw new ArgumentException(
                    expectedLength >= 0
                        ? $"{codec.Name}: shard {i} is {actual} bytes but the shards of this object are {length} bytes."
                        : $"{codec.Name}: shard {i} is {actual} bytes but shard 0..{i - 1} are {length} bytes; all shards must have the same length.",
                    "shards");
        }
        return Math.Max(length, 0);
    }

    public static int LengthOf(Memory<byte> shard) => shard.Length;
    public static int LengthOf(ReadOnlyMemory<byte> shard) => shard.Length;

    /// <summary>Refuses a length the codec cannot split (negative, or beyond <see cref="IErasureCodec.MaxObjectLength"/>).</summary>
    public static void ValidateObjectLength(IErasureCodec codec, long objectLength)
    {
        if (objectLength < 0)
            throw new ArgumentOutOfRangeException(nameof(objectLength), objectLength, $"{codec.Name}: an object length cannot be negative.");
        if (objectLength > codec.MaxObjectLength)
            throw new ArgumentOutOfRangeException(nameof(objectLength), objectLength, $"{codec.Name}: an object of {objectLength} bytes is larger than the {codec.MaxObjectLength} bytes this codec can split.");
    }
}
