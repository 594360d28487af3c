using Xunit;

namespace Tiered.Placement.Tests;

public class MembershipTests
{
    public static TheoryData<string> AllStrategies() => new(PlacementFactory.Names);

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void AddRemoveAndContainsTrackMembership(string strategy)
    {
        var placement = PlacementFactory.Create(strategy);
        Assert.Equal(0, placement.Current.Version);
        for (int i = 0; i < 5; i++) placement.Add($"node-{i}");
        Assert.Equal(5, placement.Count);
        Assert.Equal(5, placement.Current.Version);
        Assert.True(placement.Contains("node-4"));
        Assert.False(placement.Remove("node-9"));                 // not a member: false, nothing changes
        Assert.Equal(5, placement.Current.Version);
        Assert.True(placement.Remove("node-4"));
        Assert.False(placement.Contains("node-4"));
        Assert.Equal(4, placement.Count);
        for (int k = 0; k < 2000; k++) Assert.NotEqual("node-4", placement.Locate($"key-{k}"));
    }

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void DuplicatesAndBadWeightsAreRefusedWithClearErrors(string strategy)
    {
        var placement = PlacementFactory.Create(strategy);
        placement.Add("node-0");
        Assert.Contains("already in the placement", Assert.Throws<ArgumentException>(() => placement.Add("node-0")).Message);
        foreach (double weight in new[] { 0.0, -1.0, double.NaN, double.PositiveInfinity })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => placement.Add("node-1", weight));
            Assert.Contains("positive finite", error.Message);
        }
        Assert.Equal(1, placement.Count);
        Assert.Throws<ArgumentNullException>(() => placement.Add(null!));
    }

    [Fact]
    public void NodesWithTheSameNameAreRefused()
    {
        var placement = new RendezvousPlacement<Server>(server => server.Name);
        placement.Add(new Server("a", 1));
        var error = Assert.Throws<ArgumentException>(() => placement.Add(new Server("a", 2)));
        Assert.Contains("already has the name 'a'", error.Message);
    }

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void EmptyPlacementsAndTooManyDistinctNodesFailClearly(string strategy)
    {
        var placement = PlacementFactory.Create(strategy);
        Assert.Contains("no nodes", Assert.Throws<InvalidOperationException>(() => placement.Locate("key")).Message);
        for (int i = 0; i < 3; i++) placement.Add($"node-{i}");
        var error = Assert.Throws<ArgumentException>(() => placement.LocateDistinct("key", new string[4]));
        Assert.Contains("asked for 4 distinct nodes but the placement has only 3", error.Message);
    }

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void LocateDistinctReturnsDistinctMembersEvenWhenEveryNodeIsNeeded(string strategy)
    {
        var placement = PlacementFactory.Create(strategy);
        for (int i = 0; i < 12; i++) placement.Add($"node-{i}");
        var nodes = new string[12];
        for (int k = 0; k < 500; k++)
        {
            placement.LocateDistinct($"key-{k}", nodes);
            Assert.Equal(12, nodes.Distinct().Count());
            Assert.All(nodes, node => Assert.True(placement.Contains(node)));
        }
    }

    [Fact]
    public void JumpRemovesOnlyTheLastNodeAndSaysSo()
    {
        var placement = new JumpPlacement<string>();
        for (int i = 0; i < 4; i++) placement.Add($"node-{i}");
        var error = Assert.Throws<InvalidOperationException>(() => placement.Remove("node-1"));
        Assert.Contains("only the most recently added node", error.Message);
        Assert.Contains("'node-3'", error.Message);
        Assert.Equal(4, placement.Count);                        // nothing changed
        Assert.True(placement.Remove("node-3"));
        Assert.True(placement.RemoveLast(out var removed));
        Assert.Equal("node-2", removed);
        Assert.Equal(["node-0", "node-1"], placement.Members.Select(m => m.Node));
    }

    [Fact]
    public void ASnapshotNeverChangesAfterMembershipChanges()
    {
        var placement = new RendezvousPlacement<string>();
        for (int i = 0; i < 6; i++) placement.Add($"node-{i}");
        var snapshot = placement.Current;
        var before = Enumerable.Range(0, 1000).Select(k => snapshot.Locate($"key-{k}")).ToArray();
        placement.Add("node-6");
        placement.Remove("node-0");
        Assert.Equal(6, snapshot.Count);
        Assert.Equal(before, Enumerable.Range(0, 1000).Select(k => snapshot.Locate($"key-{k}")));
        Assert.NotSame(snapshot, placement.Current);
    }

    [Theory]
    [InlineData("ring")]
    [InlineData("vnodes")]
    [InlineData("rendezvous")]
    [InlineData("maglev")]
    public void InsertionOrderDoesNotMatter(string strategy)
    {
        var forward = PlacementFactory.Create(strategy);
        var shuffled = PlacementFactory.Create(strategy);
        var names = Enumerable.Range(0, 10).Select(i => $"node-{i}").ToArray();
        forward.AddRange(names);
        foreach (var name in names.OrderBy(n => KeyHash.Of(n + "shuffle"))) shuffled.Add(name);
        var a = new string[5];
        var b = new string[5];
        for (int k = 0; k < 3000; k++)
        {
            Assert.Equal(forward.Locate($"key-{k}"), shuffled.Locate($"key-{k}"));
            forward.LocateDistinct($"key-{k}", a);
            shuffled.LocateDistinct($"key-{k}", b);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void RemovingAndReaddingANodeRestoresItsKeys()
    {
        var placement = new MaglevPlacement<string>();
        placement.AddRange(Enumerable.Range(0, 8).Select(i => $"node-{i}"));
        var before = Enumerable.Range(0, 5000).Select(k => placement.Locate($"key-{k}")).ToArray();
        placement.Remove("node-3");
        placement.Add("node-3");
        Assert.Equal(before, Enumerable.Range(0, 5000).Select(k => placement.Locate($"key-{k}")));
    }

    [Fact]
    public void NonStringNodesAreNamedStably()
    {
        var placement = new RendezvousPlacement<int>();
        placement.AddRange([10, 20, 30]);
        Assert.Equal(["10", "20", "30"], placement.Members.Select(m => m.Name));
        var named = new RendezvousPlacement<string>();
        named.AddRange(["10", "20", "30"]);
        for (int k = 0; k < 500; k++) Assert.Equal(named.Locate($"key-{k}"), placement.Locate($"key-{k}").ToString());
    }

    [Fact]
    public void BadStrategyParametersAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaglevPlacement<string>(65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VirtualNodePlacement<string>(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedLoadPlacement<string>(0.5));
        var small = new MaglevPlacement<string>(5);
        small.AddRange(["a", "b", "c", "d", "e"]);
        Assert.Contains("cannot hold 6 nodes", Assert.Throws<InvalidOperationException>(() => small.Add("f")).Message);
    }

    private sealed record Server(string Name, int Port);
}
