using System.Globalization;
using static Tiered.Codecs.Conformance.CheckContext;
using static Tiered.Codecs.Conformance.Checks.ShapeChecks;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>
/// Malformed calls must be refused with an ArgumentException whose message names the problem, and must be
/// refused before anything is written: the destination of a refused Decode and the shards of a refused
/// Encode or Reconstruct are left exactly as they were.
/// </summary>
internal static class ArgumentChecks
{
    public static string WrongShardCount(CheckContext c)
    {
        var (obj, shards) = Sample(c);
        int calls = 0;
        foreach (int count in new[] { 0, c.N - 1, c.N + 1, 2 * c.N + 1 }.Where(n => n >= 0 && n != c.N).Distinct())
        {
            var wrong = Resize(shards, count);
            var present = Present(c.N, []);
            string[] mention = [Number(count), Number(c.N)];

            Refused(c, wrong, () => c.Codec.Encode(obj, AsMemory(wrong)), $"Encode into {count} shards", mention);
            RefusedDecode(c, obj, () => AsReadOnly(wrong), present, $"Decode from {count} shards (with {c.N} flags)", mention);
            Refused(c, wrong, () => c.Codec.Reconstruct(AsMemory(wrong), present), $"Reconstruct of {count} shards (with {c.N} flags)", mention);
            Refused(c, wrong, () => c.Codec.Verify(AsReadOnly(wrong)), $"Verify of {count} shards", mention);
            calls += 4;
        }
        return $"{calls} calls with the wrong number of shards refused, naming the counts; no buffer written";
    }

    public static string WrongFlagCount(CheckContext c)
    {
        var (obj, shards) = Sample(c);
        int calls = 0;
        foreach (int count in new[] { 0, c.N - 1, c.N + 1 }.Where(n => n >= 0 && n != c.N).Distinct())
        {
            var present = Enumerable.Repeat(true, count).ToArray();
            string[] mention = [Number(count), Number(c.N)];
            RefusedDecode(c, obj, () => AsReadOnly(shards), present, $"Decode with {count} presence flags for {c.N} shards", mention);
            Refused(c, shards, () => c.Codec.Reconstruct(AsMemory(shards), present), $"Reconstruct with {count} presence flags for {c.N} shards", mention);
            calls += 2;
        }
        return $"{calls} calls with the wrong number of presence flags refused, naming the counts; no buffer written";
    }

    public static string UnequalShardLengths(CheckContext c)
    {
        var (obj, shards) = Sample(c);
        int size = shards[0].Length;
        int calls = 0;
        foreach (int odd in new[] { 0, c.N - 1, c.Random.Next(c.N) }.Distinct())
        {
            foreach (int oddLength in new[] { size + 1, size - 1, size + c.Codec.ShardAlignment })
            {
                var wrong = Clone(shards);
                wrong[odd] = new byte[oddLength];
                RandomBytes.Fill(c.Random, wrong[odd]);
                string[] mention = [Number(oddLength), Number(size)];
                string what = $"shard {odd} of {oddLength} bytes among shards of {size}";
                var all = Present(c.N, []);

                Refused(c, wrong, () => c.Codec.Encode(obj, AsMemory(wrong)), $"Encode with {what}", mention);
                RefusedDecode(c, obj, () => AsReadOnly(wrong), all, $"Decode with {what} (present)", mention);
                calls += 2;
                if (c.N > 1)
                {
                    // With a single shard there is nothing for Reconstruct or Verify to compare its length with.
                    Refused(c, wrong, () => c.Codec.Reconstruct(AsMemory(wrong), all), $"Reconstruct with {what} (present)", mention);
                    Refused(c, wrong, () => c.Codec.Verify(AsReadOnly(wrong)), $"Verify with {what}", mention);
                    calls += 2;
                }

                if (c.R > 0)
                {
                    // The odd shard is present and another one is missing: it must still be refused.
                    int other = (odd + 1) % c.N;
                    if (other != odd)
                    {
                        var someMissing = Present(c.N, [other]);
                        Refused(c, wrong, () => c.Codec.Reconstruct(AsMemory(wrong), someMissing), $"Reconstruct with {what} (present) and shard {other} missing", mention);
                        calls++;
                    }
                    // The odd buffer is a missing shard's: Reconstruct cannot write a whole shard into it.
                    var oddMissing = Present(c.N, [odd]);
                    if (oddLength < size)
                    {
                        Refused(c, wrong, () => c.Codec.Reconstruct(AsMemory(wrong), oddMissing), $"Reconstruct into a {oddLength}-byte buffer for missing shard {odd} (shards are {size} bytes)", mention);
                        calls++;
                    }
                }
            }
        }
        return $"{calls} calls with shards of unequal lengths refused, naming both lengths; no buffer written";
    }

