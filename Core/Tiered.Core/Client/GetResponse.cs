using Tiered.Coding;
using Tiered.Protocol;

namespace Tiered.Client;

/// <summary>
/// Receives a GET: the object header, then k chunks. With a contiguous codec a data chunk that lies wholly
/// inside the object is read straight into its place in the result buffer, so when the k data chunks come
/// first there is nothing to decode and nothing to copy; other chunks go to pooled scratch and the codec
/// fills in what is missing. Every chunk's checksum is verified; a bad one counts as missing.
/// </summary>
internal sealed class GetResponse(Func<string, IErasureCodec> codecs) : ResponseHandler
{
    private ObjectHeader? _header;
    private IErasureCodec? _codec;
    private PooledBuffer? _result;
    private PooledBuffer?[] _scratch = [];
    private bool[] _present = [];
    private int _received;

    /// <summary>Set when the object was found and decoded; the caller owns it.</summary>
    public TierValue? Value { get; private set; }

    /// <summary>How many chunks failed their checksum.</summary>
    public int CorruptChunks { get; private set; }

    public override async ValueTask<bool> OnFrameAsync(ReceivedFrame frame, FrameConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await HandleAsync(frame, connection, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Buffers are only ever touched on the reader loop, so releasing them here is safe.
            Release();
            throw;
        }
    }

    private async ValueTask<bool> HandleAsync(ReceivedFrame frame, FrameConnection connection, CancellationToken cancellationToken)
    {
        switch (frame.Opcode)
        {
            case FrameOpcode.NotFound:
                await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
                Release();
                Complete();
                return true;
            case FrameOpcode.Error:
                await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
                Release();
                Fail(ErrorOf(frame));
                return true;
            case FrameOpcode.ObjectHeader:
                await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
                Begin(frame.ReadHeader<ObjectHeader>());
                return false;
            case FrameOpcode.ChunkData:
                if (_header is null) throw new TierException("The proxy sent a chunk before the object's header.");
                await ReceiveChunkAsync(frame.ReadHeader<ChunkHeader>(), frame.PayloadLength, connection, cancellationToken).ConfigureAwait(false);
                if (++_received < _header.DataShards) return false;
                Finish();
                Complete();
                return true;
            default:
                throw new TierException($"Unexpected {frame.Opcode} frame in a GET response.");
        }
    }

    private void Begin(ObjectHeader header)
    {
        _codec = codecs(header.Codec);
        if (_codec.DataShards != header.DataShards || _codec.TotalShards != header.TotalShards)
            throw new TierException($"Object '{header.Key}' was stored as {header.DataShards}-of-{header.TotalShards} but codec {_codec.Name} is {_codec.DataShards}-of-{_codec.TotalShards}.");
        if (header.ObjectLength > int.MaxValue) throw new TierException($"Object '{header.Key}' ({header.ObjectLength} bytes) is too large for one buffer.");
        _header = header;
        _result = PooledBuffer.Rent((int)header.ObjectLength);
        _scratch = new PooledBuffer?[header.TotalShards];
        _present = new bool[header.TotalShards];
    }

    private async ValueTask ReceiveChunkAsync(ChunkHeader chunk, int length, FrameConnection connection, CancellationToken cancellationToken)
    {
        var header = _header!;
        if (chunk.Index < 0 || chunk.Index >= header.TotalShards || _present[chunk.Index] || _scratch[chunk.Index] is not null || length != header.ShardLength)
            throw new TierException($"The proxy sent an unexpected chunk {chunk.Index} ({length} bytes) for '{header.Key}'.");
        Memory<byte> target;
        long offset = (long)chunk.Index * header.ShardLength;
        if (_codec!.IsContiguous && chunk.Index < header.DataShards && offset + length <= header.ObjectLength)
        {
            target = _result!.Memory.Slice((int)offset, length);
        }
        else
        {
            var scratch = PooledBuffer.Rent(length);
            _scratch[chunk.Index] = scratch;
            target = scratch.Memory;
        }
        await connection.ReadPayloadAsync(target, cancellationToken).ConfigureAwait(false);
        if (ChunkChecksum.Matches(target.Span, chunk.Checksum)) _present[chunk.Index] = true;
        else CorruptChunks++;
    }

    private void Finish()
    {
        var header = _header!;
        try
        {
            int present = _present.Count(p => p);
            if (present < header.DataShards)
                throw new TierException($"Only {present} of the {header.DataShards} chunks of '{header.Key}' passed their checksums.");
            var destination = _result!.Memory[..(int)header.ObjectLength];
            bool allDataInPlace = _codec!.IsContiguous && Enumerable.Range(0, header.DataShards).All(i => _present[i] && _scratch[i] is null);
            if (!allDataInPlace)
            {
                // Chunks read in place are slices of the destination; Decode copies them onto themselves and
                // writes only the regions of the missing data chunks, which no input aliases.
                var shards = new ReadOnlyMemory<byte>[header.TotalShards];
                for (int i = 0; i < header.TotalShards; i++)
                    shards[i] = _scratch[i] is { } scratch ? scratch.Memory
                        : _present[i] ? destination.Slice(i * header.ShardLength, header.ShardLength)
                        : ReadOnlyMemory<byte>.Empty;
                _codec.Decode(shards, _present, destination.Span);
            }
            Value = new TierValue(_result, header.Version);
            _result = null;
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        foreach (var scratch in _scratch) scratch?.Dispose();
        _scratch = [];
        _result?.Dispose();
        _result = null;
    }

}
