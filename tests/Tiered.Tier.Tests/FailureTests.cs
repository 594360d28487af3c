using Tiered.Proxy;
using Xunit;

namespace Tiered.Tier.Tests;

/// <summary>Reclaimed instances, corrupted chunks and dropped connections: served while k chunks survive, a clean miss after, never wrong bytes.</summary>
public class FailureTests
{
    [Fact]
    public async Task ReclaimingRInstancesStillServesAndRepairs()
    {
        await using var tier = TierHarness.Start("rs(10,2)");
        var value = TierHarness.RandomBytes(3_000_000, 7);
        await tier.Client.PutAsync("k", value);
        var entry = tier.Proxy.Lookup("k")!;
        Assert.Equal(1, tier.Platform.ReclaimFunction(entry.Nodes[0]));
        Assert.Equal(1, tier.Platform.ReclaimFunction(entry.Nodes[5]));

        using (var read = await tier.Client.GetAsync("k"))
            Assert.Equal(value, read!.ToArray());
        // The client has its object after k chunks; the proxy notes the lost ones as the rest come in.
        await Eventually(() => tier.Proxy.Counters[ProxyCounters.ChunksLost] == 2, "the two lost chunks to be counted");

        // The lost chunks are rebuilt and stored again on their (new) instances.
        await Eventually(() => tier.Proxy.Counters[ProxyCounters.Repairs] == 2, "the two lost chunks to be repaired");
        Assert.Single(tier.NodeOf(entry.Nodes[0])!.Store!.Enumerate(), c => c.Id.Key == "k");

        // With the repair done, losing two other chunks is survivable again.
        tier.Platform.ReclaimFunction(entry.Nodes[1]);
        tier.Platform.ReclaimFunction(entry.Nodes[7]);
        using (var again = await tier.Client.GetAsync("k"))
            Assert.Equal(value, again!.ToArray());
    }

    [Fact]
    public async Task ReclaimingMoreThanRInstancesIsACleanMiss()
    {
        await using var tier = TierHarness.Start("rs(10,2)");
        await tier.Client.PutAsync("k", TierHarness.RandomBytes(500_000, 3));
        var entry = tier.Proxy.Lookup("k")!;
        foreach (int i in new[] { 2, 3, 11 }) tier.Platform.ReclaimFunction(entry.Nodes[i]);

        Assert.Null(await tier.Client.GetAsync("k"));
        Assert.Null(tier.Proxy.Lookup("k"));
        Assert.Equal(1, tier.Proxy.Counters[ProxyCounters.Misses]);
    }

    [Fact]
    public async Task CorruptedChunkIsDetectedTreatedAsMissingAndRepaired()
    {
        await using var tier = TierHarness.Start("rs(10,2)");
        var value = TierHarness.RandomBytes(1_000_000, 5);
        await tier.Client.PutAsync("k", value);
        var entry = tier.Proxy.Lookup("k")!;
        var stored = tier.NodeOf(entry.Nodes[3])!.Store!.Enumerate().Single(c => c.Id.Key == "k");
        stored.Chunk.Data[stored.Chunk.Data.Length / 2] ^= 0x40;

        using (var read = await tier.Client.GetAsync("k"))
            Assert.Equal(value, read!.ToArray());
        await Eventually(() => tier.Proxy.Counters[ProxyCounters.ChunksCorrupt] == 1, "the corrupt chunk to be counted");
        await Eventually(() => tier.Proxy.Counters[ProxyCounters.Repairs] == 1, "the corrupt chunk to be repaired");
        var repaired = tier.NodeOf(entry.Nodes[3])!.Store!.Enumerate().Single(c => c.Id.Key == "k");
        Assert.True(Tiered.Protocol.ChunkChecksum.Matches(repaired.Chunk.Data, entry.Checksums[3]));
    }

    [Fact]
    public async Task InstancesReclaimedDuringAGetDoNotCorruptIt()
    {
        await using var tier = TierHarness.Start("rs(10,2)");
        var value = TierHarness.RandomBytes(20 << 20, 11);
        await tier.Client.PutAsync("k", value);
        var entry = tier.Proxy.Lookup("k")!;
        for (int round = 0; round < 3; round++)
        {
            var get = tier.Client.GetAsync("k").AsTask();
            tier.Platform.ReclaimFunction(entry.Nodes[round]);
            tier.Platform.ReclaimFunction(entry.Nodes[11 - round]);
            using (var read = await get)
            {
                // Served from the survivors — never wrong bytes.
                Assert.NotNull(read);
                Assert.True(value.AsSpan().SequenceEqual(read.Span));
            }
            // A GET after the reclaims sees the losses for sure and has them repaired before the next round.
            using (var check = await tier.Client.GetAsync("k"))
                Assert.True(value.AsSpan().SequenceEqual(check!.Span));
            await Eventually(() => entry.Nodes.All(node => tier.NodeOf(node)?.Store?.Enumerate().Any(c => c.Id.Key == "k") == true), "every chunk to be back");
        }
    }

