using Tiered.Proxy;
using Tiered.Testing;
using Xunit;

namespace Tiered.Tier.Tests;

/// <summary>
/// Delta-sync backups to a second instance of each node's function, failover to it when the primary instance is
/// reclaimed, reconciliation of what the new instance holds, and repair of what it lacks.
/// </summary>
public class BackupAndFailoverTests
{
    private static async Task<Dictionary<string, byte[]>> PutObjectsAsync(TierHarness tier, int count, int size, int seed)
    {
        var values = new Dictionary<string, byte[]>();
        for (int i = 0; i < count; i++)
        {
            var value = TierHarness.RandomBytes(size, seed + i);
            await tier.Client.PutAsync($"obj-{i}", value);
            values[$"obj-{i}"] = value;
        }
        return values;
    }

    private static async Task AssertAllServedAsync(TierHarness tier, Dictionary<string, byte[]> values)
    {
        foreach (var (key, value) in values)
        {
            using var read = await tier.Client.GetAsync(key);
            Assert.True(read is not null, $"'{key}' was not served");
            Assert.Equal(value, read.ToArray());
        }
    }

    [Fact]
    public async Task ABackupCopiesEveryChunkToAnotherInstanceOfTheSameFunction()
    {
        await using var tier = TierHarness.Start("rs(4,2)", functions: 6);
        var values = await PutObjectsAsync(tier, 10, 40_000, seed: 1);
        string node = tier.Platform.Functions[2];
        var primaryChunks = tier.NodeOf(node)!.Store!.Enumerate().ToDictionary(c => c.Id, c => c.Chunk.Data);

        var result = await tier.Proxy.BackupAsync(node);

        Assert.True(result.Succeeded, result.Error);
        Assert.NotNull(result.PeerInstance);
        Assert.NotEqual(result.PrimaryInstance, result.PeerInstance);
        Assert.Equal(primaryChunks.Count, result.ChunksSent);
        Assert.Equal(primaryChunks.Values.Sum(d => (long)d.Length), result.BytesSent);
        Assert.Equal(2, tier.Platform.GetFunction(node).Instances.Count);
        Assert.Equal(result.PeerInstance, tier.Proxy.BackupPeerOf(node));
    }

    [Fact]
    public async Task ASecondBackupSendsOnlyWhatChangedSinceTheFirst()
    {
        await using var tier = TierHarness.Start("rs(4,2)", functions: 6);
        await PutObjectsAsync(tier, 100, 20_000, seed: 10);
        string node = tier.Platform.Functions[0];
        var first = await tier.Proxy.BackupAsync(node);
        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(100, first.ChunksSent); // rs(4,2) over 6 functions: every object has one chunk on every node

        // 1 % of the chunks change: one object is replaced (new version), nothing else.
        await tier.Client.PutAsync("obj-7", TierHarness.RandomBytes(20_000, 999));
        var second = await tier.Proxy.BackupAsync(node);

        Assert.True(second.Succeeded, second.Error);
        Assert.Equal(first.PeerInstance, second.PeerInstance); // the same warm peer is reused
        Assert.Equal(99, second.PeerHadChunks);
        Assert.Equal(1, second.ChunksSent);
        Assert.Equal(1, second.ChunksDeleted); // the replaced version's chunk
        double share = second.BytesSent / (double)first.BytesSent;
        Assert.InRange(share, 0.005, 0.02);
    }

    [Fact]
    public async Task WhenPrimariesAreReclaimedTheBackupsTakeOverAndNothingIsLost()
    {
        await using var tier = TierHarness.Start("rs(4,2)", functions: 6);
        var values = await PutObjectsAsync(tier, 12, 50_000, seed: 20);
        foreach (string node in tier.Platform.Functions)
            Assert.True((await tier.Proxy.BackupAsync(node)).Succeeded);

        // Three primaries go — more than r = 2, which without backups loses every object (see the control below).
        var reclaimed = tier.Platform.Functions.Take(3).ToArray();
        foreach (string node in reclaimed)
        {
            Assert.True(tier.Platform.ReclaimInstance(PrimaryOf(tier, node)));
        }

        await AssertAllServedAsync(tier, values);
        await FailureTests.Eventually(() => tier.Proxy.Counters[ProxyCounters.Failovers] == 3, "three failovers");
        await tier.Proxy.DrainRepairsAsync();
        Assert.Equal(0, tier.Proxy.Counters[ProxyCounters.ChunksLost]);
        Assert.Equal(0, tier.Proxy.Counters[ProxyCounters.Misses]);
    }

