using Tiered.Codecs.Conformance;
using Tiered.Codecs.Conformance.KnownAnswers;

namespace Tiered.Codecs.Tests.Conformance;

/// <summary>The conformance suite for a built-in codec, with the shared known-answer vectors in its options.</summary>
public abstract class BuiltInCodecTests : ErasureCodecConformanceTests
{
    private static readonly Lazy<(IReadOnlyList<ReedSolomonVector> Rs, IReadOnlyList<RaidVector> Raid)> s_vectors =
        new(() => KnownAnswerVectors.LoadDirectory(SharedVectors.Directory));

    protected override ConformanceOptions CreateOptions() => WithSharedVectors(new ConformanceOptions());

    public static ConformanceOptions WithSharedVectors(ConformanceOptions options)
    {
        foreach (var vector in s_vectors.Value.Rs) options.ReedSolomonVectors.Add(vector);
        foreach (var vector in s_vectors.Value.Raid) options.RaidVectors.Add(vector);
        return options;
    }
}
