using Tiered.Coding;
using Xunit;

namespace Tiered.Codecs.Conformance;

/// <summary>
/// The conformance suite as xunit tests, one test per check. Derive, and say how to build the codec:
/// <code>
/// public class MyCodecTests : ErasureCodecConformanceTests
/// {
///     protected override IErasureCodec CreateCodec() => new MyCodec();
/// }
/// </code>
/// Override <see cref="CreateOptions"/> to add known-answer vectors, sample fewer patterns or skip checks.
/// Checks that do not apply (or are skipped) pass; their reason is in the <see cref="CheckResult"/>.
/// </summary>
public abstract class ErasureCodecConformanceTests
{
    /// <summary>A new codec instance; called once per test, and twice by the determinism test.</summary>
    protected abstract IErasureCodec CreateCodec();

    protected virtual ConformanceOptions CreateOptions() => new();

    [Fact] public void ShardSizeIsSane() => Check(ConformanceCheck.ShardSize);
    [Fact] public void RoundTripsManyLengths() => Check(ConformanceCheck.RoundTrip);
    [Fact] public void DecodesEveryErasurePattern() => Check(ConformanceCheck.DecodeErasures);
    [Fact] public void ReconstructsEveryErasurePattern() => Check(ConformanceCheck.ReconstructErasures);
    [Fact] public void ReconstructsDataShardsOnly() => Check(ConformanceCheck.ReconstructDataOnly);
    [Fact] public void RefusesTooManyErasures() => Check(ConformanceCheck.TooManyErasures);
    [Fact] public void RefusesWrongShardCount() => Check(ConformanceCheck.WrongShardCount);
    [Fact] public void RefusesWrongFlagCount() => Check(ConformanceCheck.WrongFlagCount);
    [Fact] public void RefusesUnequalShardLengths() => Check(ConformanceCheck.UnequalShardLengths);
    [Fact] public void RefusesWrongShardLength() => Check(ConformanceCheck.WrongShardLength);
    [Fact] public void RefusesInvalidObjectLength() => Check(ConformanceCheck.InvalidObjectLength);
    [Fact] public void IsDeterministic() => Check(ConformanceCheck.Determinism);
    [Fact] public void IsThreadSafe() => Check(ConformanceCheck.ThreadSafety);
    [Fact] public void IsSystematicWhenItSaysSo() => Check(ConformanceCheck.Systematic);
    [Fact] public void VerifyDetectsEveryBitFlip() => Check(ConformanceCheck.Verify);
    [Fact] public void ReproducesKnownAnswers() => Check(ConformanceCheck.KnownAnswers);

    /// <summary>Runs one check and fails the test with the check's message if it failed.</summary>
    protected void Check(string check)
    {
        var result = CodecConformance.RunCheck(CreateCodec, check, CreateOptions());
        if (result.Failed) Assert.Fail($"{CreateCodec().Name}: {check}: {result.Message}");
    }
}
