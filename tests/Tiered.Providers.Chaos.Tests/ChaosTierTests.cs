using Tiered.Client;
using Tiered.Protocol;
using Tiered.Proxy;
using Xunit;

namespace Tiered.Chaos.Tests;

/// <summary>
/// A whole tier (Local platform, proxy, client, real loopback TCP, rs(4,2)) under chaos: whatever is injected, a GET
/// returns the exact bytes, or fails cleanly (a miss or an unavailable error) — never wrong bytes.
/// </summary>
public class ChaosTierTests
{
    [Fact]
    public async Task StragglersSlowDownGetsButTheBytesStayExact()
    {
        // A healthy instance moves 20 MiB/s here; a straggler 2 MiB/s, so its 1 MiB chunk takes about half a second.
        await using var tier = ChaosTier.Start(options: new ChaosBackendOptions { ReferenceBytesPerSecond = 20L << 20, Seed = 1 });
        var value = ChaosTier.RandomBytes(4 << 20, 1);
        await tier.Client.PutAsync("k", value);
        var entry = tier.Proxy.Lookup("k")!;

        await AssertExactAsync(tier, "k", value);

        // Turn a node whose connection is already open into a straggler between two GETs: the relay slows it from its next write.
        tier.Backend.MakeStraggler(entry.Nodes[0], slowdown: 10);
        await AssertExactAsync(tier, "k", value);

        // More stragglers than r: the GET has to wait for one of them, and still gets the exact bytes.
        tier.Backend.MakeStraggler(entry.Nodes[1], slowdown: 10);
        tier.Backend.MakeStraggler(entry.Nodes[4], slowdown: 10);
        await AssertExactAsync(tier, "k", value);
        await Wait.Until(() => tier.Backend.Counts.Relays.ThrottledBytes >= 3L << 20, "the stragglers' chunks to go through their caps");
        Assert.True(tier.Backend.Counts.Relays.ThrottleWaits > 0);

        // A PUT to stragglers is slow too, and exact.
        var other = ChaosTier.RandomBytes(2 << 20, 2);
        await tier.Client.PutAsync("k2", other);
        await AssertExactAsync(tier, "k2", other);

        tier.Backend.ClearFaults();
        await AssertExactAsync(tier, "k", value);
        Assert.Equal(0, tier.Proxy.Counters[ProxyCounters.ChunksCorrupt]);
    }

    [Fact]
    public async Task DroppedDialBacksOnRNodesStillServeAndOnRPlusOneFailCleanly()
    {
        await using var tier = ChaosTier.Start();
        var value = ChaosTier.RandomBytes(1_000_000, 3);
        await tier.Client.PutAsync("k", value);
        var entry = tier.Proxy.Lookup("k")!;

        // r = 2 nodes cannot dial back (their open connections are cut, so the proxy must invoke them again).
        tier.Backend.DropDialBacks(entry.Nodes[0]);
        tier.Backend.DropDialBacks(entry.Nodes[3]);
        await AssertExactAsync(tier, "k", value);
        await Wait.Until(() => tier.Backend.Counts.Relays.Dropped >= 2, "the two dial-backs to be dropped");

        // r + 1: the object cannot be read now. The GET fails cleanly: a miss or an unavailable error, never bytes.
        tier.Backend.DropDialBacks(entry.Nodes[5]);
        bool unavailable = false;
        try
        {
            using var read = await tier.Client.GetAsync("k");
            Assert.Null(read);
        }
        catch (TierException)
        {
            unavailable = true;
        }
        Assert.True(tier.Proxy.Counters[unavailable ? ProxyCounters.Unavailable : ProxyCounters.Misses] >= 1);
        Console.WriteLine($"r + 1 dropped dial-backs: {(unavailable ? "unavailable error" : "miss")}");

        // Unreachable is not lost: once the network heals, the object is served again.
        tier.Backend.ClearFaults();
        if (unavailable) await AssertExactAsync(tier, "k", value);
        Assert.Equal(0, tier.Proxy.Counters[ProxyCounters.ChunksCorrupt]);
    }

    [Fact]
    public async Task FailedInvocationsOnRNodesStillServe()
    {
        await using var tier = ChaosTier.Start();
        var value = ChaosTier.RandomBytes(600_000, 4);
        await tier.Client.PutAsync("k", value);
        var entry = tier.Proxy.Lookup("k")!;

        foreach (int i in new[] { 1, 2 })
        {
            tier.Backend.FailInvocations(entry.Nodes[i]);
            tier.Backend.CutConnections(entry.Nodes[i]);
        }
        await AssertExactAsync(tier, "k", value);
        await Wait.Until(() => tier.Backend.Counts.FailedInvocations >= 2, "the failed invocations");
    }

    [Fact]
    public async Task AStalledDialBackDoesNotBlockTheProxyFromServingOtherObjects()
    {
        await using var tier = ChaosTier.Start(functions: 10);
        var values = Enumerable.Range(0, 12).ToDictionary(i => $"k{i}", i => ChaosTier.RandomBytes(300_000 + i, 10 + i));
        foreach (var (key, value) in values) await tier.Client.PutAsync(key, value);
        var stalled = tier.Proxy.Lookup("k0")!.Nodes.Take(3).ToHashSet();
        // An object with at most r chunks on stalled nodes can be served from the others.
        string other = values.Keys.Skip(1).First(key => tier.Proxy.Lookup(key)!.Nodes.Count(stalled.Contains) <= 2);

        foreach (string node in stalled) tier.Backend.StallDialBacks(node, TimeSpan.FromMinutes(10));
        // k0 has three chunks behind stalled dial-backs: one more than r, so its GET waits for a stalled node.
        var blocked = tier.Client.GetAsync("k0").AsTask();
        await Wait.Until(() => tier.Backend.Counts.Relays.Stalled >= 1, "a dial-back to stall");

        await AssertExactAsync(tier, other, values[other]);
        Assert.False(blocked.IsCompleted, "the GET behind three stalled dial-backs finished while they were stalled");

        // The stall ends: the held dial-backs go through and the waiting GET completes with the exact bytes.
        tier.Backend.ClearFaults();
        using (var read = await blocked)
        {
            Assert.NotNull(read);
            Assert.True(values["k0"].AsSpan().SequenceEqual(read.Span));
        }
    }

