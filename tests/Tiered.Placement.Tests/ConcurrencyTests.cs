using Xunit;

namespace Tiered.Placement.Tests;

/// <summary>Lookups running while membership changes must see the old or the new membership, never a mixture.</summary>
public class ConcurrencyTests
{
    public static TheoryData<string> AllStrategies() => new(PlacementFactory.Names);

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public async Task LookupsDuringMembershipChangesSeeOneMembershipOrTheOther(string strategy)
    {
        const int keyCount = 2_000, chunks = 4;
        var hashes = Keys.First(keyCount);
        var without = Build(strategy, 12).Current;
        var with = Build(strategy, 13).Current;
        var placement = Build(strategy, 12);
        int failures = 0;
        string? firstFailure = null;
        void Fail(string message)
        {
            if (Interlocked.Increment(ref failures) == 1) firstFailure = message;
        }

        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var nodes = new string[chunks];
            var expectedA = new string[chunks];
            var expectedB = new string[chunks];
            int rounds = 0;
            while (!done.IsCancellationRequested || rounds < 2)
            {
                rounds++;
                for (int k = 0; k < keyCount; k++)
                {
                    string node = placement.Locate(hashes[k]);
                    if (node != without.Locate(hashes[k]) && node != with.Locate(hashes[k])) Fail($"key {k} went to {node}");

                    placement.LocateDistinct(hashes[k], nodes);
                    without.LocateDistinct(hashes[k], expectedA);
                    with.LocateDistinct(hashes[k], expectedB);
                    if (!nodes.AsSpan().SequenceEqual(expectedA) && !nodes.AsSpan().SequenceEqual(expectedB))
                        Fail($"chunks of key {k} went to {string.Join(",", nodes)}: neither membership's layout");
                }
            }
        })).ToArray();

        for (int i = 0; i < 200; i++)
        {
            placement.Add("node-12");
            Assert.True(placement.Remove("node-12"));
        }
        done.Cancel();
        await Task.WhenAll(readers);
        Assert.True(failures == 0, $"{failures} torn lookups; first: {firstFailure}");
        Assert.Equal(12 + 400, placement.Current.Version);
    }

    [Fact]
    public void ConcurrentAddsFromManyThreadsAreAllKept()
    {
        var placement = new RendezvousPlacement<string>();
        Parallel.For(0, 200, i => placement.Add($"node-{i}"));
        Assert.Equal(200, placement.Count);
        Assert.Equal(200, placement.Current.Version);
        Assert.Equal(200, placement.Members.Select(m => m.Name).Distinct().Count());
    }

    private static SnapshotPlacement<string> Build(string strategy, int nodes)
    {
        var placement = PlacementFactory.Create(strategy);
        for (int i = 0; i < nodes; i++) placement.Add($"node-{i}");
        return placement;
    }
}
