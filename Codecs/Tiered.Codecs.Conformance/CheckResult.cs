namespace Tiered.Codecs.Conformance;

/// <summary>How one check ended.</summary>
public enum CheckOutcome
{
    Passed,
    Failed,

    /// <summary>Left out because <see cref="ConformanceOptions.Skip"/> names it.</summary>
    Skipped,

    /// <summary>Does not apply to this codec (e.g. the systematic check for a non-systematic codec, or no matching vectors).</summary>
    NotApplicable,
}

/// <summary>The result of one named check: its outcome, what it found, and how long it took.</summary>
public sealed record CheckResult(string Check, CheckOutcome Outcome, string Message, TimeSpan Elapsed)
{
    public bool Failed => Outcome == CheckOutcome.Failed;

    public override string ToString() => $"{Outcome.ToString().ToUpperInvariant(),-13} {Check}: {Message} ({Elapsed.TotalMilliseconds:F0} ms)";
}
