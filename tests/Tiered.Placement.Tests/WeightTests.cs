using Tiered.Placement.Statistics;
using Xunit;

namespace Tiered.Placement.Tests;

public class WeightTests
{
    private static readonly double[] MixedWeights = [1, 2, 1, 3, 1, 1, 2, 1, 4, 1, 1, 2];

    [Fact]
    public void WeightedRendezvousGivesEveryNodeItsWeightShareWithin2Percent()
    {
        var report = PlacementStatistics.Measure(() => new RendezvousPlacement<string>(), 12, Keys.OneMillion, MixedWeights, timeLookups: false);
        Assert.True(report.MaxShareError <= 0.02, $"worst relative share error {report.MaxShareError:P2}");
        // A weighted node that joins or leaves still moves only its own keys.
        Assert.Equal(0, report.MovedBetweenSurvivorsOnAdd);
        Assert.Equal(0, report.MovedBetweenSurvivorsOnRemove);
    }

    [Theory]
    [InlineData("rendezvous", 0.03)]
    [InlineData("maglev", 0.03)]
    [InlineData("vnodes(160)", 0.25)] // 320 random arcs: the share itself varies by about 6 %
    public void AWeight2NodeGetsAboutTwiceTheKeys(string strategy, double tolerance)
    {
        var placement = PlacementFactory.Create(strategy);
        for (int i = 0; i < 11; i++) placement.Add($"node-{i}");
        placement.Add("heavy", 2);
        var snapshot = placement.Current;
        var counts = new long[12];
        foreach (ulong key in Keys.First(500_000)) counts[snapshot.LocateIndex(key)]++;
        int heavy = snapshot.IndexOf("heavy");
        double light = counts.Where((_, i) => i != heavy).Average();
        double ratio = counts[heavy] / light;
        Assert.True(Math.Abs(ratio - 2) <= 2 * tolerance, $"{strategy}: weight-2 node has {ratio:F3}× a weight-1 node's keys");
    }

    [Fact]
    public void VirtualNodesScaleTokensWithWeight()
    {
        var placement = new VirtualNodePlacement<string>(100);
        Assert.Equal(100, placement.TokensFor(1));
        Assert.Equal(250, placement.TokensFor(2.5));
        Assert.Equal(1, placement.TokensFor(0.0001));
    }

    [Theory]
    [InlineData("modulo")]
    [InlineData("ring")]
    [InlineData("jump")]
    public void StrategiesWithoutWeightsRefuseThem(string strategy)
    {
        var placement = PlacementFactory.Create(strategy);
        var error = Assert.Throws<ArgumentException>(() => placement.Add("node-0", 2));
        Assert.Contains("does not support weights", error.Message);
        Assert.Equal(0, placement.Count);
        placement.Add("node-0", 1);
        Assert.Equal(1, placement.Count);
    }
}
