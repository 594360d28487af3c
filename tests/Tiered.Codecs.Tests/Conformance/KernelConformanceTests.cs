using Tiered.Codecs.Conformance;
using Tiered.Codecs.Kernels;
using Xunit;

namespace Tiered.Codecs.Tests.Conformance;

/// <summary>
/// The built-in codecs on kernels other than the default: every available GF(2^8) kernel for rs(10,4) and
/// raid6(4), and for every other codec one non-default kernel (taken in turn from those available). Checks that
/// never reach a kernel (shapes and argument refusals) run once, in the per-codec classes.
/// </summary>
public class KernelConformanceTests
{
    private static readonly string[] EveryKernel = ["rs(10,4)", "raid6(4)"];

    private static readonly string[] OneOtherKernel =
    [
        "replication(1)", "replication(2)", "replication(3)", "raid1(2)", "raid0(1)", "raid0(3)", "raid0(4)", "raid4(4)",
        "raid5(3)", "raid5(4)", "raid5(5)", "raid6(6)", "rs(1,1)", "rs(2,1)", "rs(4,2)", "rs(6,3)", "rs(10,2)", "rs(12,4)",
        "rs(17,3)", "raid0(3,unit=64)", "raid4(4,unit=32)", "raid5(4,unit=32)", "raid6(4,unit=32)", "raid6(6,unit=64)",
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string spec in EveryKernel)
            foreach (var kernel in GaloisKernel.Available.Where(k => k != GaloisKernel.Best))
                data.Add(spec, kernel.Name);
        var others = GaloisKernel.Available.Where(k => k != GaloisKernel.Best).ToArray();
        if (others.Length == 0) others = [GaloisKernel.Scalar];
        for (int i = 0; i < OneOtherKernel.Length; i++)
            data.Add(OneOtherKernel[i], others[i % others.Length].Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConformsOnKernel(string spec, string kernelName)
    {
        var kernel = GaloisKernel.FromName(kernelName);
        var options = BuiltInCodecTests.WithSharedVectors(new ConformanceOptions { LargeObjectLength = 1 << 20 })
            .Without(ConformanceCheck.ShardSize, ConformanceCheck.InvalidObjectLength, ConformanceCheck.WrongShardCount,
                ConformanceCheck.WrongFlagCount, ConformanceCheck.UnequalShardLengths, ConformanceCheck.WrongShardLength);
        var report = CodecConformance.Run(() => CodecFactory.Create(spec, kernel), options);
        Assert.True(report.Passed, $"{spec} on the {kernelName} kernel:{Environment.NewLine}{report}");
        Assert.Equal(kernelName, ((LinearCodec)CodecFactory.Create(spec, kernel)).Kernel.Name);
    }

    [Fact]
    public void WideCodeConformsOnTheScalarKernel()
    {
        var options = new ConformanceOptions { SampledPatterns = 3, LargeObjectLength = 256 << 10, Threads = 2, RoundsPerThread = 1 }
            .Without(ConformanceCheck.ShardSize, ConformanceCheck.InvalidObjectLength, ConformanceCheck.WrongShardCount,
                ConformanceCheck.WrongFlagCount, ConformanceCheck.UnequalShardLengths, ConformanceCheck.WrongShardLength,
                ConformanceCheck.Verify, ConformanceCheck.Systematic);
        var report = CodecConformance.Run(() => new ReedSolomonCodec(200, 56, GaloisKernel.Scalar), options);
        Assert.True(report.Passed, report.ToString());
    }
}