    [Fact]
    public async Task WithoutBackupsTheSameReclaimsLoseTheObjects()
    {
        await using var tier = TierHarness.Start("rs(4,2)", functions: 6);
        await PutObjectsAsync(tier, 4, 50_000, seed: 20);
        foreach (string node in tier.Platform.Functions.Take(3)) tier.Platform.ReclaimFunction(node);

        for (int i = 0; i < 4; i++) Assert.Null(await tier.Client.GetAsync($"obj-{i}"));
    }

    [Fact]
    public async Task ChunksStoredAfterTheLastBackupAreCountedLostAtFailoverAndRepaired()
    {
        await using var tier = TierHarness.Start("rs(4,2)", functions: 6);
        var values = await PutObjectsAsync(tier, 5, 30_000, seed: 30);
        string node = tier.Platform.Functions[4];
        Assert.True((await tier.Proxy.BackupAsync(node)).Succeeded);
        var later = TierHarness.RandomBytes(30_000, 31);
        await tier.Client.PutAsync("later", later);
        values["later"] = later;

        Assert.True(tier.Platform.ReclaimInstance(PrimaryOf(tier, node)));
        using (var read = await tier.Client.GetAsync("later"))
            Assert.Equal(later, read!.ToArray());
        await FailureTests.Eventually(() => tier.Proxy.Counters[ProxyCounters.Failovers] == 1, "the failover");
        await FailureTests.Eventually(() => tier.Proxy.Counters[ProxyCounters.Repairs] == 1,
            () => "the one chunk the backup lacked to be repaired: " + string.Join(", ", tier.Proxy.Counters.Snapshot().OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        Assert.Equal(1, tier.Proxy.Counters[ProxyCounters.ChunksLost]);
        Assert.Contains(tier.NodeOf(node)!.Store!.Enumerate(), c => c.Id.Key == "later");

        // Repaired, the node's new primary (the former backup) holds everything: two more reclaims are survivable.
        foreach (string other in tier.Platform.Functions.Where(f => f != node).Take(2)) tier.Platform.ReclaimFunction(other);
        await AssertAllServedAsync(tier, values);
    }

    [Fact]
    public async Task AFreshInstanceIsReconciledAndRepairedBeforeAnyGetAsksForItsChunks()
    {
        await using var tier = TierHarness.Start("rs(4,2)", functions: 6);
        var values = await PutObjectsAsync(tier, 8, 30_000, seed: 40);
        string node = tier.Platform.Functions[1];
        tier.Platform.ReclaimFunction(node);

        // One GET wakes the node on a new, empty instance; the proxy finds all eight of its chunks missing, not just this one.
        using (var read = await tier.Client.GetAsync("obj-0"))
            Assert.Equal(values["obj-0"], read!.ToArray());
        await FailureTests.Eventually(() => tier.Proxy.Counters[ProxyCounters.Repairs] == 8,
            () => $"all eight chunks of the node to be repaired (repairs {tier.Proxy.Counters[ProxyCounters.Repairs]}, lost {tier.Proxy.Counters[ProxyCounters.ChunksLost]}, reconciliations {tier.Proxy.Counters[ProxyCounters.Reconciliations]})");
        Assert.Equal(8, tier.Proxy.Counters[ProxyCounters.ChunksLost]);
        Assert.Equal(8, tier.NodeOf(node)!.Store!.Count);
    }

    [Fact]
    public async Task StaleChunksOnAReturningInstanceAreDeleted()
    {
        await using var tier = TierHarness.Start("rs(4,2)", functions: 6);
        await PutObjectsAsync(tier, 3, 10_000, seed: 50);
        string node = tier.Platform.Functions[3];
        Assert.True((await tier.Proxy.BackupAsync(node)).Succeeded);
        string peer = tier.Proxy.BackupPeerOf(node)!;
        var peerNode = tier.NodeOnInstance(peer)!;
        Assert.Equal(3, peerNode.Store!.Count);

        // The objects go while the peer sleeps; when it takes over it still holds their chunks, which must go too.
        for (int i = 0; i < 3; i++) Assert.True(await tier.Client.DeleteAsync($"obj-{i}"));
        Assert.True(tier.Platform.ReclaimInstance(PrimaryOf(tier, node)));
        await tier.Client.PutAsync("wake", TierHarness.RandomBytes(10_000, 51));
        await FailureTests.Eventually(() => peerNode.Store.Count == 1, "the stale chunks to be deleted from the former backup");
        Assert.Equal("wake", peerNode.Store.Enumerate().Single().Id.Key);
    }

    private static string PrimaryOf(TierHarness tier, string node) =>
        tier.Platform.GetFunction(node).Instances.Single(i => i.InstanceId != tier.Proxy.BackupPeerOf(node)).InstanceId;
}
