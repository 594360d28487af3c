using static Tiered.Codecs.Conformance.CheckContext;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>
/// For a codec that says it is systematic: changing one object byte changes exactly one byte of shards 0..k-1
/// (which held that object byte), different object bytes live in different places, and Decode with every data
/// shard present returns the object whatever the parity shards hold.
/// </summary>
internal static class SystematicCheck
{
    private const int SampledPositions = 48;

    public static string Run(CheckContext c)
    {
        if (!c.Codec.IsSystematic)
            throw new CheckNotApplicableException($"{c.Codec.Name} is not systematic (IsSystematic is false)");

        int length = (int)Math.Clamp(c.Stripe * 2 + c.Stripe / 3 + 5, 1, c.Options.ErasureObjectLength);
        var obj = c.RandomObject(length);
        var shards = c.Encode(obj);
        var positions = new List<int> { 0, length - 1, (int)Math.Min(c.Stripe - 1, length - 1), (int)Math.Min(c.Stripe, length - 1) };
        for (int i = 0; i < SampledPositions; i++) positions.Add(c.Random.Next(length));

        var seen = new Dictionary<(int Shard, int Offset), int>();
        foreach (int position in positions.Distinct())
        {
            var changed = (byte[])obj.Clone();
            changed[position] ^= (byte)(1 + c.Random.Next(255));
            var after = c.Encode(changed);
            var differences = new List<(int Shard, int Offset)>();
            for (int s = 0; s < c.K; s++)
                for (int o = 0; o < shards[s].Length; o++)
                    if (shards[s][o] != after[s][o]) differences.Add((s, o));
            Ensure(differences.Count == 1,
                $"changing object byte {position} of {length} changed {differences.Count} bytes of the data shards 0..{c.K - 1} instead of exactly one" +
                (differences.Count > 0 ? $" (first: shard {differences[0].Shard} byte {differences[0].Offset})" : ""));
            var (shard, offset) = differences[0];
            Ensure(shards[shard][offset] == obj[position] && after[shard][offset] == changed[position],
                $"object byte {position} maps to shard {shard} byte {offset}, which holds 0x{shards[shard][offset]:X2} rather than the object's 0x{obj[position]:X2}");
            Ensure(seen.TryAdd((shard, offset), position),
                $"object bytes {seen.GetValueOrDefault((shard, offset))} and {position} both live in shard {shard} byte {offset}");
        }

        // Every data shard present: the parity shards (also flagged present) are full of garbage and must not matter.
        var garbled = Clone(shards);
        for (int p = c.K; p < c.N; p++) RandomBytes.Fill(c.Random, garbled[p]);
        EnsureEqual(obj, c.Decode(garbled, Present(c.N, []), obj), "decoding with every data shard present and garbage in the parity shards");

        return $"{seen.Count} object bytes each live in exactly one data-shard byte; decoding with all data shards present ignores {c.R} garbage parity shard(s)";
    }
}
