using System.Globalization;
using Tiered.Coding;
using static Tiered.Codecs.Conformance.CheckContext;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>More than r missing shards must be refused with TooManyErasuresException, before anything is written.</summary>
internal static class TooManyErasuresCheck
{
    public static string Run(CheckContext c)
    {
        int length = (int)Math.Min(c.Stripe + 3, c.Options.ErasureObjectLength);
        var obj = c.RandomObject(length);
        var original = c.Encode(obj);
        var patterns = new List<int[]>
        {
            Enumerable.Range(0, c.R + 1).ToArray(),
            Enumerable.Range(c.N - c.R - 1, c.R + 1).ToArray(),
            Enumerable.Range(0, c.N).ToArray(),
        };
        for (int i = 0; i < 4; i++) patterns.Add(ErasurePatterns.Random(c.Random, c.N, c.Random.Next(c.R + 1, c.N + 1)));

        foreach (var missing in patterns)
        {
            var present = Present(c.N, missing);
            string what = $"{missing.Length} of {c.N} shards missing ({Describe(present)}), tolerating {c.R}";

            var destination = Complement(obj);
            var untouched = (byte[])destination.Clone();
            ExpectTooMany(c, missing.Length, () => c.Codec.Decode(AsReadOnly(original), present, destination), $"Decode with {what}");
            EnsureEqual(untouched, destination, $"refused Decode with {what} wrote to the destination");

            foreach (bool dataOnly in new[] { false, true })
            {
                var shards = Clone(original);
                foreach (int m in missing) shards[m] = Complement(original[m]);
                var before = Clone(shards);
                ExpectTooMany(c, missing.Length, () => c.Codec.Reconstruct(AsMemory(shards), present, dataOnly), $"Reconstruct(dataOnly: {dataOnly}) with {what}");
                for (int i = 0; i < c.N; i++)
                    EnsureEqual(before[i], shards[i], $"refused Reconstruct(dataOnly: {dataOnly}) with {what} wrote to shard {i}");
            }
        }
        return $"{patterns.Count} patterns of {c.R + 1}..{c.N} missing shards refused by Decode and Reconstruct with the counts named; no buffer written";
    }

    private static void ExpectTooMany(CheckContext c, int missing, Action action, string what)
    {
        try
        {
            action();
        }
        catch (TooManyErasuresException e)
        {
            Ensure(e.Missing == missing && e.Tolerated == c.R,
                $"{what}: TooManyErasuresException says {e.Missing} missing, {e.Tolerated} tolerated instead of {missing} and {c.R}");
            Ensure(e.Message.Contains(missing.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                && e.Message.Contains(c.R.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
                $"{what}: the message does not name both counts ({missing} missing, {c.R} tolerated): \"{e.Message}\"");
            return;
        }
        catch (Exception e)
        {
            throw new CheckFailedException($"{what}: expected TooManyErasuresException but got {e.GetType().Name}: {e.Message}");
        }
        throw new CheckFailedException($"{what}: expected TooManyErasuresException but the call returned normally");
    }
}
