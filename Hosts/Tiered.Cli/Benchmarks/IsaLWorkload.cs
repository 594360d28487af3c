using System.Runtime.InteropServices;
using Tiered.Codecs;

namespace Tiered.Cli.Benchmarks;

/// <summary>
/// ISA-L's side of one (codec, shard size) measurement, in ISA-L's own flat layout (data shard j = object bytes
/// [j·S, (j+1)·S)), on its own aligned buffers. Decoding works the way ISA-L's <c>erasure_code_perf</c> does it:
/// take the encode-matrix rows of the first k survivors, <c>gf_invert_matrix</c>, keep the rows of the lost data
/// shards, <c>ec_init_tables</c>, <c>ec_encode_data</c> — the inversion is part of every timed decode.
/// </summary>
internal sealed unsafe class IsaLWorkload : IDisposable
{
    private readonly int _k, _r, _n, _length;
    private readonly IsaLMethod _method;
    private readonly int[] _lost;
    private readonly int[] _survivors;
    private readonly AlignedBuffer[] _shards;
    private readonly AlignedBuffer _object;
    private readonly AlignedBuffer _destination;
    private readonly AlignedBuffer _scratch;
    // Native arrays: the encode matrix, its survivor rows, their inverse, the decode rows and both table sets.
    private readonly byte* _encodeMatrix, _survivorRows, _inverse, _decodeRows, _encodeTables, _decodeTables;
    // Pointer arrays handed to ISA-L: all shards in order; survivors then lost (shard buffers); survivors then lost (in the destination).
    private readonly byte** _all, _decodeShards, _decodeObject;
    private bool _disposed;

    public IsaLWorkload(CodecBenchCase benchCase, LinearCodec codec, int shardSize, ReadOnlySpan<byte> objectBytes)
    {
        if (benchCase.IsaL == IsaLMethod.None) throw new ArgumentException($"{benchCase.Name} has no ISA-L counterpart.", nameof(benchCase));
        _method = benchCase.IsaL;
        _k = codec.DataShards;
        _r = codec.ParityShards;
        _n = _k + _r;
        _length = shardSize;
        _lost = benchCase.Lost;
        _survivors = Enumerable.Range(0, _n).Where(i => !_lost.Contains(i)).Take(_k).ToArray();

        _shards = new AlignedBuffer[_n];
        for (int i = 0; i < _n; i++) _shards[i] = new AlignedBuffer(shardSize);
        _object = new AlignedBuffer(objectBytes.Length);
        objectBytes.CopyTo(_object.Span);
        _destination = new AlignedBuffer(objectBytes.Length);
        _scratch = new AlignedBuffer(shardSize * _r);

        _encodeMatrix = Alloc(_n * _k);
        _survivorRows = Alloc(_k * _k);
        _inverse = Alloc(_k * _k);
        _decodeRows = Alloc(_lost.Length * _k);
        _encodeTables = Alloc(32 * _k * _r);
        _decodeTables = Alloc(32 * _k * _lost.Length);
        _all = (byte**)Alloc(sizeof(byte*) * (_n + 1));
        _decodeShards = (byte**)Alloc(sizeof(byte*) * (_k + _lost.Length));
        _decodeObject = (byte**)Alloc(sizeof(byte*) * (_k + _lost.Length));

        // RS uses ISA-L's own Cauchy matrix; RAID-6's P/Q matrix (for the 2-lost decode) comes from the codec.
        if (_method == IsaLMethod.ReedSolomon) IsaL.GenerateCauchyMatrix(_encodeMatrix, _n, _k);
        else codec.Generator.CopyTo(new Span<byte>(_encodeMatrix, _n * _k));
        if (_method == IsaLMethod.ReedSolomon) IsaL.InitTables(_k, _r, _encodeMatrix + _k * _k, _encodeTables);

        for (int i = 0; i < _n; i++) _all[i] = _shards[i].Pointer;
        for (int i = 0; i < _k; i++)
        {
            _decodeShards[i] = _shards[_survivors[i]].Pointer;
            _decodeObject[i] = _shards[_survivors[i]].Pointer;
        }
        for (int e = 0; e < _lost.Length; e++)
        {
            _decodeShards[_k + e] = _shards[_lost[e]].Pointer;
            _decodeObject[_k + e] = _destination.Pointer + (long)_lost[e] * _length;
        }
        CopyObjectIn();
        Encode();
    }

    public long BytesPerOperation => (long)_k * _length;

    /// <summary>Parity from the k data shards: <c>ec_encode_data</c>, <c>xor_gen</c> or <c>pq_gen</c>.</summary>
    public void Encode()
    {
        switch (_method)
        {
            case IsaLMethod.ReedSolomon:
                IsaL.EncodeData(_length, _k, _r, _encodeTables, _all, _all + _k);
                break;
            case IsaLMethod.Xor:
                Check(IsaL.XorGen(_n, _length, (void**)_all), "xor_gen");
                break;
            case IsaLMethod.PQ:
                Check(IsaL.PqGen(_n, _length, (void**)_all), "pq_gen");
                break;
        }
    }

