using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using Xunit;

namespace Tiered.Placement.Tests;

/// <summary>
/// Locations must not depend on the process: a child process (this test assembly run through its own <see cref="Program.Main"/>,
/// with a different string-hash randomization and, where the strategy allows, nodes added in the opposite order) must
/// print exactly what this process computes. Rendezvous and Maglev are also checked against straightforward
/// re-implementations of their documented definitions.
/// </summary>
public class CrossProcessDeterminismTests
{
    [Theory]
    [InlineData("rendezvous", true)]
    [InlineData("maglev", true)]
    [InlineData("vnodes", true)]
    [InlineData("ring", true)]
    [InlineData("bounded", true)]
    [InlineData("jump", false)]   // bucket order is insertion order by design
    [InlineData("modulo", false)] // likewise
    public void AChildProcessPlacesEveryKeyAndChunkTheSameWay(string strategy, bool reverseInChild)
    {
        const int nodes = 12, keys = 400, chunks = 5;
        string expected = Program.Locations(strategy, nodes, keys, chunks, reverse: false);
        string actual = RunChild("locate", strategy, nodes.ToString(), keys.ToString(), chunks.ToString(), reverseInChild ? "reverse" : "forward");
        Assert.Equal(keys, expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void WeightedRendezvousMatchesTheDefinition()
    {
        // −w / ln u with u = (top 52 bits + ½) / 2⁵² of fmix64(XxHash3(key) ^ XxHash3(name)), computed here from scratch.
        var weights = new Dictionary<string, double> { ["alpha"] = 1, ["beta"] = 2.5, ["gamma"] = 0.5, ["delta"] = 1, ["epsilon"] = 3 };
        var placement = new RendezvousPlacement<string>();
        foreach (var (name, weight) in weights) placement.Add(name, weight);
        for (int k = 0; k < 5000; k++)
        {
            ulong key = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes($"key-{k}"));
            string expected = weights.MaxBy(node =>
            {
                ulong pair = Fmix64(key ^ XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(node.Key)));
                double u = ((pair >> 12) + 0.5) / 4503599627370496.0;
                return -node.Value / Math.Log(u);
            }).Key;
            Assert.Equal(expected, placement.Locate($"key-{k}"));
        }
    }

    [Fact]
    public void MaglevMatchesThePapersPopulateLoop()
    {
        // Eisenbud et al. §3.4: each backend fills its next preferred empty entry in turn; preferences are
        // offset + j·skip mod M, with offset = fmix64(h ^ "maglev-o") mod M and skip = fmix64(h ^ "maglev-s") mod (M-1) + 1,
        // h = XxHash3(name); backends take turns in order of h. Lookup: entry ⌊hash · M / 2⁶⁴⌋.
        const int size = 1009;
        var names = Enumerable.Range(0, 7).Select(i => $"node-{i}").OrderBy(n => XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(n))).ToArray();
        var table = Enumerable.Repeat(-1, size).ToArray();
        var next = new long[names.Length];
        int filled = 0;
        while (filled < size)
        {
            for (int b = 0; b < names.Length && filled < size; b++)
            {
                ulong h = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(names[b]));
                ulong offset = Fmix64(h ^ 0x6D61676C65762D6FUL) % size, skip = Fmix64(h ^ 0x6D61676C65762D73UL) % (size - 1) + 1;
                long entry;
                do entry = (long)((offset + (ulong)next[b]++ * skip) % size); while (table[entry] >= 0);
                table[entry] = b;
                filled++;
            }
        }
        var placement = new MaglevPlacement<string>(size);
        placement.AddRange(Enumerable.Range(0, 7).Select(i => $"node-{i}").Reverse());
        for (int k = 0; k < 5000; k++)
        {
            ulong key = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes($"key-{k}"));
            Assert.Equal(names[table[(int)Math.BigMul(key, (ulong)size, out _)]], placement.Locate(key));
        }
    }

    [Fact]
    public void JumpFollowsThePublishedRecurrenceAndOnlyEverMovesKeysToTheNewBucket()
    {
        for (int k = 0; k < 20_000; k++)
        {
            ulong key = KeyHash.Of($"key-{k}");
            int previous = 0;
            for (int buckets = 1; buckets <= 40; buckets++)
            {
                int bucket = JumpPlacement<string>.Bucket(key, buckets);
                Assert.InRange(bucket, 0, buckets - 1);
                Assert.True(bucket == previous || bucket == buckets - 1, "a key moved between old buckets");
                previous = bucket;
            }
        }
        Assert.Equal(0, JumpPlacement<string>.Bucket(12345, 1));
    }

    private static ulong Fmix64(ulong z)
    {
        z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDUL;
        z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return z ^ (z >> 33);
    }

    private static string RunChild(params string[] args)
    {
        string assembly = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the child process did not finish");
        Assert.True(process.ExitCode == 0, $"child exited with {process.ExitCode}: {stderr.Result}");
        return stdout;
    }
}
