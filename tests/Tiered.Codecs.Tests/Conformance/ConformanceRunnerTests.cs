using Tiered.Codecs.Conformance;
using Xunit;

namespace Tiered.Codecs.Tests.Conformance;

/// <summary>The plain (framework-free) entry points and the options.</summary>
public class ConformanceRunnerTests
{
    private static ConformanceOptions Quick() => new() { LargeObjectLength = 64 << 10 };

    [Fact]
    public void RunReportsEveryCheckOnceAndCallsProgressForEach()
    {
        var seen = new List<string>();
        var options = Quick();
        options.Progress = r => seen.Add(r.Check);
        var report = CodecConformance.Run(new ReedSolomonCodec(4, 2), options);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(ConformanceCheck.All, report.Results.Select(r => r.Check));
        Assert.Equal(ConformanceCheck.All, seen);
        Assert.Equal(CheckOutcome.NotApplicable, report[ConformanceCheck.KnownAnswers]!.Outcome);
        Assert.Equal("rs(4,2)", report.Codec);
        report.ThrowIfFailed();
    }

    [Fact]
    public void SkippedChecksAreReportedAsSkipped()
    {
        var report = CodecConformance.Run(new ReedSolomonCodec(2, 1), Quick().Without(ConformanceCheck.ThreadSafety, ConformanceCheck.RoundTrip));
        Assert.Equal(CheckOutcome.Skipped, report[ConformanceCheck.ThreadSafety]!.Outcome);
        Assert.Equal(CheckOutcome.Skipped, report[ConformanceCheck.RoundTrip]!.Outcome);
        Assert.Equal(CheckOutcome.Passed, report[ConformanceCheck.DecodeErasures]!.Outcome);
    }

    [Fact]
    public void UnknownCheckNamesAreRefused()
    {
        var codec = new ReedSolomonCodec(2, 1);
        Assert.Contains("no-such-check", Assert.Throws<ArgumentException>(() => CodecConformance.Run(codec, Quick().Without("no-such-check"))).Message);
        Assert.Contains("no-such-check", Assert.Throws<ArgumentException>(() => CodecConformance.RunCheck(codec, "no-such-check")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => CodecConformance.Run(codec, new ConformanceOptions { SampledPatterns = 0 }));
    }

    [Fact]
    public void VectorsLoadedFromADirectoryApplyOnlyToMatchingCodecs()
    {
        var options = Quick().AddVectors(SharedVectors.Directory);
        Assert.NotEmpty(options.ReedSolomonVectors);
        Assert.NotEmpty(options.RaidVectors);
        Assert.Equal(CheckOutcome.Passed, CodecConformance.RunCheck(new ReedSolomonCodec(4, 2), ConformanceCheck.KnownAnswers, options).Outcome);
        Assert.Equal(CheckOutcome.Passed, CodecConformance.RunCheck(RaidCodec.Raid6(6, 64), ConformanceCheck.KnownAnswers, options).Outcome);
        // Same shape as rs(4,2) and raid6(4,unit=32), but neither vector applies to raid6(4) with its default unit.
        Assert.Equal(CheckOutcome.NotApplicable, CodecConformance.RunCheck(RaidCodec.Raid6(4), ConformanceCheck.KnownAnswers, options).Outcome);
    }

    [Fact]
    public void SampledPatternsAreReproducibleFromTheSeed()
    {
        var first = CodecConformance.RunCheck(new ReedSolomonCodec(17, 3), ConformanceCheck.DecodeErasures, new ConformanceOptions { SampledPatterns = 50, Seed = 42 });
        var second = CodecConformance.RunCheck(new ReedSolomonCodec(17, 3), ConformanceCheck.DecodeErasures, new ConformanceOptions { SampledPatterns = 50, Seed = 42 });
        Assert.Equal(CheckOutcome.Passed, first.Outcome);
        Assert.Equal(first.Message, second.Message);
        Assert.Contains("50 sampled patterns", first.Message);
        Assert.Contains("seed 42", first.Message);
    }
}
