using static Tiered.Codecs.Conformance.CheckContext;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>
/// Verify is true on fresh shards. When r ≥ 1 every shard either carries redundancy or feeds it (a data byte is
/// covered by parity, or it could not be rebuilt when its shard is lost), so flipping any single bit anywhere
/// must make Verify false. With r = 0 there is nothing to check and Verify stays true.
/// </summary>
internal static class VerifyCheck
{
    public static string Run(CheckContext c)
    {
        var lengths = new[] { 0, 1, (int)Math.Clamp(c.Stripe * 2 + c.Stripe / 3 + 5, 1, c.Options.ErasureObjectLength) };
        int flips = 0;
        foreach (int length in lengths.Distinct())
        {
            var obj = c.RandomObject(length);
            var shards = c.Encode(obj);
            Ensure(c.Codec.Verify(AsReadOnly(shards)), $"Verify is false on the fresh shards of a {length}-byte object");
            int size = shards[0].Length;
            if (size == 0) continue;
            for (int s = 0; s < c.N; s++)
            {
                foreach (int offset in Offsets(c, size))
                {
                    int bit = c.Random.Next(8);
                    shards[s][offset] ^= (byte)(1 << bit);
                    bool verified = c.Codec.Verify(AsReadOnly(shards));
                    shards[s][offset] ^= (byte)(1 << bit);
                    if (c.R > 0)
                        Ensure(!verified, $"Verify is still true after flipping bit {bit} of byte {offset} of shard {s} ({size}-byte shards of a {length}-byte object)");
                    else
                        Ensure(verified, $"{c.Codec.Name} has no redundancy, yet Verify is false after flipping bit {bit} of byte {offset} of shard {s}");
                    flips++;
                }
            }
            Ensure(c.Codec.Verify(AsReadOnly(shards)), $"Verify is false after every flip was undone ({length}-byte object)");
        }
        return c.R > 0
            ? $"true on fresh shards; false after each of {flips} single-bit flips across all {c.N} shards"
            : $"true on fresh shards and (no redundancy) after {flips} single-bit flips";
    }

    /// <summary>The first and last byte, the middle, the first byte of each alignment unit (up to 8), and a few random ones.</summary>
    private static IEnumerable<int> Offsets(CheckContext c, int size)
    {
        var offsets = new List<int> { 0, size - 1, size / 2 };
        for (int unit = 1; unit < 8 && (long)unit * c.Codec.ShardAlignment < size; unit++) offsets.Add(unit * c.Codec.ShardAlignment);
        for (int i = 0; i < 3; i++) offsets.Add(c.Random.Next(size));
        return offsets.Distinct();
    }
}
