using Tiered.Cli.Replay;
using Tiered.Proxy;
using Xunit;

namespace Tiered.Cli.Tests;

/// <summary>
/// How the replay decides why a GET missed (<see cref="ProxyEventLog"/>): by the proxy's own removal reason for the
/// version that GET expected — waited for, since the miss can reach the client before the removal event — so that
/// "lost" means the proxy removed it because fewer than k chunks survived, never an eviction reported late.
/// </summary>
public sealed class ReplayClassificationTests
{
    private static ObjectEntry Entry(string key, long version) =>
        new(key, version, 10, "rs(10,2)", 1, 10, 12, new string[12], new ulong[12]);

    [Fact]
    public void A_removal_explains_a_miss_of_its_version_or_an_older_one_never_a_newer_one()
    {
        var log = new ProxyEventLog(() => TimeSpan.Zero);
        log.Record(Entry("k", 5), ObjectRemovalReason.Evicted);
        Assert.Equal(ObjectRemovalReason.Evicted, log.RemovalOf("k", 5, 0)?.Reason);
        Assert.Null(log.RemovalOf("k", 7, 0));          // the object was stored again as version 7: the old eviction says nothing
        Assert.Null(log.RemovalOf("other", 5, 0));
        Assert.Equal(1, log.Evictions);
    }

    [Fact]
    public void A_late_event_of_an_older_version_does_not_overwrite_the_newer_versions_reason()
    {
        var log = new ProxyEventLog(() => TimeSpan.Zero);
        log.Record(Entry("k", 7), ObjectRemovalReason.Lost);
        log.Record(Entry("k", 5), ObjectRemovalReason.Evicted); // raised late, after the newer version was already gone
        Assert.Equal(ObjectRemovalReason.Lost, log.RemovalOf("k", 7, 0)?.Reason);
        Assert.Equal(1, log.ObjectsLost);
    }

    [Fact]
    public void When_the_version_is_not_known_only_removals_after_the_put_began_count()
    {
        var log = new ProxyEventLog(() => TimeSpan.Zero);
        log.Record(Entry("k", 3), ObjectRemovalReason.Replaced);
        long atPut = log.Sequence;
        Assert.Null(log.RemovalOf("k", 0, atPut));
        log.Record(Entry("k", 4), ObjectRemovalReason.Evicted);
        Assert.Equal(ObjectRemovalReason.Evicted, log.RemovalOf("k", 0, atPut)?.Reason);
    }

    [Fact]
    public async Task A_miss_that_arrives_before_the_removal_event_waits_for_it_and_is_classified_by_it()
    {
        // The race that made evictions count as lost data: the proxy takes the object out of its directory (an eviction
        // at another PUT's commit), a GET misses, and only then are observers told why.
        var log = new ProxyEventLog(() => TimeSpan.Zero);
        var waiting = log.WaitForRemovalAsync("k", 9, 0, TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        log.Record(Entry("k", 9), ObjectRemovalReason.Evicted);
        var removal = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ObjectRemovalReason.Evicted, removal?.Reason);
        Assert.Equal(9, removal?.Version);
    }

    [Fact]
    public async Task A_miss_with_no_removal_reported_is_unexplained_not_lost()
    {
        var log = new ProxyEventLog(() => TimeSpan.Zero);
        log.Record(Entry("k", 2), ObjectRemovalReason.Lost); // an older version's loss does not explain this miss
        Assert.Null(await log.WaitForRemovalAsync("k", 3, 0, TimeSpan.FromMilliseconds(50)));
        Assert.Equal(ObjectRemovalReason.Lost, (await log.WaitForRemovalAsync("k", 2, 0, TimeSpan.FromMilliseconds(50)))?.Reason);
    }
}
