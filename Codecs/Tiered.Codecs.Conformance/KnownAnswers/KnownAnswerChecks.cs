using Tiered.Coding;

namespace Tiered.Codecs.Conformance.KnownAnswers;

/// <summary>The outcome of one known-answer check.</summary>
public sealed record VectorCheckResult(string Name, bool Passed, string Detail);

/// <summary>Checks codecs against known-answer vectors through <see cref="IErasureCodec"/> alone.</summary>
public static class KnownAnswerChecks
{
    /// <summary>
    /// Parity: the data shards present and the parity shards missing, <see cref="IErasureCodec.Reconstruct"/> must
    /// produce exactly the vector's parity. Decode: with the first min(r,k) data shards lost, they must be rebuilt.
    /// </summary>
    public static VectorCheckResult Check(ReedSolomonVector vector, IErasureCodec codec)
    {
        try
        {
            int k = vector.DataShards, r = vector.ParityShards;
            if (codec.DataShards != k || codec.ParityShards != r)
                return new(vector.Name, false, $"{codec.Name} is not a ({k},{r}) code");
            var shards = vector.Data.Select(d => (byte[])d.Clone()).Concat(vector.Parity.Select(p => new byte[p.Length])).ToArray();
            var memories = shards.Select(s => s.AsMemory()).ToArray();
            var present = Enumerable.Range(0, k + r).Select(i => i < k).ToArray();
            codec.Reconstruct(memories, present);
            for (int i = 0; i < r; i++)
                if (!shards[k + i].AsSpan().SequenceEqual(vector.Parity[i]))
                    return new(vector.Name, false, $"parity shard {i} differs from the vector at byte {FirstDifference(shards[k + i], vector.Parity[i])}");

            int lost = Math.Min(r, k);
            for (int i = 0; i < lost; i++) Array.Clear(shards[i]);
            present = Enumerable.Range(0, k + r).Select(i => i >= lost).ToArray();
            codec.Reconstruct(memories, present);
            for (int i = 0; i < lost; i++)
                if (!shards[i].AsSpan().SequenceEqual(vector.Data[i]))
                    return new(vector.Name, false, $"data shard {i} rebuilt from {k} survivors differs at byte {FirstDifference(shards[i], vector.Data[i])}");
            return new(vector.Name, true, $"parity matches; {lost} lost data shard(s) rebuilt");
        }
        catch (Exception e)
        {
            return new(vector.Name, false, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Encode must produce the vector's shards; decode must return the object with any r shards lost.</summary>
    public static VectorCheckResult Check(RaidVector vector, IErasureCodec codec)
    {
        try
        {
            if (codec.TotalShards != vector.Shards.Length)
                return new(vector.Name, false, $"{codec.Name} makes {codec.TotalShards} shards, the vector has {vector.Shards.Length}");
            using var shards = codec.EncodeToShards(vector.Object);
            for (int i = 0; i < shards.Count; i++)
                if (!shards[i].Span.SequenceEqual(vector.Shards[i]))
                    return new(vector.Name, false, $"shard {i} differs from the vector at byte {FirstDifference(shards[i].Span, vector.Shards[i])}");
            if (!codec.DecodeToArray(shards).AsSpan().SequenceEqual(vector.Object))
                return new(vector.Name, false, "decoding with every shard present returned different bytes");
            int patterns = 1;
            for (int first = 0; first < shards.Count && codec.ParityShards > 0; first++)
            {
                shards.MarkAllPresent();
                for (int j = 0; j < codec.ParityShards; j++) shards.MarkMissing((first + j) % shards.Count);
                var decoded = codec.DecodeToArray(shards);
                if (!decoded.AsSpan().SequenceEqual(vector.Object))
                    return new(vector.Name, false, $"decoding with shards {first}..{first + codec.ParityShards - 1} (mod {shards.Count}) lost returned different bytes");
                patterns++;
            }
            return new(vector.Name, true, $"shards match; decoded under {patterns} erasure pattern(s)");
        }
        catch (Exception e)
        {
            return new(vector.Name, false, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static int FirstDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.CommonPrefixLength(b);
}
