using Tiered.Codecs.Kernels;
using Tiered.Coding;
using Xunit;

namespace Tiered.Codecs.Tests;

public class CodecFactoryTests
{
    [Theory]
    [InlineData("rs(10,4)", "rs(10,4)", 10, 4)]
    [InlineData("RS( 6 , 3 )", "rs(6,3)", 6, 3)]
    [InlineData("  rs(10,4) ", "rs(10,4)", 10, 4)]
    [InlineData(" reedsolomon(3,2)", "rs(3,2)", 3, 2)]
    [InlineData("reed-solomon(4,2)", "rs(4,2)", 4, 2)]
    [InlineData("rs(200,56)", "rs(200,56)", 200, 56)]
    [InlineData("replication", "replication(3)", 1, 2)]
    [InlineData("replication(1)", "replication(1)", 1, 0)]
    [InlineData("raid1", "raid1(2)", 1, 1)]
    [InlineData("raid1(3)", "raid1(3)", 1, 2)]
    [InlineData("raid0(4)", "raid0(4)", 4, 0)]
    [InlineData("raid4(4)", "raid4(4)", 4, 1)]
    [InlineData("raid5(4,unit=4096)", "raid5(4)", 4, 1)]
    [InlineData("raid5(4, unit=65536)", "raid5(4,unit=65536)", 4, 1)]
    [InlineData("raid6(6,stripeunit=64)", "raid6(6,unit=64)", 6, 2)]
    [InlineData("raid6(4,unit=32)", "raid6(4,unit=32)", 4, 2)]
    public void NamesRoundTrip(string spec, string name, int k, int r)
    {
        var codec = CodecFactory.Create(spec);
        Assert.Equal(name, codec.Name);
        Assert.Equal((k, r), (codec.DataShards, codec.ParityShards));
        var again = CodecFactory.Create(codec.Name);
        Assert.Equal(codec.Name, again.Name);
        Assert.Equal(codec.GetType(), again.GetType());
        Assert.Equal((codec.DataShards, codec.ParityShards, codec.ShardAlignment, codec.IsSystematic),
            (again.DataShards, again.ParityShards, again.ShardAlignment, again.IsSystematic));
    }

    [Fact]
    public void EveryKindRoundTrips()
    {
        foreach (string kind in CodecFactory.Kinds)
        {
            string spec = kind == "rs" ? "rs(3,2)" : $"{kind}(3)";
            var codec = CodecFactory.Create(spec);
            Assert.Equal(codec.Name, CodecFactory.Create(codec.Name).Name);
            Assert.StartsWith(kind, codec.Name);
        }
    }

    [Fact]
    public void KernelIsPassedThrough()
    {
        foreach (var kernel in GaloisKernel.Available)
            Assert.Same(kernel, ((LinearCodec)CodecFactory.Create("rs(4,2)", kernel)).Kernel);
    }

    [Theory]
    [InlineData("rs", "missing parameter 1")]
    [InlineData("rs(10)", "missing parameter 2")]
    [InlineData("rs()", "missing parameter 1")]
    [InlineData("rs(a,4)", "'a' is not an integer")]
    [InlineData("rs(10,4,2)", "at most 2")]
    [InlineData("raid5(4,5)", "at most 1")]
    [InlineData("rs(99999999999,1)", "'99999999999' is not an integer")]
    [InlineData("lrc(6,2)", "unknown codec kind 'lrc'")]
    [InlineData("rs(10,4", "not a codec name")]
    [InlineData("(10,4)", "not a codec name")]
    [InlineData("raid5(4,bogus=1)", "unknown parameter 'bogus'")]
    [InlineData("replication(3,unit=64)", "unknown parameter 'unit'")]
    [InlineData("raid1(2,unit=64)", "unknown parameter 'unit'")]
    [InlineData("rs(4,2,unit=64)", "unknown parameter 'unit'")]
    [InlineData("raid5(4,unit=big)", "'big' is not an integer")]
    public void MalformedSpecsAreFormatErrors(string spec, string expected)
    {
        var e = Assert.Throws<FormatException>(() => CodecFactory.Create(spec));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("rs(200,57)", "257")]
    [InlineData("rs(256,1)", "257")]
    [InlineData("rs(0,4)", "at least 1")]
    [InlineData("rs(4,-1)", "must not be negative")]
    [InlineData("raid5(0)", "at least 1")]
    [InlineData("raid6(255)", "257")]
    [InlineData("replication(0)", "at least 1")]
    [InlineData("replication(257)", "257")]
    [InlineData("raid5(4,unit=0)", "stripe unit")]
    [InlineData("raid5(4,unit=-32)", "stripe unit")]
    [InlineData("raid6(4,unit=33)", "stripe unit")]
    [InlineData("raid0(4,unit=16)", "stripe unit")]
    public void ImpossibleShapesAreArgumentErrors(string spec, string expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => CodecFactory.Create(spec));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptySpecsAreRefused(string spec) => Assert.ThrowsAny<ArgumentException>(() => CodecFactory.Create(spec));

    [Fact]
    public void DirectConstructorsRefuseImpossibleShapes()
    {
        Assert.Contains("257", Assert.ThrowsAny<ArgumentException>(() => new ReedSolomonCodec(250, 7)).Message);
        Assert.ThrowsAny<ArgumentException>(() => new ReedSolomonCodec(0, 1));
        Assert.ThrowsAny<ArgumentException>(() => RaidCodec.Raid6(4, 0));
        Assert.ThrowsAny<ArgumentException>(() => RaidCodec.Raid5(4, -32));
        Assert.ThrowsAny<ArgumentException>(() => RaidCodec.Raid4(4, 33));
        Assert.ThrowsAny<ArgumentException>(() => new ReplicationCodec(0));
        IErasureCodec ok = new ReedSolomonCodec(255, 1);
        Assert.Equal(256, ok.TotalShards);
    }
}