    [Fact]
    public async Task LeastRecentlyUsedObjectsAreEvictedWhenThePoolIsFull()
    {
        // rs(10,2) of 100,000 bytes: 12 chunks of 10,048 bytes = 120,576 bytes per object; room for three.
        await using var tier = TierHarness.Start("rs(10,2)", poolMemoryBytes: 400_000);
        foreach (string key in new[] { "a", "b", "c" }) await tier.Client.PutAsync(key, TierHarness.RandomBytes(100_000, key[0]));
        (await tier.Client.GetAsync("a"))!.Dispose();
        await tier.Client.PutAsync("d", TierHarness.RandomBytes(100_000, 'd'));

        Assert.Equal(["c", "a", "d"], tier.Proxy.KeysByRecency());
        Assert.Null(await tier.Client.GetAsync("b"));
        Assert.Equal(1, tier.Proxy.Counters[ProxyCounters.Evictions]);
        using var a = await tier.Client.GetAsync("a");
        Assert.Equal(TierHarness.RandomBytes(100_000, 'a'), a!.ToArray());
    }

    [Fact]
    public async Task AFullNodeMakesRoomByEvictingTheLeastRecentlyUsedObjectsOnIt()
    {
        // 12 nodes of 4 MiB (3.2 MiB for chunks each) and a pool the directory thinks is huge: only the nodes fill up.
        await using var tier = TierHarness.Start("rs(10,2)", functions: 12, memoryMiB: 4, poolMemoryBytes: 1L << 30);
        var values = Enumerable.Range(0, 5).Select(i => TierHarness.RandomBytes(10_000_000, 40 + i)).ToArray();
        for (int i = 0; i < values.Length; i++) await tier.Client.PutAsync($"k{i}", values[i]);

        Assert.True(tier.Proxy.Counters[ProxyCounters.Evictions] >= 2);
        Assert.Null(await tier.Client.GetAsync("k0"));
        using var newest = await tier.Client.GetAsync("k4");
        Assert.Equal(values[4], newest!.ToArray());
        foreach (string key in tier.Proxy.KeysByRecency())
        {
            using var read = await tier.Client.GetAsync(key);
            Assert.Equal(values[int.Parse(key[1..])], read!.ToArray());
        }
    }

    [Fact]
    public async Task AnObjectLargerThanThePoolIsRefusedWithAClearError()
    {
        await using var tier = TierHarness.Start("rs(10,2)", poolMemoryBytes: 100_000);
        var error = await Assert.ThrowsAsync<Tiered.Client.TierException>(async () => await tier.Client.PutAsync("huge", new byte[1_000_000]));
        Assert.Contains("does not fit in the pool", error.Message);
        Assert.Equal(0, tier.Proxy.ObjectCount);
    }

    [Fact]
    public async Task RemovalsAreReportedWithTheirReason()
    {
        await using var tier = TierHarness.Start("rs(10,2)", poolMemoryBytes: 400_000);
        var removed = new System.Collections.Concurrent.ConcurrentQueue<(string Key, ObjectRemovalReason Reason)>();
        tier.Proxy.ObjectRemoved += (entry, reason) => removed.Enqueue((entry.Key, reason));
        foreach (string key in new[] { "a", "b", "c" }) await tier.Client.PutAsync(key, TierHarness.RandomBytes(100_000, key[0]));
        await tier.Client.PutAsync("a", TierHarness.RandomBytes(100_000, 'A'));
        await tier.Client.PutAsync("d", TierHarness.RandomBytes(100_000, 'd'));
        await tier.Client.DeleteAsync("c");
        var entry = tier.Proxy.Lookup("d")!;
        foreach (int i in new[] { 0, 1, 2 }) tier.Platform.ReclaimFunction(entry.Nodes[i]);
        Assert.Null(await tier.Client.GetAsync("d"));

        Assert.Equal([("a", ObjectRemovalReason.Replaced), ("b", ObjectRemovalReason.Evicted), ("c", ObjectRemovalReason.Deleted), ("d", ObjectRemovalReason.Lost)], removed.ToArray());
    }

    internal static Task Eventually(Func<bool> condition, string what) => Eventually(condition, () => what);

    internal static async Task Eventually(Func<bool> condition, Func<string> what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (deadline.IsCancellationRequested) Assert.Fail($"Timed out waiting for {what()}.");
            await Task.Delay(20);
        }
    }
}
