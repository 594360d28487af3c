using Tiered.Codecs.Conformance;
using Tiered.Codecs.Tests.BrokenCodecs;
using Tiered.Coding;
using Xunit;

namespace Tiered.Codecs.Tests.Conformance;

/// <summary>The suite must notice deliberately broken codecs, on the check that is about the breakage.</summary>
public class BrokenCodecTests
{
    public static TheoryData<string> Codecs() => new("rs(4,2)", "raid5(3,unit=64)", "raid6(4,unit=32)", "replication(3)");

    [Theory]
    [MemberData(nameof(Codecs))]
    public void CatchesAFlippedParityBit(string spec)
    {
        var report = Run(new FlipsParityBitCodec(CodecFactory.Create(spec)), spec,
            ConformanceCheck.RoundTrip, ConformanceCheck.DecodeErasures, ConformanceCheck.ReconstructErasures, ConformanceCheck.Verify, ConformanceCheck.KnownAnswers);
        AssertFailed(report, ConformanceCheck.Verify, "Verify is false on the fresh shards");
        AssertFailed(report, ConformanceCheck.DecodeErasures, "decoded with");
        AssertFailed(report, ConformanceCheck.ReconstructErasures, "rebuilt wrongly");
    }

    [Fact]
    public void CatchesAFlippedParityBitAgainstKnownAnswers()
    {
        var report = Run(new FlipsParityBitCodec(RaidCodec.Raid5(4, 32)), "raid5(4,unit=32)", ConformanceCheck.KnownAnswers);
        AssertFailed(report, ConformanceCheck.KnownAnswers, "differs from the vector");
    }

    [Theory]
    [InlineData("rs(10,4)", 0)]
    [InlineData("rs(10,4)", 13)]
    [InlineData("raid6(4,unit=32)", 5)]
    [InlineData("rs(17,3)", 16)]
    public void CatchesWrongBytesWhenOneShardIsMissing(string spec, int shard)
    {
        var inner = CodecFactory.Create(spec);
        var report = Run(new WrongWhenShardMissingCodec(inner, shard), spec,
            ConformanceCheck.DecodeErasures, ConformanceCheck.ReconstructErasures, ConformanceCheck.ReconstructDataOnly, ConformanceCheck.Systematic);
        AssertFailed(report, ConformanceCheck.DecodeErasures, $"shard(s) ");
        Assert.Contains(shard.ToString(), report[ConformanceCheck.DecodeErasures]!.Message);
        AssertFailed(report, ConformanceCheck.ReconstructErasures, $"shard {shard} was rebuilt wrongly");
        // Checks that never lose a shard are not fooled into failing.
        Assert.False(report[ConformanceCheck.Systematic]!.Failed, report[ConformanceCheck.Systematic]!.Message);
        if (shard < inner.DataShards) AssertFailed(report, ConformanceCheck.ReconstructDataOnly, "rebuilt wrongly");
        else Assert.Equal(CheckOutcome.Passed, report[ConformanceCheck.ReconstructDataOnly]!.Outcome);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void CatchesIgnoredPresenceFlags(string spec)
    {
        var report = Run(new IgnoresPresentFlagsCodec(CodecFactory.Create(spec)), spec,
            ConformanceCheck.DecodeErasures, ConformanceCheck.ReconstructErasures, ConformanceCheck.TooManyErasures, ConformanceCheck.RoundTrip);
        AssertFailed(report, ConformanceCheck.DecodeErasures, "missing");
        AssertFailed(report, ConformanceCheck.ReconstructErasures, "rebuilt wrongly");
        AssertFailed(report, ConformanceCheck.TooManyErasures, "expected TooManyErasuresException but the call returned normally");
    }

    [Fact]
    public void CatchesADestinationWrittenBeforeValidation()
    {
        var report = Run(new WritesBeforeValidatingCodec(new ReedSolomonCodec(4, 2)), "rs(4,2)",
            ConformanceCheck.TooManyErasures, ConformanceCheck.WrongShardCount, ConformanceCheck.WrongFlagCount, ConformanceCheck.WrongShardLength, ConformanceCheck.RoundTrip);
        AssertFailed(report, ConformanceCheck.TooManyErasures, "wrote to the destination");
        AssertFailed(report, ConformanceCheck.WrongShardCount, "the destination was written");
        AssertFailed(report, ConformanceCheck.WrongFlagCount, "the destination was written");
        AssertFailed(report, ConformanceCheck.WrongShardLength, "the destination was written");
        Assert.Equal(CheckOutcome.Passed, report[ConformanceCheck.RoundTrip]!.Outcome);
    }

    [Fact]
    public void CatchesACodecThatIsNotThreadSafe()
    {
        var codec = new SharedScratchCodec(new ReedSolomonCodec(6, 3));
        var options = new ConformanceOptions { Threads = 8, RoundsPerThread = 8 };
        Assert.Equal(CheckOutcome.Passed, CodecConformance.RunCheck(codec, ConformanceCheck.RoundTrip, options).Outcome);
        var result = CodecConformance.RunCheck(codec, ConformanceCheck.ThreadSafety, options);
        Assert.True(result.Failed, $"the thread-safety check passed a codec sharing one scratch buffer: {result.Message}");
        Assert.Contains("concurrent round(s) went wrong", result.Message);
    }

    [Fact]
    public void ThrowIfFailedListsTheFailedChecks()
    {
        var report = Run(new IgnoresPresentFlagsCodec(new ReedSolomonCodec(4, 2)), "rs(4,2)", ConformanceCheck.DecodeErasures, ConformanceCheck.ShardSize);
        Assert.False(report.Passed);
        var e = Assert.Throws<ConformanceException>(report.ThrowIfFailed);
        Assert.Contains(ConformanceCheck.DecodeErasures, e.Message);
        Assert.DoesNotContain(ConformanceCheck.ShardSize + ":", e.Message);
        Assert.Same(report, e.Report);
    }

    /// <summary>Runs only <paramref name="checks"/>, with the shared vectors; the healthy codec must pass them all first.</summary>
    private static ConformanceReport Run(IErasureCodec broken, string spec, params string[] checks)
    {
        var options = BuiltInCodecTests.WithSharedVectors(new ConformanceOptions());
        options.LargeObjectLength = 256 << 10;
        options.Without(ConformanceCheck.All.Except(checks).ToArray());
        var healthy = CodecConformance.Run(() => CodecFactory.Create(spec), options);
        Assert.True(healthy.Passed, $"the healthy {spec} should pass: {healthy}");
        var report = CodecConformance.Run(broken, options);
        Assert.Equal(checks.Length, report.Results.Count(r => r.Outcome != CheckOutcome.Skipped));
        return report;
    }

    private static void AssertFailed(ConformanceReport report, string check, string messagePart)
    {
        var result = report[check];
        Assert.NotNull(result);
        Assert.True(result.Failed, $"{check} should have failed for the broken {report.Codec}, but: {result}");
        Assert.Contains(messagePart, result.Message);
    }
}