    /// <summary>Rebuilds the lost data shards in place from the survivors (inversion included).</summary>
    public void Decode() => DecodeInto(_decodeShards);

    /// <summary>Object-level counterpart of Tiered's <c>Encode</c>: copy the object into the data shards, then <see cref="Encode"/>.</summary>
    public void EncodeObject()
    {
        CopyObjectIn();
        Encode();
    }

    /// <summary>Object-level counterpart of Tiered's <c>Decode</c>: decode the lost shards into the destination, copy the surviving data.</summary>
    public void DecodeObject()
    {
        DecodeInto(_decodeObject);
        for (int i = 0; i < _k; i++)
        {
            if (_lost.Contains(i)) continue;
            Buffer.MemoryCopy(_shards[i].Pointer, _destination.Pointer + (long)i * _length, _length, _length);
        }
    }

    /// <summary>
    /// Checks ISA-L against Tiered on these bytes: the same parity as <paramref name="codec"/>'s generator rows
    /// (computed with Tiered's GF kernel on the flat layout), and every decode giving back the data.
    /// </summary>
    public string? Verify(LinearCodec codec)
    {
        string label = $"ISA-L {codec.Name} {ByteSize.Format(_length)}";
        if (_method == IsaLMethod.ReedSolomon && !new ReadOnlySpan<byte>(_encodeMatrix, _n * _k).SequenceEqual(codec.Generator))
            return $"{label}: gf_gen_cauchy1_matrix differs from Tiered's generator matrix";

        CopyObjectIn();
        Encode();
        var kernel = codec.Kernel;
        var expected = kernel.Prepare(codec.Generator[(_k * _k)..], _r, _k);
        byte** outputs = stackalloc byte*[_r];
        for (int p = 0; p < _r; p++) outputs[p] = _scratch.Pointer + (long)p * _length;
        kernel.Multiply(expected, _all, outputs, _length);
        for (int p = 0; p < _r; p++)
        {
            int at = new ReadOnlySpan<byte>(outputs[p], _length).CommonPrefixLength(_shards[_k + p].Span);
            if (at < _length) return $"{label}: parity {p} differs from Tiered's ({kernel.Name}) at offset {at}";
        }

        foreach (int lost in _lost) _shards[lost].Span.Fill(0xA5);
        Decode();
        foreach (int lost in _lost)
        {
            int at = _shards[lost].Span.CommonPrefixLength(_object.Span.Slice(lost * _length, _length));
            if (at < _length) return $"{label}: decoded shard {lost} differs at offset {at}";
        }

        _destination.Span.Fill(0x5A);
        DecodeObject();
        int objectAt = _destination.Span.CommonPrefixLength(_object.Span);
        if (objectAt < _object.Length) return $"{label}: decoded object differs at offset {objectAt}";
        return null;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var buffer in _shards) ((IDisposable)buffer).Dispose();
        ((IDisposable)_object).Dispose();
        ((IDisposable)_destination).Dispose();
        ((IDisposable)_scratch).Dispose();
        nint[] natives = [(nint)_encodeMatrix, (nint)_survivorRows, (nint)_inverse, (nint)_decodeRows, (nint)_encodeTables, (nint)_decodeTables, (nint)_all, (nint)_decodeShards, (nint)_decodeObject];
        foreach (nint p in natives) NativeMemory.AlignedFree((void*)p);
    }

    private void DecodeInto(byte** survivorsThenLost)
    {
        if (_method == IsaLMethod.Xor)
        {
            // The lost shard is the XOR of the k survivors: k+1 vectors, destination last.
            Check(IsaL.XorGen(_k + 1, _length, (void**)survivorsThenLost), "xor_gen");
            return;
        }
        for (int i = 0; i < _k; i++)
            Buffer.MemoryCopy(_encodeMatrix + _survivors[i] * _k, _survivorRows + i * _k, _k, _k);
        if (IsaL.InvertMatrix(_survivorRows, _inverse, _k) != 0)
            throw new InvalidOperationException("gf_invert_matrix: the survivors' rows are singular.");
        for (int e = 0; e < _lost.Length; e++)
            Buffer.MemoryCopy(_inverse + _lost[e] * _k, _decodeRows + e * _k, _k, _k);
        IsaL.InitTables(_k, _lost.Length, _decodeRows, _decodeTables);
        IsaL.EncodeData(_length, _k, _lost.Length, _decodeTables, survivorsThenLost, survivorsThenLost + _k);
    }

    private void CopyObjectIn()
    {
        for (int i = 0; i < _k; i++)
            Buffer.MemoryCopy(_object.Pointer + (long)i * _length, _shards[i].Pointer, _length, _length);
    }

    private static byte* Alloc(int bytes)
    {
        var p = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), AlignedBuffer.Alignment);
        new Span<byte>(p, bytes).Clear();
        return p;
    }

    private static void Check(int status, string function)
    {
        if (status != 0) throw new InvalidOperationException($"{function} returned {status}.");
    }
}