    [Fact]
    public async Task ACorruptedChunkIsDetectedAndTheGetStillReturnsTheExactBytes()
    {
        await using var tier = ChaosTier.Start();
        await using var corrupter = new ChunkCorrupter(tier.Nodes, new ChunkCorrupterOptions { BytesPerCorruption = 3, Seed = 2 });
        var value = ChaosTier.RandomBytes(2_000_000, 5);
        await tier.Client.PutAsync("k", value);
        var entry = tier.Proxy.Lookup("k")!;

        var corrupted = Assert.Single(corrupter.Corrupt("k", entry.Version, 1));
        Assert.Equal(entry.Nodes[1], corrupted.FunctionName);
        Assert.Equal(3, corrupted.BytesFlipped);
        var (_, _, store) = tier.Nodes.Stores.Single(s => s.FunctionName == entry.Nodes[1]);
        Assert.True(store.TryGet("k", entry.Version, 1, out var chunk));
        Assert.False(ChunkChecksum.Matches(chunk.Data, chunk.Checksum), "the chunk still matches its checksum");
        Assert.Equal(entry.Checksums[1], chunk.Checksum); // silent: the checksum was left alone

        await AssertExactAsync(tier, "k", value);
        await Wait.Until(() => tier.Proxy.Counters[ProxyCounters.ChunksCorrupt] >= 1, "the proxy to count the corrupt chunk");
        Assert.Equal(1, corrupter.CorruptionCount);
    }

    [Fact]
    public async Task RandomCorruptionOnTheCorruptersClockIsDeterministicAndCaught()
    {
        await using var tier = ChaosTier.Start();
        var values = Enumerable.Range(0, 4).ToDictionary(i => $"k{i}", i => ChaosTier.RandomBytes(200_000, 20 + i));
        foreach (var (key, value) in values) await tier.Client.PutAsync(key, value);

        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var corrupter = new ChunkCorrupter(tier.Nodes, new ChunkCorrupterOptions { RatePerHour = 3, Seed = 6 }, time);
        var seen = new List<ChunkCorruption>();
        corrupter.Corrupted += (_, c) => seen.Add(c);
        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(seen.Count, corrupter.CorruptionCount);
        Assert.All(seen, c => Assert.Equal(ChaosTrigger.Rate, c.Trigger));
        // Each object loses at most r chunks to rot at this rate and seed, so every GET is exact.
        foreach (var (key, value) in values)
            if (seen.Count(c => c.Key == key) <= 2) await AssertExactAsync(tier, key, value);
        if (seen.Count > 0)
            await Wait.Until(() => tier.Proxy.Counters[ProxyCounters.ChunksCorrupt] >= 1, "the proxy to count a corrupt chunk");
    }

    [Fact]
    public async Task TheReclaimerReclaimsInstancesThroughTheChaosBackend()
    {
        await using var tier = ChaosTier.Start();
        var value = ChaosTier.RandomBytes(800_000, 6);
        await tier.Client.PutAsync("k", value);
        var entry = tier.Proxy.Lookup("k")!;
        var control = Assert.IsAssignableFrom<Tiered.Functions.IFunctionInstanceControl>(tier.Backend);

        await using var reclaimer = new ChaosReclaimer(control, new ChaosReclaimerOptions { Functions = [entry.Nodes[2], entry.Nodes[5]], Seed = 3 });
        Assert.Equal(2, reclaimer.ReclaimNow(5).Count);

        await AssertExactAsync(tier, "k", value);
        await Wait.Until(() => tier.Proxy.Counters[ProxyCounters.ChunksLost] >= 2, "the proxy to notice the two lost chunks");
    }

    [Fact]
    public async Task APlanAppliedToAWholeTierKeepsEveryByteExact()
    {
        var plan = ChaosPlan.Parse("seed:5,straggler:1x10,write-latency:1ms,latency:5ms@0.5,slow-start:1@20ms,reference-bandwidth:40MiB/s");
        await using var tier = ChaosTier.Start(session: plan.CreateSession());
        var values = Enumerable.Range(0, 5).ToDictionary(i => $"k{i}", i => ChaosTier.RandomBytes(500_000 + 1000 * i, 30 + i));
        foreach (var (key, value) in values) await tier.Client.PutAsync(key, value);
        foreach (var (key, value) in values) await AssertExactAsync(tier, key, value);

        var counts = tier.Backend.Counts;
        Assert.True(counts.DelayedInvocations > 0);
        Assert.True(counts.Relays.DelayedWrites > 0);
        Assert.True(tier.Nodes.Handlers.All(h => h.SlowStarts == 1), "every node should have been slow to start once");
        var straggler = Assert.Single(tier.Backend.GetAllFaults());
        Assert.Equal((40L << 20) / 10, straggler.Value.NodeToProxyBytesPerSecond);
    }

    private static async Task AssertExactAsync(ChaosTier tier, string key, byte[] expected)
    {
        using var read = await tier.Client.GetAsync(key);
        Assert.NotNull(read);
        Assert.Equal(expected.Length, read.Length);
        Assert.True(expected.AsSpan().SequenceEqual(read.Span), $"GET '{key}' returned different bytes");
    }
}
