using Tiered.Proxy;
using Tiered.Testing;
using Xunit;

namespace Tiered.Tier.Tests;

/// <summary>Scrub passes find chunks that rotted or vanished in place, without any GET asking for them, and repair them.</summary>
public class ScrubTests
{
    [Fact]
    public async Task AScrubFindsSilentlyCorruptedAndMissingChunksAndTheyAreRepaired()
    {
        await using var tier = TierHarness.Start("rs(4,2)", functions: 6);
        var a = TierHarness.RandomBytes(200_000, 1);
        var b = TierHarness.RandomBytes(150_000, 2);
        await tier.Client.PutAsync("a", a);
        await tier.Client.PutAsync("b", b);
        var entryA = tier.Proxy.Lookup("a")!;
        var entryB = tier.Proxy.Lookup("b")!;
        var rotted = tier.NodeOf(entryA.Nodes[1])!.Store!.Enumerate().Single(c => c.Id.Key == "a");
        rotted.Chunk.Data[17] ^= 0x01;
        Assert.True(tier.NodeOf(entryB.Nodes[4])!.Store!.Remove("b", entryB.Version, 4));

        var first = await tier.Proxy.ScrubAsync();

        Assert.Equal(2, first.Objects);
        Assert.Equal(1, first.ChunksCorrupt);
        Assert.Equal(1, first.ChunksMissing);
        Assert.Equal(10, first.ChunksVerified);
        await tier.Proxy.DrainRepairsAsync();
        Assert.Equal(2, tier.Proxy.Counters[ProxyCounters.Repairs]);

        var second = await tier.Proxy.ScrubAsync();
        Assert.Equal(new ScrubResult(2, 12, 0, 0, 0, 0), second);
        // Both objects survive losing two more chunks each: the repairs restored full redundancy.
        foreach (int i in new[] { 2, 3 }) tier.Platform.ReclaimFunction(entryA.Nodes[i]);
        using (var readA = await tier.Client.GetAsync("a")) Assert.Equal(a, readA!.ToArray());
        using (var readB = await tier.Client.GetAsync("b")) Assert.Equal(b, readB!.ToArray());
    }

    [Fact]
    public async Task ADeepScrubChecksParityAcrossIntactChunks()
    {
        await using var tier = TierHarness.Start("rs(4,2)", functions: 6);
        await tier.Client.PutAsync("k", TierHarness.RandomBytes(100_000, 3));

        var clean = await tier.Proxy.ScrubAsync(deep: true);
        Assert.Equal(0, clean.ParityMismatches);
        Assert.Equal(6, clean.ChunksVerified);
    }
}
