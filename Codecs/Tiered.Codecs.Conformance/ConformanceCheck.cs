namespace Tiered.Codecs.Conformance;

/// <summary>The names of the conformance checks, as they appear in a <see cref="ConformanceReport"/> and in <see cref="ConformanceOptions.Skip"/>.</summary>
public static class ConformanceCheck
{
    /// <summary>ShardSize: 0 for an empty object, a multiple of ShardAlignment, k·size ≥ length, never shrinking as the length grows; the shape is sane.</summary>
    public const string ShardSize = "shard-size";

    /// <summary>Encode then Decode returns the object for many lengths (0, 1, odd, around one and several stripes, a large object).</summary>
    public const string RoundTrip = "round-trip";

    /// <summary>Decode rebuilds the object under every erasure pattern of up to r shards (sampled when k+r is large).</summary>
    public const string DecodeErasures = "decode-erasures";

    /// <summary>Reconstruct rebuilds every missing shard exactly and leaves present shards alone, under every erasure pattern.</summary>
    public const string ReconstructErasures = "reconstruct-erasures";

    /// <summary>Reconstruct with dataOnly rebuilds only missing shards 0..k-1; missing parity buffers are left untouched.</summary>
    public const string ReconstructDataOnly = "reconstruct-data-only";

    /// <summary>r+1 (and more) erasures are refused with <c>TooManyErasuresException</c> naming the counts; no buffer is written.</summary>
    public const string TooManyErasures = "too-many-erasures";

    /// <summary>A wrong number of shards is refused with an ArgumentException naming the counts; no buffer is written.</summary>
    public const string WrongShardCount = "wrong-shard-count";

    /// <summary>A wrong number of presence flags is refused with an ArgumentException naming the counts; no buffer is written.</summary>
    public const string WrongFlagCount = "wrong-flag-count";

    /// <summary>Shards of unequal lengths are refused with an ArgumentException naming the lengths; no buffer is written.</summary>
    public const string UnequalShardLengths = "unequal-shard-lengths";

    /// <summary>Shards of the wrong length for the object are refused with an ArgumentException naming the lengths; no buffer is written.</summary>
    public const string WrongShardLength = "wrong-shard-length";

    /// <summary>Negative object lengths (and lengths above MaxObjectLength) are refused with an ArgumentException.</summary>
    public const string InvalidObjectLength = "invalid-object-length";

    /// <summary>The same object always gives the same shards, whatever the buffers held before, across codec instances.</summary>
    public const string Determinism = "determinism";

    /// <summary>Many threads encoding, decoding, reconstructing and verifying different objects at once on one instance all get correct results.</summary>
    public const string ThreadSafety = "thread-safety";

    /// <summary>When IsSystematic: each object byte lives in exactly one byte of shards 0..k-1, and Decode with every data shard present ignores parity.</summary>
    public const string Systematic = "systematic";

    /// <summary>Verify is true on fresh shards and false after any single bit flip in any shard that carries (or feeds) redundancy.</summary>
    public const string Verify = "verify";

    /// <summary>The codec reproduces the known-answer vectors in <see cref="ConformanceOptions"/> that apply to it.</summary>
    public const string KnownAnswers = "known-answers";

    /// <summary>Every check, in the order <see cref="CodecConformance.Run(Tiered.Coding.IErasureCodec, ConformanceOptions?)"/> runs them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ShardSize, RoundTrip, DecodeErasures, ReconstructErasures, ReconstructDataOnly, TooManyErasures,
        WrongShardCount, WrongFlagCount, UnequalShardLengths, WrongShardLength, InvalidObjectLength,
        Determinism, ThreadSafety, Systematic, Verify, KnownAnswers,
    ];
}
