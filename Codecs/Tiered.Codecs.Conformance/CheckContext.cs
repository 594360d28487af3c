using Tiered.Coding;

namespace Tiered.Codecs.Conformance;

/// <summary>A check found the codec wrong; the message says how.</summary>
internal sealed class CheckFailedException(string message) : Exception(message);

/// <summary>The check does not apply to this codec; the message says why.</summary>
internal sealed class CheckNotApplicableException(string message) : Exception(message);

/// <summary>What a check runs against: the codec, a way to get a second instance, the options, and a seeded random source.</summary>
internal sealed class CheckContext
{
    public CheckContext(IErasureCodec codec, Func<IErasureCodec>? factory, ConformanceOptions options, string check)
    {
        Codec = codec;
        Factory = factory;
        Options = options;
        // Each check gets its own stream, so skipping one check does not change what another sees.
        Random = new Random(options.Seed ^ StableHash(check));
    }

    public IErasureCodec Codec { get; }
    public Func<IErasureCodec>? Factory { get; }
    public ConformanceOptions Options { get; }
    public Random Random { get; }

    public int K => Codec.DataShards;
    public int R => Codec.ParityShards;
    public int N => Codec.TotalShards;

    /// <summary>k × ShardAlignment: the bytes after which the shard size grows by one alignment unit (one stripe of a striped codec).</summary>
    public long Stripe => (long)Codec.DataShards * Codec.ShardAlignment;

    /// <summary>A length of several stripes ending mid-block, so that rotating layouts show every rotation, capped by the options.</summary>
    public int ErasureLength()
    {
        long length = Stripe * (N + 1) + Stripe / 2 + 3;
        return (int)Math.Clamp(Math.Max(length, 1021), 1, Math.Min(Options.ErasureObjectLength, Codec.MaxObjectLength));
    }

    public byte[] RandomObject(int length)
    {
        var obj = new byte[length];
        RandomBytes.Fill(Random, obj);
        return obj;
    }

    /// <summary>Encodes into buffers that hold random garbage first, so that any byte Encode fails to write shows.</summary>
    public byte[][] Encode(ReadOnlySpan<byte> obj) => Encode(Codec, obj, Random);

    public static byte[][] Encode(IErasureCodec codec, ReadOnlySpan<byte> obj, Random garbage)
    {
        int size = codec.ShardSize(obj.Length);
        var shards = new byte[codec.TotalShards][];
        for (int i = 0; i < shards.Length; i++)
        {
            shards[i] = new byte[size];
            RandomBytes.Fill(garbage, shards[i]);
        }
        codec.Encode(obj, AsMemory(shards));
        return shards;
    }

    public static Memory<byte>[] AsMemory(byte[][] shards) => shards.Select(s => s.AsMemory()).ToArray();
    public static ReadOnlyMemory<byte>[] AsReadOnly(byte[][] shards) => shards.Select(s => (ReadOnlyMemory<byte>)s).ToArray();
    public static byte[][] Clone(byte[][] shards) => shards.Select(s => (byte[])s.Clone()).ToArray();
    public static byte[] Complement(ReadOnlySpan<byte> bytes)
    {
        var result = new byte[bytes.Length];
        for (int i = 0; i < result.Length; i++) result[i] = (byte)~bytes[i];
        return result;
    }

    /// <summary>Decodes into a destination pre-filled with the complement of <paramref name="expected"/> (every unwritten byte differs).</summary>
    public byte[] Decode(byte[][] shards, bool[] present, ReadOnlySpan<byte> expected)
    {
        var destination = Complement(expected);
        Codec.Decode(AsReadOnly(shards), present, destination);
        return destination;
    }

    public static string Describe(bool[] present)
    {
        var missing = Enumerable.Range(0, present.Length).Where(i => !present[i]).ToArray();
        return missing.Length == 0 ? "no shard missing" : $"shard(s) {string.Join(",", missing)} missing";
    }

    public static bool[] Present(int n, IEnumerable<int> missing)
    {
        var present = Enumerable.Repeat(true, n).ToArray();
        foreach (int i in missing) present[i] = false;
        return present;
    }

    /// <summary>"" when equal, else where and how the two differ.</summary>
    public static string Difference(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.Length != actual.Length) return $"length {actual.Length} instead of {expected.Length}";
        int at = expected.CommonPrefixLength(actual);
        return at == expected.Length ? "" : $"byte {at} is 0x{actual[at]:X2} instead of 0x{expected[at]:X2}";
    }

    public static void Ensure(bool condition, string message)
    {
        if (!condition) throw new CheckFailedException(message);
    }

    public static void EnsureEqual(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        string difference = Difference(expected, actual);
        if (difference.Length > 0) throw new CheckFailedException($"{what}: {difference}");
    }

    private static int StableHash(string text)
    {
        unchecked
        {
            int hash = (int)2166136261;
            foreach (char c in text) hash = (hash ^ c) * 16777619;
            return hash;
        }
    }
}
