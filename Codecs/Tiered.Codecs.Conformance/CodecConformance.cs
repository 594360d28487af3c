using System.Diagnostics;
using Tiered.Codecs.Conformance.Checks;
using Tiered.Coding;

namespace Tiered.Codecs.Conformance;

/// <summary>
/// Runs the conformance suite against any <see cref="IErasureCodec"/>, with no test framework:
/// <c>CodecConformance.Run(myCodec).ThrowIfFailed()</c>. See <see cref="ConformanceCheck"/> for the checks.
/// </summary>
public static class CodecConformance
{
    private static readonly IReadOnlyDictionary<string, Func<CheckContext, string>> s_checks = new Dictionary<string, Func<CheckContext, string>>
    {
        [ConformanceCheck.ShardSize] = ShapeChecks.ShardSizes,
        [ConformanceCheck.RoundTrip] = RoundTripCheck.Run,
        [ConformanceCheck.DecodeErasures] = ErasureChecks.Decode,
        [ConformanceCheck.ReconstructErasures] = ErasureChecks.ReconstructAll,
        [ConformanceCheck.ReconstructDataOnly] = ErasureChecks.ReconstructDataOnly,
        [ConformanceCheck.TooManyErasures] = TooManyErasuresCheck.Run,
        [ConformanceCheck.WrongShardCount] = ArgumentChecks.WrongShardCount,
        [ConformanceCheck.WrongFlagCount] = ArgumentChecks.WrongFlagCount,
        [ConformanceCheck.UnequalShardLengths] = ArgumentChecks.UnequalShardLengths,
        [ConformanceCheck.WrongShardLength] = ArgumentChecks.WrongShardLength,
        [ConformanceCheck.InvalidObjectLength] = ShapeChecks.InvalidObjectLength,
        [ConformanceCheck.Determinism] = DeterminismCheck.Run,
        [ConformanceCheck.ThreadSafety] = ThreadSafetyCheck.Run,
        [ConformanceCheck.Systematic] = SystematicCheck.Run,
        [ConformanceCheck.Verify] = VerifyCheck.Run,
        [ConformanceCheck.KnownAnswers] = KnownAnswersCheck.Run,
    };

    /// <summary>Runs every check (except those in <see cref="ConformanceOptions.Skip"/>) against <paramref name="codec"/>.</summary>
    /// <remarks>The determinism check compares the instance with itself; pass a factory to compare two instances.</remarks>
    public static ConformanceReport Run(IErasureCodec codec, ConformanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        return RunAll(codec, null, options ?? new ConformanceOptions());
    }

    /// <summary>Runs every check against a codec from <paramref name="factory"/>; determinism is also checked across a second instance.</summary>
    public static ConformanceReport Run(Func<IErasureCodec> factory, ConformanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return RunAll(factory(), factory, options ?? new ConformanceOptions());
    }

    /// <summary>Runs one named check (see <see cref="ConformanceCheck"/>).</summary>
    public static CheckResult RunCheck(IErasureCodec codec, string check, ConformanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        var effective = options ?? new ConformanceOptions();
        effective.Validate();
        return RunOne(codec, null, effective, check);
    }

    /// <summary>Runs one named check against a codec from <paramref name="factory"/>.</summary>
    public static CheckResult RunCheck(Func<IErasureCodec> factory, string check, ConformanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var effective = options ?? new ConformanceOptions();
        effective.Validate();
        return RunOne(factory(), factory, effective, check);
    }

    private static ConformanceReport RunAll(IErasureCodec codec, Func<IErasureCodec>? factory, ConformanceOptions options)
    {
        options.Validate();
        var results = new List<CheckResult>();
        foreach (string check in ConformanceCheck.All)
            results.Add(RunOne(codec, factory, options, check));
        return new ConformanceReport(codec.Name, results);
    }

    private static CheckResult RunOne(IErasureCodec codec, Func<IErasureCodec>? factory, ConformanceOptions options, string check)
    {
        if (!s_checks.TryGetValue(check, out var run))
            throw new ArgumentException($"Unknown conformance check '{check}'. Known checks: {string.Join(", ", ConformanceCheck.All)}.", nameof(check));
        CheckResult result;
        if (options.Skip.Contains(check))
        {
            result = new CheckResult(check, CheckOutcome.Skipped, "skipped by the options", TimeSpan.Zero);
        }
        else
        {
            var watch = Stopwatch.StartNew();
            try
            {
                string detail = run(new CheckContext(codec, factory, options, check));
                result = new CheckResult(check, CheckOutcome.Passed, detail, watch.Elapsed);
            }
            catch (CheckFailedException e)
            {
                result = new CheckResult(check, CheckOutcome.Failed, e.Message, watch.Elapsed);
            }
            catch (CheckNotApplicableException e)
            {
                result = new CheckResult(check, CheckOutcome.NotApplicable, e.Message, watch.Elapsed);
            }
            catch (Exception e)
            {
                result = new CheckResult(check, CheckOutcome.Failed, $"unexpected {e.GetType().Name}: {e.Message}{Environment.NewLine}{e.StackTrace}", watch.Elapsed);
            }
        }
        options.Progress?.Invoke(result);
        return result;
    }
}
