using Tiered.Codecs.Conformance.KnownAnswers;
using Tiered.Coding;

namespace Tiered.Codecs.Conformance;

/// <summary>
/// Tunes a conformance run. The defaults run every check against one codec in well under a few seconds
/// for the shapes Tiered uses (k+r ≤ 16 exhaustively); lower <see cref="SampledPatterns"/> and
/// <see cref="LargeObjectLength"/> for very wide codes such as rs(200,56).
/// </summary>
public sealed class ConformanceOptions
{
    /// <summary>Seeds every random object and sampled erasure pattern; a run is reproducible from its seed.</summary>
    public int Seed { get; set; } = 0x7133ED;

    /// <summary>Erasure patterns are enumerated exhaustively when k+r is at most this (all patterns of 0..r erasures).</summary>
    public int ExhaustiveShardLimit { get; set; } = 16;

    /// <summary>
    /// When k+r exceeds <see cref="ExhaustiveShardLimit"/>: how many erasure patterns each erasure check tries. The
    /// sample always holds no erasure, the first r and the last r shards, and r parity-free ones where possible;
    /// the rest are uniformly random sets of 1..r shards drawn with <see cref="Seed"/>.
    /// </summary>
    public int SampledPatterns { get; set; } = 400;

    /// <summary>The largest object the round-trip check encodes (default 4 MiB, capped at the codec's MaxObjectLength).</summary>
    public int LargeObjectLength { get; set; } = 4 << 20;

    /// <summary>The largest object the erasure and verify checks use for each pattern (default 256 KiB).</summary>
    public int ErasureObjectLength { get; set; } = 256 << 10;

    /// <summary>More lengths for the round-trip check, beyond the built-in list.</summary>
    public IList<int> ExtraLengths { get; } = new List<int>();

    /// <summary>Threads the thread-safety check runs at once (default: 4 per processor).</summary>
    public int Threads { get; set; } = Environment.ProcessorCount * 4;

    /// <summary>Encode/decode/reconstruct/verify rounds each thread of the thread-safety check makes.</summary>
    public int RoundsPerThread { get; set; } = 6;

    /// <summary>Names of checks (see <see cref="ConformanceCheck"/>) to leave out; they are reported as skipped.</summary>
    public ISet<string> Skip { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Reed-Solomon known-answer vectors; those whose (k, r) match and that <see cref="ReedSolomonVectorApplies"/> accepts are checked.</summary>
    public IList<ReedSolomonVector> ReedSolomonVectors { get; } = new List<ReedSolomonVector>();

    /// <summary>RAID layout known-answer vectors; those that <see cref="RaidVectorApplies"/> accepts are checked.</summary>
    public IList<RaidVector> RaidVectors { get; } = new List<RaidVector>();

    /// <summary>
    /// Decides whether a Reed-Solomon vector applies to the codec. By default: k and r match and the codec's name
    /// starts with <c>rs(</c> or <c>reed</c> (other codes with the same shape, such as RAID-6, compute other parity).
    /// </summary>
    public Func<IErasureCodec, ReedSolomonVector, bool> ReedSolomonVectorApplies { get; set; } = DefaultReedSolomonApplies;

    /// <summary>
    /// Decides whether a RAID vector applies to the codec. By default: the codec is named
    /// <c>{level}({k})</c> or <c>{level}({k},…)</c>, its shard count matches and its ShardAlignment is the vector's stripe unit.
    /// </summary>
    public Func<IErasureCodec, RaidVector, bool> RaidVectorApplies { get; set; } = DefaultRaidApplies;

    /// <summary>Called after each check with its result (for progress output in long runs).</summary>
    public Action<CheckResult>? Progress { get; set; }

    /// <summary>Adds every vector in a vector file or in the *.json files of a directory (the <c>shared/vectors</c> format).</summary>
    public ConformanceOptions AddVectors(string fileOrDirectory)
    {
        var (rs, raid) = Directory.Exists(fileOrDirectory)
            ? KnownAnswerVectors.LoadDirectory(fileOrDirectory)
            : KnownAnswerVectors.LoadFile(fileOrDirectory);
        foreach (var vector in rs) ReedSolomonVectors.Add(vector);
        foreach (var vector in raid) RaidVectors.Add(vector);
        return this;
    }

    /// <summary>Adds names to <see cref="Skip"/>.</summary>
    public ConformanceOptions Without(params string[] checks)
    {
        foreach (string check in checks) Skip.Add(check);
        return this;
    }

    internal void Validate()
    {
        foreach (string check in Skip)
            if (!ConformanceCheck.All.Contains(check))
                throw new ArgumentException($"Unknown conformance check '{check}' in Skip. Known checks: {string.Join(", ", ConformanceCheck.All)}.", nameof(Skip));
        if (ExhaustiveShardLimit < 1) throw new ArgumentOutOfRangeException(nameof(ExhaustiveShardLimit), ExhaustiveShardLimit, "ExhaustiveShardLimit must be at least 1.");
        if (SampledPatterns < 1) throw new ArgumentOutOfRangeException(nameof(SampledPatterns), SampledPatterns, "SampledPatterns must be at least 1.");
        if (LargeObjectLength < 0) throw new ArgumentOutOfRangeException(nameof(LargeObjectLength), LargeObjectLength, "LargeObjectLength cannot be negative.");
        if (ErasureObjectLength < 1) throw new ArgumentOutOfRangeException(nameof(ErasureObjectLength), ErasureObjectLength, "ErasureObjectLength must be at least 1.");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be at least 1.");
        if (RoundsPerThread < 1) throw new ArgumentOutOfRangeException(nameof(RoundsPerThread), RoundsPerThread, "RoundsPerThread must be at least 1.");
    }

    private static bool DefaultReedSolomonApplies(IErasureCodec codec, ReedSolomonVector vector) =>
        codec.DataShards == vector.DataShards && codec.ParityShards == vector.ParityShards &&
        (codec.Name.StartsWith("rs(", StringComparison.OrdinalIgnoreCase) || codec.Name.StartsWith("reed", StringComparison.OrdinalIgnoreCase));

    private static bool DefaultRaidApplies(IErasureCodec codec, RaidVector vector)
    {
        string prefix = $"{vector.Codec}({vector.DataShards}";
        return codec.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && codec.Name.Length > prefix.Length && codec.Name[prefix.Length] is ')' or ','
            && codec.TotalShards == vector.Shards.Length
            && codec.ShardAlignment == vector.StripeUnit;
    }
}
