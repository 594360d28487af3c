using System.Text;

namespace Tiered.Codecs.Conformance;

/// <summary>Everything one conformance run found about one codec.</summary>
public sealed class ConformanceReport
{
    public ConformanceReport(string codec, IReadOnlyList<CheckResult> results)
    {
        Codec = codec;
        Results = results;
    }

    /// <summary>The codec's <see cref="Tiered.Coding.IErasureCodec.Name"/>.</summary>
    public string Codec { get; }

    public IReadOnlyList<CheckResult> Results { get; }

    /// <summary>True when no check failed (skipped and not-applicable checks do not count against it).</summary>
    public bool Passed => Results.All(r => !r.Failed);

    public IEnumerable<CheckResult> Failures => Results.Where(r => r.Failed);

    /// <summary>The result of the named check, or null when it was not part of the run.</summary>
    public CheckResult? this[string check] => Results.FirstOrDefault(r => r.Check == check);

    /// <summary>Throws <see cref="ConformanceException"/> listing every failed check, if any failed.</summary>
    public void ThrowIfFailed()
    {
        if (!Passed) throw new ConformanceException(this);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        int failed = Results.Count(r => r.Failed);
        text.Append(Codec).Append(": ").Append(failed == 0 ? "conforms" : $"{failed} of {Results.Count} checks failed").AppendLine();
        foreach (var result in Results) text.Append("  ").Append(result).AppendLine();
        return text.ToString();
    }
}

/// <summary>A codec failed one or more conformance checks; the message lists them.</summary>
public sealed class ConformanceException : Exception
{
    public ConformanceException(ConformanceReport report)
        : base($"{report.Codec} failed {report.Failures.Count()} conformance check(s):{Environment.NewLine}" +
            string.Join(Environment.NewLine, report.Failures.Select(f => $"  {f.Check}: {f.Message}")))
    {
        Report = report;
    }

    public ConformanceReport Report { get; }
}
