using Xunit;

namespace Tiered.Placement.Tests;

public class BoundedLoadTests
{
    [Fact]
    public void NoNodeEverCarriesMoreThanItsBound()
    {
        var placement = new BoundedLoadPlacement<string>(1.25);
        for (int i = 0; i < 12; i++) placement.Add($"node-{i}");
        var hashes = Keys.First(60_000);
        for (int k = 0; k < hashes.Length; k++)
        {
            string node = placement.Acquire(hashes[k]);
            long bound = (long)Math.Ceiling(1.25 * (k + 1) / 12.0);
            Assert.True(placement.LoadOf(node) <= bound, $"after {k + 1} requests {node} carries {placement.LoadOf(node)} > {bound}");
        }
        Assert.Equal(60_000, placement.TotalLoad);
        long peak = placement.Members.Max(m => placement.LoadOf(m.Node));
        Assert.True(peak <= Math.Ceiling(1.25 * 60_000 / 12.0), $"peak {peak}");
    }

    [Fact]
    public void WithoutLoadALookupIsTheRingOwner()
    {
        var bounded = new BoundedLoadPlacement<string>(1.25, virtualNodes: 100);
        var ring = new VirtualNodePlacement<string>(100);
        for (int i = 0; i < 12; i++)
        {
            bounded.Add($"node-{i}");
            ring.Add($"node-{i}");
        }
        foreach (ulong hash in Keys.First(5_000)) Assert.Equal(ring.Locate(hash), bounded.Locate(hash));
    }

    [Fact]
    public void ReleasingEveryRequestReturnsLoadsToZero()
    {
        var placement = new BoundedLoadPlacement<string>();
        for (int i = 0; i < 5; i++) placement.Add($"node-{i}");
        var hashes = Keys.First(20_000);
        var acquired = new string[hashes.Length];
        Parallel.For(0, hashes.Length, k => acquired[k] = placement.Acquire(hashes[k]));
        Assert.Equal(hashes.Length, placement.TotalLoad);
        placement.Remove("node-4");                      // requests in flight on a removed node can still be released
        Parallel.For(0, hashes.Length, k => Assert.True(placement.Release(acquired[k])));
        Assert.Equal(0, placement.TotalLoad);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(0, placement.LoadOf($"node-{i}")));
        Assert.False(placement.Release("node-0"));       // nothing left in flight
        Assert.False(placement.Release("stranger"));
    }

    [Fact]
    public void HeavierNodesMayCarryMore()
    {
        var placement = new BoundedLoadPlacement<string>(1.0);
        placement.Add("small", 1);
        placement.Add("large", 3);
        foreach (ulong hash in Keys.First(4_000)) placement.Acquire(hash);
        Assert.InRange(placement.LoadOf("large"), 2_900, 3_100);
    }
}
