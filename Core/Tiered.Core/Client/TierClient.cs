using System.Buffers;
using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Tiered.Coding;
using Tiered.Protocol;

namespace Tiered.Client;

/// <summary>
/// The application's side of the tier: encodes each object with its codec and sends the k+r chunks over
/// parallel connections to the object's proxy (chosen by rendezvous hashing when there are several); reads
/// objects back from the first k chunks the proxy relays, decoding only when a data chunk is missing.
/// </summary>
public sealed class TierClient : ITier
{
    private readonly TierClientOptions _options;
    private readonly IErasureCodec _codec;
    private readonly ClientConnection?[][] _connections;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly long[] _proxySeeds;
    private int _nextConnection;

    public TierClient(TierClientOptions options, IErasureCodec codec)
    {
        _options = options.Validate();
        _codec = codec;
        _connections = options.Proxies.Select(_ => new ClientConnection?[options.ConnectionsPerProxy]).ToArray();
        _proxySeeds = options.Proxies.Select(p => (long)XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(p.ToString()))).ToArray();
    }

    public IErasureCodec Codec => _codec;

    public async ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        await PutAsync(key, value, TierPutOptions.Default, cancellationToken).ConfigureAwait(false);

    /// <summary>Stores an object with a time to live and/or a condition; false when the condition did not hold.</summary>
    public async ValueTask<bool> PutAsync(string key, ReadOnlyMemory<byte> value, TierPutOptions options, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        long ttl = options.TimeToLive is { } t
            ? (t > TimeSpan.Zero ? Math.Max(1, (long)Math.Ceiling(t.TotalMilliseconds)) : throw new ArgumentOutOfRangeException(nameof(options), t, "A time to live must be positive."))
            : 0;
        int n = _codec.TotalShards, k = _codec.DataShards;
        int shardLength = _codec.ShardSize(value.Length);
        var owned = new List<IDisposable>();
        var chunks = new ReadOnlyMemory<byte>[n];
        try
        {
            if (_codec.IsContiguous)
            {
                // Data chunks are slices of the caller's object; only the padded tail and the parity are new.
                var shards = new Memory<byte>[n];
                var present = new bool[n];
                for (int i = 0; i < n; i++)
                {
                    long offset = (long)i * shardLength;
                    if (i < k && offset + shardLength <= value.Length)
                    {
                        shards[i] = System.Runtime.InteropServices.MemoryMarshal.AsMemory(value.Slice((int)offset, shardLength));
                        present[i] = true;
                        continue;
                    }
                    var buffer = PooledBuffer.Rent(shardLength);
                    owned.Add(buffer);
                    shards[i] = buffer.Memory;
                    if (i < k)
                    {
                        int available = (int)Math.Clamp(value.Length - offset, 0, shardLength);
                        value.Span.Slice((int)Math.Min(offset, value.Length), available).CopyTo(buffer.Span);
                        buffer.Span[available..].Clear();
                        present[i] = true;
                    }
                }
                _codec.Reconstruct(shards, present);
                for (int i = 0; i < n; i++) chunks[i] = shards[i];
            }
            else
            {
                var set = _codec.EncodeToShards(value.Span);
                owned.Add(set);
                for (int i = 0; i < n; i++) chunks[i] = set[i];
            }

            var putId = RandomNumberGenerator.GetBytes(16);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            int proxy = ProxyFor(key);
            var sends = new Task<SingleFrameResponse>[n];
            for (int i = 0; i < n; i++)
            {
                var header = new PutChunkHeader
                {
                    Key = key, PutId = putId, Index = i, DataShards = k, TotalShards = n,
                    ObjectLength = value.Length, Codec = _codec.Name, Checksum = ChunkChecksum.Compute(chunks[i].Span),
                    TimeToLiveMs = ttl, Condition = options.Condition,
                };
                sends[i] = SendAsync(proxy, FrameOpcode.PutChunk, header, chunks[i], timeout.Token);
            }
            try
            {
                await Task.WhenAll(sends).ConfigureAwait(false);
            }
            catch (Exception) when (sends.FirstOrDefault(s => s.IsFaulted) is { } failed)
            {
                throw Wrap(failed.Exception!.GetBaseException(), $"PUT '{key}'");
            }
            var done = sends.Select(s => s.Result.Put).FirstOrDefault(p => p is not null)
                ?? throw new TierException($"PUT '{key}': every chunk was acknowledged but the proxy never confirmed the object.");
            return done.Stored;
        }
        finally
        {
            foreach (var item in owned) item.Dispose();
        }
    }

    /// <summary>An object's metadata without its bytes, or null when it is absent.</summary>
    public async ValueTask<TierObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            var reply = await SendAsync(ProxyFor(key), FrameOpcode.Head, new GetRequest { Key = key }, default, timeout.Token).ConfigureAwait(false);
            return reply.Object is { } header
                ? new TierObjectInfo(header.Key, header.ObjectLength, header.Version, header.Codec, header.TimeToLiveMs < 0 ? null : TimeSpan.FromMilliseconds(header.TimeToLiveMs))
                : null;
        }
        catch (Exception e) when (e is IOException or TierException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Wrap(e, $"HEAD '{key}'");
        }
    }

    /// <summary>Sets (or, with null, clears) an object's time to live; false when it is absent.</summary>
    public async ValueTask<bool> ExpireAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        if (timeToLive is { } t && t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeToLive), t, "A time to live must be positive (use DeleteAsync to remove now).");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            long ms = timeToLive is { } ttl ? Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds)) : 0;
            var reply = await SendAsync(ProxyFor(key), FrameOpcode.Expire, new ExpireRequest { Key = key, TimeToLiveMs = ms }, default, timeout.Token).ConfigureAwait(false);
            return reply.Ack?.Value == 1;
        }
        catch (Exception e) when (e is IOException or TierException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Wrap(e, $"EXPIRE '{key}'");
        }
    }

    /// <summary>Stores the rest of a stream as an object.</summary>
    public async ValueTask PutAsync(string key, Stream value, CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(value.CanSeek ? (int)Math.Max(1, value.Length - value.Position) : 81920);
        while (true)
        {
            int read = await value.ReadAsync(buffer.GetMemory(81920), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            buffer.Advance(read);
        }
        await PutAsync(key, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<TierValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        int proxy = ProxyFor(key);
        // A chunk corrupted after the proxy checked it leaves fewer than k good ones: ask once more.
        for (int attempt = 0; ; attempt++)
        {
            var response = new GetResponse(ResolveCodec);
            var connection = await ConnectionAsync(proxy, timeout.Token).ConfigureAwait(false);
            try
            {
                await connection.SendAsync(FrameOpcode.Get, new GetRequest { Key = key }, default, response, timeout.Token).ConfigureAwait(false);
                return response.Value;
            }
            catch (TierException) when (attempt == 0 && response.CorruptChunks > 0)
            {
                continue;
            }
            catch (Exception e) when (e is IOException or TierException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw Wrap(e, $"GET '{key}'");
            }
        }
    }

    /// <summary>Copies the object into <paramref name="destination"/>; false on a miss.</summary>
    public async ValueTask<bool> GetAsync(string key, Stream destination, CancellationToken cancellationToken = default)
    {
        using var value = await GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (value is null) return false;
        await destination.WriteAsync(value.Memory, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            var reply = await SendAsync(ProxyFor(key), FrameOpcode.Delete, new DeleteRequest { Key = key }, default, timeout.Token).ConfigureAwait(false);
            return reply.Ack?.Value == 1;
        }
        catch (Exception e) when (e is IOException or TierException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Wrap(e, $"DELETE '{key}'");
        }
    }

    /// <summary>The counters of every proxy, keyed by its address.</summary>
    public async Task<IReadOnlyDictionary<string, Dictionary<string, long>>> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, Dictionary<string, long>>();
        for (int p = 0; p < _options.Proxies.Count; p++)
        {
            var reply = await SendAsync<object>(p, FrameOpcode.Stats, null, default, cancellationToken).ConfigureAwait(false);
            result[_options.Proxies[p].ToString()] = reply.Stats?.Counters ?? [];
        }
        return result;
    }

    private IErasureCodec ResolveCodec(string name) =>
        name == _codec.Name ? _codec
        : _options.CodecResolver?.Invoke(name) ?? throw new TierException($"The object was stored with codec {name}; this client uses {_codec.Name} and has no CodecResolver for others.");

    private async Task<SingleFrameResponse> SendAsync<THeader>(int proxy, FrameOpcode opcode, THeader? header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var response = new SingleFrameResponse();
        var connection = await ConnectionAsync(proxy, cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(opcode, header, payload, response, cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <summary>The next connection (round robin) to a proxy, opened on first use and after a failure.</summary>
    private async ValueTask<ClientConnection> ConnectionAsync(int proxy, CancellationToken cancellationToken)
    {
        var slots = _connections[proxy];
        int slot = (int)((uint)Interlocked.Increment(ref _nextConnection) % (uint)slots.Length);
        var existing = slots[slot];
        if (existing is { IsOpen: true }) return existing;
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            existing = slots[slot];
            if (existing is { IsOpen: true }) return existing;
            if (existing is not null) await existing.DisposeAsync().ConfigureAwait(false);
            try
            {
                return slots[slot] = await ClientConnection.ConnectAsync(_options.Proxies[proxy], _options.Protocol, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new TierException($"Cannot connect to proxy {_options.Proxies[proxy]}: {e.Message}", e);
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Rendezvous hashing over the proxies' addresses: a key keeps its proxy while the others change.</summary>
    private int ProxyFor(string key)
    {
        if (_proxySeeds.Length == 1) return 0;
        int byteCount = Encoding.UTF8.GetByteCount(key);
        byte[]? rented = byteCount > 512 ? ArrayPool<byte>.Shared.Rent(byteCount) : null;
        Span<byte> bytes = rented ?? stackalloc byte[512];
        bytes = bytes[..Encoding.UTF8.GetBytes(key, bytes)];
        int best = 0;
        ulong bestScore = 0;
        for (int p = 0; p < _proxySeeds.Length; p++)
        {
            ulong score = XxHash3.HashToUInt64(bytes, _proxySeeds[p]);
            if (p == 0 || score > bestScore) (best, bestScore) = (p, score);
        }
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return best;
    }

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length > 1024) throw new ArgumentException($"A key may have at most 1024 characters, not {key.Length}.", nameof(key));
    }

    private static Exception Wrap(Exception error, string what) => error switch
    {
        TierException tier => new TierException($"{what}: {tier.Message}", tier),
        OperationCanceledException => new TimeoutException($"{what} timed out."),
        _ => new TierException($"{what}: {error.Message}", error),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var slots in _connections)
            foreach (var connection in slots)
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
    }
}
