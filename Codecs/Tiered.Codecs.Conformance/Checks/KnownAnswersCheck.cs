using Tiered.Codecs.Conformance.KnownAnswers;

namespace Tiered.Codecs.Conformance.Checks;

/// <summary>The codec reproduces every known-answer vector in the options that applies to it.</summary>
internal static class KnownAnswersCheck
{
    public static string Run(CheckContext c)
    {
        var results = new List<VectorCheckResult>();
        foreach (var vector in c.Options.ReedSolomonVectors.Where(v => c.Options.ReedSolomonVectorApplies(c.Codec, v)))
            results.Add(KnownAnswerChecks.Check(vector, c.Codec));
        foreach (var vector in c.Options.RaidVectors.Where(v => c.Options.RaidVectorApplies(c.Codec, v)))
            results.Add(KnownAnswerChecks.Check(vector, c.Codec));
        if (results.Count == 0)
            throw new CheckNotApplicableException(
                $"none of the {c.Options.ReedSolomonVectors.Count + c.Options.RaidVectors.Count} known-answer vectors in the options applies to {c.Codec.Name}");
        var failed = results.Where(r => !r.Passed).ToArray();
        if (failed.Length > 0)
            throw new CheckFailedException($"{failed.Length} of {results.Count} vectors differ: " + string.Join("; ", failed.Take(3).Select(f => $"{f.Name}: {f.Detail}")));
        return $"{results.Count} known-answer vector(s) reproduced";
    }
}
