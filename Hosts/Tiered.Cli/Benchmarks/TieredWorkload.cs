using Tiered.Codecs;

namespace Tiered.Cli.Benchmarks;

/// <summary>
/// Tiered's side of one (codec, shard size) measurement: k+r aligned shard buffers, an object of k·S bytes and a
/// destination for it, all allocated once and reused (cache-hot). Each method is one timed operation.
/// </summary>
internal sealed class TieredWorkload : IDisposable
{
    private readonly LinearCodec _codec;
    private readonly AlignedBuffer[] _buffers;
    private readonly Memory<byte>[] _shards;
    private readonly ReadOnlyMemory<byte>[] _readOnlyShards;
    private readonly bool[] _present;
    private readonly AlignedBuffer _object;
    private readonly AlignedBuffer _destination;
    private readonly byte[][] _expected;

    public TieredWorkload(CodecBenchCase benchCase, LinearCodec codec, int shardSize, int seed)
    {
        Case = benchCase;
        _codec = codec;
        ShardSize = shardSize;
        int n = codec.TotalShards;
        _buffers = new AlignedBuffer[n];
        _shards = new Memory<byte>[n];
        _readOnlyShards = new ReadOnlyMemory<byte>[n];
        for (int i = 0; i < n; i++)
        {
            _buffers[i] = new AlignedBuffer(shardSize);
            _shards[i] = _buffers[i].Memory;
            _readOnlyShards[i] = _shards[i];
        }
        _object = new AlignedBuffer(checked(codec.DataShards * shardSize));
        _destination = new AlignedBuffer(_object.Length);
        new Random(seed).NextBytes(_object.Span);
        if (codec.ShardSize(_object.Length) != shardSize)
            throw new InvalidOperationException($"{codec.Name}: an object of {_object.Length} bytes makes {codec.ShardSize(_object.Length)}-byte shards, not {shardSize}.");

        // The shards of the object as the codec lays them out; kept to check every rebuild.
        codec.Encode(_object.Span, _shards);
        _expected = _buffers.Select(b => b.Span.ToArray()).ToArray();
        _present = new bool[n];
        Array.Fill(_present, true);
        foreach (int lost in benchCase.Lost) _present[lost] = false;
    }

    public CodecBenchCase Case { get; }
    public int ShardSize { get; }

    /// <summary>Object bytes per operation: k × shard size.</summary>
    public long BytesPerOperation => (long)_codec.DataShards * ShardSize;

    /// <summary>Shard level: parity from the k data blocks already in place.</summary>
    public void EncodeParity() => _codec.EncodeParity(_shards);

    /// <summary>Shard level: rebuild the lost data shards from the survivors.</summary>
    public void Reconstruct() => _codec.Reconstruct(_shards, _present, dataOnly: true);

    /// <summary>Object level: split the object into k+r shards (copy and parity).</summary>
    public void EncodeObject() => _codec.Encode(_object.Span, _shards);

    /// <summary>Object level: rebuild the object from the survivors (lost shards' bytes decoded, the rest copied).</summary>
    public void DecodeObject() => _codec.Decode(_readOnlyShards, _present, _destination.Span);

    /// <summary>
    /// Runs each operation once on scribbled buffers and checks what it wrote against the bytes of
    /// <see cref="LinearCodec.Encode"/>; returns the first problem, or null.
    /// </summary>
    public string? Verify()
    {
        // Shard-level encode: parity blocks scribbled (for the fixed layouts; RAID-5/6 rotate parity over every shard) and recomputed.
        Reset();
        if (_codec.IsSystematic)
            for (int i = _codec.DataShards; i < _buffers.Length; i++) _buffers[i].Span.Fill(0xA5);
        EncodeParity();
        if (CheckShards(lostOnly: false) is { } encode) return "encode: " + encode;

        Reset();
        foreach (int lost in Case.Lost) _buffers[lost].Span.Fill(0xA5);
        Reconstruct();
        if (CheckShards(lostOnly: true) is { } reconstruct) return "reconstruct: " + reconstruct;

        foreach (var buffer in _buffers) buffer.Span.Fill(0xA5);
        EncodeObject();
        if (CheckShards(lostOnly: false) is { } encodeObject) return "object encode: " + encodeObject;

        Reset();
        foreach (int lost in Case.Lost) _buffers[lost].Span.Fill(0xA5);
        _destination.Span.Fill(0x5A);
        DecodeObject();
        int at = _destination.Span.CommonPrefixLength(_object.Span);
        if (at < _object.Length) return $"object decode: {_codec.Name} {ByteSize.Format(ShardSize)}: the decoded object differs at offset {at}";

        Reset();
        return null;
    }

    private string? CheckShards(bool lostOnly)
    {
        for (int i = 0; i < _buffers.Length; i++)
        {
            if (lostOnly && (_present[i] || i >= _codec.DataShards)) continue;
            int at = _buffers[i].Span.CommonPrefixLength(_expected[i]);
            if (at < ShardSize) return $"{_codec.Name} {ByteSize.Format(ShardSize)}: shard {i} differs from the expected bytes at offset {at}";
        }
        return null;
    }

    private void Reset()
    {
        for (int i = 0; i < _buffers.Length; i++) _expected[i].CopyTo(_buffers[i].Span);
    }

    /// <summary>Shards 0..k-1 as the data buffers ISA-L should see (the flat layout of the object).</summary>
    public ReadOnlySpan<byte> Object => _object.Span;

    /// <summary>The expected content of a shard after encoding.</summary>
    public ReadOnlySpan<byte> ExpectedShard(int index) => _expected[index];

    public void Dispose()
    {
        foreach (var buffer in _buffers) ((IDisposable)buffer).Dispose();
        ((IDisposable)_object).Dispose();
        ((IDisposable)_destination).Dispose();
    }
}
