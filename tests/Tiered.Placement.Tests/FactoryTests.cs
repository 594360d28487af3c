using Xunit;

namespace Tiered.Placement.Tests;

public class FactoryTests
{
    [Theory]
    [InlineData("modulo", "modulo")]
    [InlineData("ring", "ring")]
    [InlineData("consistent-hash", "ring")]
    [InlineData("vnodes", "vnodes(160)")]
    [InlineData("virtual-nodes(40)", "vnodes(40)")]
    [InlineData(" VNodes( 100 ) ", "vnodes(100)")]
    [InlineData("hrw", "rendezvous")]
    [InlineData("jump", "jump")]
    [InlineData("maglev", "maglev(65537)")]
    [InlineData("maglev(655373)", "maglev(655373)")]
    [InlineData("bounded", "bounded(1.25)")]
    [InlineData("bounded-load(1.5)", "bounded(1.5)")]
    public void CreatesStrategiesByName(string spec, string name) => Assert.Equal(name, PlacementFactory.Create(spec).Name);

    [Fact]
    public void OptionsSupplyParametersThatTheNameOmits()
    {
        var options = new PlacementOptions { VirtualNodes = 64, MaglevTableSize = 251, CapacityFactor = 2 };
        Assert.Equal("vnodes(64)", PlacementFactory.Create("vnodes", options).Name);
        Assert.Equal("maglev(251)", PlacementFactory.Create("maglev", options).Name);
        Assert.Equal("bounded(2)", PlacementFactory.Create("bounded", options).Name);
        Assert.Equal("vnodes(8)", PlacementFactory.Create("vnodes(8)", options).Name);
    }

    [Fact]
    public void UnknownNamesListTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => PlacementFactory.Create("crush"));
        Assert.Contains("unknown placement strategy 'crush'", error.Message);
        Assert.Contains("rendezvous", error.Message);
    }

    [Theory]
    [InlineData("maglev(65536)", "prime")]
    [InlineData("maglev(big)", "whole number")]
    [InlineData("vnodes(0)", "between 1 and 100,000")]
    [InlineData("bounded(0.9)", "≥ 1")]
    [InlineData("jump(3)", "takes no parameter")]
    [InlineData("vnodes(160", "malformed")]
    public void BadParametersAreExplained(string spec, string fragment)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => PlacementFactory.Create(spec));
        Assert.Contains(fragment, error.Message);
    }
}