    public static string WrongShardLength(CheckContext c)
    {
        var (obj, shards) = Sample(c);
        int size = shards[0].Length;
        int calls = 0;
        foreach (int wrongSize in new[] { size + c.Codec.ShardAlignment, size - 1, size + 1, 0 }.Where(s => s >= 0 && s != size).Distinct())
        {
            var wrong = Enumerable.Range(0, c.N).Select(_ => c.RandomObject(wrongSize)).ToArray();
            string[] mention = [Number(wrongSize), Number(size)];
            Refused(c, wrong, () => c.Codec.Encode(obj, AsMemory(wrong)), $"Encode of a {obj.Length}-byte object into shards of {wrongSize} bytes instead of {size}", mention);
            // Decode: shards of one consistent length, but not the length an object of this size has.
            RefusedDecode(c, obj, () => AsReadOnly(wrong), Present(c.N, []), $"Decode of a {obj.Length}-byte object from shards of {wrongSize} bytes instead of {size}", mention);
            calls += 2;
        }
        // A destination whose length needs other shards than those given.
        long otherLength = Enumerable.Range(1, 8).Select(m => (long)c.Stripe * m + obj.Length).FirstOrDefault(l => l <= c.Codec.MaxObjectLength && c.Codec.ShardSize(l) != size);
        if (otherLength > 0 && otherLength <= 64 << 20)
        {
            var other = c.RandomObject((int)otherLength);
            string[] mention = [Number(size), Number(c.Codec.ShardSize(otherLength))];
            RefusedDecode(c, other, () => AsReadOnly(shards), Present(c.N, []), $"Decode of a {otherLength}-byte object from the {size}-byte shards of a {obj.Length}-byte object", mention);
            calls++;
        }
        return $"{calls} calls with shards of the wrong length for the object refused, naming the lengths; no buffer written";
    }

    /// <summary>An object of a few stripes ending mid-block, and its shards.</summary>
    private static (byte[] Object, byte[][] Shards) Sample(CheckContext c)
    {
        int length = (int)Math.Clamp(c.Stripe * 2 + c.Stripe / 3 + 7, 3, c.Options.ErasureObjectLength);
        var obj = c.RandomObject(length);
        return (obj, c.Encode(obj));
    }

    private static byte[][] Resize(byte[][] shards, int count) =>
        Enumerable.Range(0, count).Select(i => (byte[])shards[i % shards.Length].Clone()).ToArray();

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The call must throw an ArgumentException naming every one of <paramref name="mention"/>, and leave the shards alone.</summary>
    private static void Refused(CheckContext c, byte[][] shards, Action call, string what, string[] mention)
    {
        var before = Clone(shards);
        var e = ExpectArgumentException(call, what);
        EnsureMentions(e, what, mention);
        for (int i = 0; i < shards.Length; i++) EnsureEqual(before[i], shards[i], $"{what}: refused, but shard {i} was written");
    }

    /// <summary>Decode must be refused, and the destination (pre-filled) left as it was.</summary>
    private static void RefusedDecode(CheckContext c, byte[] obj, Func<ReadOnlyMemory<byte>[]> shards, bool[] present, string what, string[] mention)
    {
        var destination = Complement(obj);
        var before = (byte[])destination.Clone();
        var e = ExpectArgumentException(() => c.Codec.Decode(shards(), present, destination), what);
        EnsureMentions(e, what, mention);
        EnsureEqual(before, destination, $"{what}: refused, but the destination was written");
    }

    private static void EnsureMentions(ArgumentException e, string what, string[] mention)
    {
        var absent = mention.Where(m => !e.Message.Contains(m, StringComparison.Ordinal)).ToArray();
        Ensure(absent.Length == 0, $"{what}: refused, but the message does not name {string.Join(" and ", absent)}: \"{e.Message}\"");
    }
}
