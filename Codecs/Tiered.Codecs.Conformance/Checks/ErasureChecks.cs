using static Tiered.Codecs.Conformance.CheckContext;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>Decode and Reconstruct under every erasure pattern of up to r shards (or a sample of them).</summary>
internal static class ErasureChecks
{
    public static string Decode(CheckContext c)
    {
        int longLength = c.ErasureLength();
        int shortLength = (int)Math.Clamp(c.Stripe * 2 / 3 | 1, 1, longLength);
        var objects = new[] { c.RandomObject(longLength), c.RandomObject(shortLength) };
        var encoded = objects.Select(o => c.Encode(o)).ToArray();
        int patterns = 0;
        foreach (var missing in ErasurePatterns.UpTo(c, c.R))
        {
            var present = Present(c.N, missing);
            for (int o = 0; o < objects.Length; o++)
            {
                // Missing shards hold garbage: a codec that reads them returns wrong bytes.
                var shards = Clone(encoded[o]);
                foreach (int m in missing) RandomBytes.Fill(c.Random, shards[m]);
                var before = Clone(shards);
                var decoded = c.Decode(shards, present, objects[o]);
                EnsureEqual(objects[o], decoded, $"object of {objects[o].Length} bytes decoded with {Describe(present)}");
                for (int i = 0; i < c.N; i++)
                    EnsureEqual(before[i], shards[i], $"object of {objects[o].Length} bytes, {Describe(present)}: Decode wrote to shard {i}");
            }
            patterns++;
        }
        return $"{ErasurePatterns.Describe(c, patterns)} decode objects of {longLength} and {shortLength} bytes";
    }

    public static string ReconstructAll(CheckContext c) => Reconstruct(c, dataOnly: false);

    public static string ReconstructDataOnly(CheckContext c) => Reconstruct(c, dataOnly: true);

    private static string Reconstruct(CheckContext c, bool dataOnly)
    {
        int length = c.ErasureLength();
        var obj = c.RandomObject(length);
        var original = c.Encode(obj);
        int patterns = 0;
        foreach (var missing in ErasurePatterns.UpTo(c, c.R))
        {
            var present = Present(c.N, missing);
            var shards = Clone(original);
            // Every byte of a missing buffer differs from what belongs there, so an unwritten byte shows.
            foreach (int m in missing) shards[m] = Complement(original[m]);
            var garbage = Clone(shards);
            c.Codec.Reconstruct(AsMemory(shards), present, dataOnly);
            for (int i = 0; i < c.N; i++)
            {
                string what = $"Reconstruct({(dataOnly ? "dataOnly" : "all")}) with {Describe(present)}, shard {i}";
                if (present[i]) EnsureEqual(original[i], shards[i], $"{what} (present) was modified");
                else if (dataOnly && i >= c.K) EnsureEqual(garbage[i], shards[i], $"{what} (missing parity) was written although only data shards were asked for");
                else EnsureEqual(original[i], shards[i], $"{what} was rebuilt wrongly");
            }
            patterns++;
        }
        return $"{ErasurePatterns.Describe(c, patterns)} reconstruct {(dataOnly ? "the missing data shards (parity left alone)" : "every missing shard")} of a {length}-byte object";
    }
}
