using System.Collections.Concurrent;
using Tiered.Coding;
using static Tiered.Codecs.Conformance.CheckContext;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>
/// <see cref="ConformanceOptions.Threads"/> threads, released together, each encode, decode (under a random erasure
/// pattern), reconstruct and verify different objects on the one instance; every result is compared with a
/// single-threaded reference.
/// </summary>
internal static class ThreadSafetyCheck
{
    public static string Run(CheckContext c)
    {
        int threads = c.Options.Threads, rounds = c.Options.RoundsPerThread;
        int maxLength = Math.Max(1, (int)Math.Min(c.Stripe * 3 + c.Stripe / 2, c.Options.ErasureObjectLength));
        // More objects than threads, so threads work on different objects (and sometimes the same one) at once.
        var objects = Enumerable.Range(0, threads + 3).Select(_ => c.RandomObject(c.Random.Next(1, maxLength + 1))).ToArray();
        var reference = objects.Select(o => c.Encode(o)).ToArray();
        var seeds = Enumerable.Range(0, threads).Select(_ => c.Random.Next()).ToArray();

        var failures = new ConcurrentQueue<string>();
        int completed = 0;
        using var start = new ManualResetEventSlim(false);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(seeds[t]);
            start.Wait();
            for (int round = 0; round < rounds && failures.IsEmpty; round++)
            {
                int index = (t + round * 7) % objects.Length;
                try
                {
                    string? problem = OneRound(c.Codec, objects[index], reference[index], random);
                    if (problem is not null) failures.Enqueue($"thread {t}, round {round}, object {index} ({objects[index].Length} bytes): {problem}");
                }
                catch (Exception e)
                {
                    failures.Enqueue($"thread {t}, round {round}, object {index} ({objects[index].Length} bytes): {e.GetType().Name}: {e.Message}");
                }
                Interlocked.Increment(ref completed);
            }
        }) { IsBackground = true, Name = $"conformance-{t}" }).ToArray();
        foreach (var worker in workers) worker.Start();
        start.Set();
        foreach (var worker in workers) worker.Join();

        if (!failures.IsEmpty)
            throw new CheckFailedException($"{failures.Count} concurrent round(s) went wrong, e.g. {string.Join("; ", failures.Take(3))}");
        return $"{threads} threads × {rounds} rounds (encode, decode with up to {c.R} lost, reconstruct, verify) of {objects.Length} objects up to {maxLength} bytes on one instance: {completed} rounds all correct";
    }

    private static string? OneRound(IErasureCodec codec, byte[] obj, byte[][] expected, Random random)
    {
        var shards = Encode(codec, obj, random);
        for (int i = 0; i < shards.Length; i++)
        {
            string difference = Difference(expected[i], shards[i]);
            if (difference.Length > 0) return $"Encode: shard {i} {difference}";
        }

        var missing = ErasurePatterns.Random(random, codec.TotalShards, random.Next(0, codec.ParityShards + 1));
        var present = Present(codec.TotalShards, missing);
        foreach (int m in missing) RandomBytes.Fill(random, shards[m]);
        var decoded = Complement(obj);
        codec.Decode(AsReadOnly(shards), present, decoded);
        string decodeDifference = Difference(obj, decoded);
        if (decodeDifference.Length > 0) return $"Decode with {Describe(present)}: {decodeDifference}";

        codec.Reconstruct(AsMemory(shards), present);
        for (int i = 0; i < shards.Length; i++)
        {
            string difference = Difference(expected[i], shards[i]);
            if (difference.Length > 0) return $"Reconstruct with {Describe(present)}: shard {i} {difference}";
        }
        if (!codec.Verify(AsReadOnly(shards))) return "Verify returned false on correct shards";
        return null;
    }
}
