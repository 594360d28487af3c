using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Coding;
using Tiered.Functions;
using Tiered.Placement;
using Tiered.Protocol;
using Tiered.Time;

namespace Tiered.Proxy;

/// <summary>
/// The proxy: keeps the object directory, places each object's k+r chunks on distinct node functions
/// (position-stable placement), invokes cold nodes and waits for them to dial back, relays the first k
/// chunks of a GET (first-d), evicts least-recently-used objects when the pool is full, replaces objects
/// atomically, and repairs chunks found missing. Clients and nodes both speak the framed protocol over TCP.
/// </summary>
public sealed partial class TierProxy : IAsyncDisposable
{
    private readonly TierProxyOptions _options;
    private readonly IFunctionBackend _backend;
    private readonly IPlacement<string> _placement;
    private readonly Func<string, IErasureCodec>? _codecs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NodePool _nodes;
    private readonly ObjectDirectory _directory;
    private readonly ConcurrentDictionary<string, PendingPut> _puts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FrameConnection, byte> _clients = new();
    private readonly RepairQueue _repairQueue;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private long _version;
    private int _inFlight;
    private long _roomGeneration;
    private readonly SemaphoreSlim _roomLock = new(1, 1);
    private IPEndPoint? _clientEndPoint;

    /// <param name="options">Listening, limits and timers.</param>
    /// <param name="backend">The platform that runs the node functions (its <see cref="IFunctionBackend.Functions"/> are the nodes).</param>
    /// <param name="placement">Where chunks go; the backend's functions are added to it if it is empty.</param>
    /// <param name="codecs">Resolves a codec name for repairs; without it, lost chunks are only counted.</param>
    /// <param name="timeProvider">Time for timers and timeouts (tests may fake it).</param>
    /// <param name="loggerFactory">Where the proxy logs.</param>
    /// <param name="meterFactory">Creates the proxy's meter (for DI and tests); a private meter when null.</param>
    public TierProxy(TierProxyOptions options, IFunctionBackend backend, IPlacement<string> placement, Func<string, IErasureCodec>? codecs = null,
        TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        Metrics = new ProxyMetrics(meterFactory);
        Counters = new ProxyCounters(Metrics);
        _options = options.Validate();
        _backend = backend;
        _placement = placement;
        _codecs = codecs;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TierProxy>();
        if (_placement.Count == 0)
            foreach (string function in backend.Functions) _placement.Add(function);
        long pool = options.PoolMemoryBytes > 0 ? options.PoolMemoryBytes : (long)(backend.Limits.MemoryBytes * backend.Limits.StorageFraction) * backend.Functions.Count;
        _directory = new ObjectDirectory(pool);
        _nodes = new NodePool(backend, _options, _time, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<NodePool>(), Counters);
        _nodes.InstanceChanged += (node, before) => _ = ReconcileAsync(node, before);
        _repairQueue = new RepairQueue(RepairAsync, options.RepairConcurrency, options.RepairBytesPerSecond);
    }

    public ProxyCounters Counters { get; }

    /// <summary>The proxy's metrics instruments (meter <see cref="ProxyMetrics.MeterName"/>).</summary>
    public ProxyMetrics Metrics { get; }

    /// <summary>Where clients connect (after <see cref="Start"/>).</summary>
    public IPEndPoint ClientEndPoint => _clientEndPoint ?? throw new InvalidOperationException("The proxy has not started.");

    /// <summary>Where nodes dial back (after <see cref="Start"/>).</summary>
    public IPEndPoint NodeEndPoint => _nodes.EndPoint;

    public int ObjectCount => _directory.Count;
    public long StoredBytes => _directory.Bytes;
    public long PoolCapacityBytes => _directory.CapacityBytes;
    public IReadOnlyCollection<string> ConnectedNodes => _nodes.Connected;

    /// <summary>Keys from least to most recently used.</summary>
    public IReadOnlyList<string> KeysByRecency() => _directory.KeysByRecency();

    /// <summary>The directory entry of a key (without touching its recency), for tools and tests.</summary>
    public ObjectEntry? Lookup(string key) => _directory.Peek(key);

    public void Start()
    {
        if (_listener is not null) throw new InvalidOperationException("The proxy has already started.");
        _nodes.Start();
        _listener = TcpListenerLoop.Listen(_options.ClientEndPoint);
        _clientEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _ = TcpListenerLoop.AcceptAsync(_listener, socket => ServeClientAsync(FrameConnection.FromSocket(socket, _options.Protocol)), _stop.Token);
        _ = Task.Run(SweepAbandonedPutsAsync);
        if (_options.BackupEnabled) _ = Task.Run(BackupLoopAsync);
        if (_options.ScrubEnabled) _ = Task.Run(ScrubLoopAsync);
        LogStarted(ClientEndPoint.ToString(), NodeEndPoint.ToString(), _backend.Name, _backend.Functions.Count);
    }

    private async Task ServeClientAsync(FrameConnection client)
    {
        _clients[client] = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var frame = await client.ReadFrameAsync(_stop.Token).ConfigureAwait(false);
                if (frame is null) break;
                switch (frame.Opcode)
                {
                    case FrameOpcode.PutChunk:
                    {
                        var header = frame.ReadHeader<PutChunkHeader>();
                        var payload = await client.ReadPayloadAsync(_stop.Token).ConfigureAwait(false);
                        Counters.Increment(ProxyCounters.BytesIn, payload.Length);
                        _ = Tracked(HandlePutChunkAsync(client, frame.RequestId, header, payload));
                        break;
                    }
                    case FrameOpcode.Get:
                    {
                        var request = frame.ReadHeader<GetRequest>();
                        _ = Tracked(HandleGetAsync(client, frame.RequestId, request.Key));
                        break;
                    }
                    case FrameOpcode.Delete:
                    {
                        var request = frame.ReadHeader<DeleteRequest>();
                        _ = Tracked(HandleDeleteAsync(client, frame.RequestId, request.Key));
                        break;
                    }
                    case FrameOpcode.Head:
                    {
                        var request = frame.ReadHeader<GetRequest>();
                        var entry = CurrentEntry(request.Key);
                        if (entry is null) await client.WriteFrameAsync(FrameOpcode.NotFound, frame.RequestId, new ChunkKey { Key = request.Key }, default, _stop.Token).ConfigureAwait(false);
                        else await client.WriteFrameAsync(FrameOpcode.ObjectHeader, frame.RequestId, HeaderOf(entry), default, _stop.Token).ConfigureAwait(false);
                        break;
                    }
                    case FrameOpcode.Expire:
                    {
                        var request = frame.ReadHeader<ExpireRequest>();
                        if (request.TimeToLiveMs < 0) throw new ProtocolException(ProtocolErrorCode.MalformedHeader, $"A time to live cannot be negative ({request.TimeToLiveMs} ms).");
                        bool exists = CurrentEntry(request.Key) is not null && _directory.SetExpiry(request.Key,
                            request.TimeToLiveMs > 0 ? _time.GetUtcNow() + TimeSpan.FromMilliseconds(request.TimeToLiveMs) : null);
                        await client.WriteFrameAsync(FrameOpcode.Ack, frame.RequestId, new AckHeader { Value = exists ? 1 : 0 }, default, _stop.Token).ConfigureAwait(false);
                        break;
                    }
                    case FrameOpcode.Stats:
                        await client.WriteFrameAsync(FrameOpcode.StatsReply, frame.RequestId, new StatsReplyHeader { Counters = StatsSnapshot() }, default, _stop.Token).ConfigureAwait(false);
                        break;
                    case FrameOpcode.Ping:
                        await client.WriteFrameAsync(FrameOpcode.Pong, frame.RequestId, _stop.Token).ConfigureAwait(false);
                        break;
                    default:
                        throw new ProtocolException(ProtocolErrorCode.UnknownOpcode, $"A client may not send {frame.Opcode} frames.");
                }
            }
        }
        catch (ProtocolException e)
        {
            Counters.Increment(ProxyCounters.ProtocolErrors);
            LogClientProtocolError(client.RemoteEndPoint?.ToString(), e.Message);
            try { await client.WriteErrorAsync(0, e.Code, e.Message).ConfigureAwait(false); } catch (Exception) { }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _clients.TryRemove(client, out _);
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The live entry of a key (marked recently used); an expired one is removed and its chunks deleted.</summary>
    private ObjectEntry? CurrentEntry(string key)
    {
        var entry = _directory.Get(key);
        if (entry is null || !entry.IsExpired(_time.GetUtcNow())) return entry;
        if (_directory.Remove(key, entry.Version) is { } gone) Removed(gone, ObjectRemovalReason.Expired);
        return null;
    }

    private ObjectHeader HeaderOf(ObjectEntry entry) => new()
    {
        Key = entry.Key, Version = entry.Version, ObjectLength = entry.ObjectLength, Codec = entry.Codec,
        ShardLength = entry.ShardLength, DataShards = entry.DataShards, TotalShards = entry.TotalShards,
        TimeToLiveMs = entry.ExpiresAt is { } expires ? Math.Max(0, (long)(expires - _time.GetUtcNow()).TotalMilliseconds) : -1,
    };

    private Dictionary<string, long> StatsSnapshot()
    {
        var stats = Counters.Snapshot();
        stats["objects"] = _directory.Count;
        stats["stored_bytes"] = _directory.Bytes;
        stats["pool_capacity_bytes"] = _directory.CapacityBytes;
        stats["nodes"] = _backend.Functions.Count;
        stats["nodes_connected"] = _nodes.Connected.Count;
        return stats;
    }

    private async Task HandlePutChunkAsync(FrameConnection client, uint requestId, PutChunkHeader header, PooledBuffer payload)
    {
        PendingPut? put = null;
        try
        {
            using (payload)
            {
                ValidatePutChunk(header, payload);
                put = _puts.GetOrAdd(Convert.ToHexString(header.PutId), _ => BeginPut(header, payload.Length));
                if (put.Key != header.Key || put.Nodes.Length != header.TotalShards || put.DataShards != header.DataShards
                    || put.ObjectLength != header.ObjectLength || put.Codec != header.Codec || put.ShardLength != payload.Length
                    || put.TimeToLiveMs != header.TimeToLiveMs || put.Condition != header.Condition)
                    throw new ProtocolException(ProtocolErrorCode.Rejected, $"Chunk {header.Index} of the put of '{header.Key}' disagrees with its other chunks (key, shape, length or codec).");
                if (put.Failed) throw new ProtocolException(ProtocolErrorCode.Rejected, $"The put of '{header.Key}' has already failed.");

                using var timeout = new TimeoutScope(TimeProvider.System, _options.ChunkTimeout, _stop.Token);
                var chunk = new ChunkHeader { Key = put.Key, Version = put.Version, Index = header.Index, Checksum = header.Checksum };
                int roomMade = 0;
                for (int attempt = 0; ; attempt++)
                {
                    long evictionsSeen = Volatile.Read(ref _roomGeneration);
                    // A node's connection may end just as it is picked (its instance reclaimed, or it went idle):
                    // one fresh activation is worth a try before failing the PUT.
                    try
                    {
                        var node = await _nodes.GetAsync(put.Nodes[header.Index], timeout.Token).ConfigureAwait(false);
                        await node.StoreAsync(chunk, payload.Memory, timeout.Token).ConfigureAwait(false);
                        break;
                    }
                    catch (NodeRequestException e) when (e.Code == ProtocolErrorCode.NodeFull && roomMade++ < 3 && !timeout.Token.IsCancellationRequested)
                    {
                        // The pool has room but this node does not (chunks are spread unevenly): evict least recently
                        // used objects with a chunk here, delete their chunks first, then try again.
                        await MakeRoomOnNodeAsync(put.Nodes[header.Index], payload.Length, put.Key, evictionsSeen).ConfigureAwait(false);
                    }
                    catch (NodeRequestException e) when (attempt == 0 && e.Code != ProtocolErrorCode.NodeFull && !timeout.Token.IsCancellationRequested)
                    {
                    }
                }
            }

            var entry = put.MarkStored(header.Index, header.Checksum);
            if (entry is null)
            {
                await client.WriteFrameAsync(FrameOpcode.Ack, requestId, new AckHeader { Value = header.Index }, default, _stop.Token).ConfigureAwait(false);
                return;
            }
            _puts.TryRemove(Convert.ToHexString(put.PutId), out _);
            var now = _time.GetUtcNow();
            if (put.TimeToLiveMs > 0) entry = entry with { ExpiresAt = now + TimeSpan.FromMilliseconds(put.TimeToLiveMs) };
            var (stored, replaced, evicted) = _directory.Commit(entry, put.Condition, now);
            if (!stored)
            {
                // NX/XX did not hold: the chunks just written are not wanted.
                _ = DeleteChunksAsync(entry);
                await client.WriteFrameAsync(FrameOpcode.PutDone, requestId, new PutResult { Key = entry.Key, Version = entry.Version, Stored = false }, default, _stop.Token).ConfigureAwait(false);
                return;
            }
            Counters.Increment(ProxyCounters.Puts);
            Metrics.PutCompleted(_time.GetUtcNow() - put.Started);
            if (replaced is not null) Removed(replaced, ObjectRemovalReason.Replaced);
            foreach (var old in evicted)
            {
                Counters.Increment(ProxyCounters.Evictions);
                LogEvicted(old.Key, old.StoredBytes);
                Removed(old, ObjectRemovalReason.Evicted);
            }
            await client.WriteFrameAsync(FrameOpcode.PutDone, requestId, new PutResult { Key = entry.Key, Version = entry.Version }, default, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ProtocolException or NodeRequestException or OperationCanceledException)
        {
            if (put is not null) AbandonPut(put);
            var code = e is ProtocolException p ? p.Code : ProtocolErrorCode.Internal;
            string message = e is OperationCanceledException ? $"Storing chunk {header.Index} of '{header.Key}' timed out." : e.Message;
            await TryReplyErrorAsync(client, requestId, code, message).ConfigureAwait(false);
        }
    }

    private void ValidatePutChunk(PutChunkHeader header, PooledBuffer payload)
    {
        if (string.IsNullOrEmpty(header.Key) || header.Key.Length > 1024)
            throw new ProtocolException(ProtocolErrorCode.Rejected, "A key must have 1 to 1024 characters.");
        if (header.PutId.Length != 16)
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"A put id must be 16 bytes, not {header.PutId.Length}.");
        if (header.TotalShards < 1 || header.TotalShards > 256 || header.DataShards < 1 || header.DataShards > header.TotalShards)
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"A {header.DataShards}-of-{header.TotalShards} code is not valid (1 ≤ k ≤ k+r ≤ 256).");
        if (header.TotalShards > _backend.Functions.Count)
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"An object of {header.TotalShards} chunks needs {header.TotalShards} distinct nodes but the pool has {_backend.Functions.Count}.");
        if (header.Index < 0 || header.Index >= header.TotalShards)
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"Chunk index {header.Index} is outside 0..{header.TotalShards - 1}.");
        if (header.TimeToLiveMs < 0)
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"A time to live cannot be negative ({header.TimeToLiveMs} ms).");
        if (!Enum.IsDefined(header.Condition))
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"Unknown put condition {(int)header.Condition}.");
        if (header.ObjectLength < 0 || header.ObjectLength > _options.MaxObjectBytes)
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"An object of {header.ObjectLength} bytes is outside the limit of {_options.MaxObjectBytes} bytes.");
        if ((long)payload.Length * header.DataShards < header.ObjectLength)
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"{header.DataShards} chunks of {payload.Length} bytes cannot hold an object of {header.ObjectLength} bytes.");
        if ((long)payload.Length * header.TotalShards > _directory.CapacityBytes)
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"An object needing {(long)payload.Length * header.TotalShards} bytes of chunks does not fit in the pool's {_directory.CapacityBytes} bytes.");
        if (!ChunkChecksum.Matches(payload.Span, header.Checksum))
            throw new ProtocolException(ProtocolErrorCode.Rejected, $"Chunk {header.Index} of '{header.Key}' does not match its checksum.");
    }

    private PendingPut BeginPut(PutChunkHeader header, int shardLength)
    {
        var nodes = new string[header.TotalShards];
        _placement.LocateDistinct(header.Key, nodes);
        return new PendingPut(header.Key, header.PutId, Interlocked.Increment(ref _version), header.Codec, header.ObjectLength, shardLength,
            header.DataShards, nodes, _time.GetUtcNow(), header.TimeToLiveMs, header.Condition);
    }

    private void AbandonPut(PendingPut put)
    {
        _puts.TryRemove(Convert.ToHexString(put.PutId), out _);
        foreach (int index in put.Fail())
            _ = _nodes.DeleteChunkAsync(put.Nodes[index], new ChunkKey { Key = put.Key, Version = put.Version, Index = index });
    }

    private async Task SweepAbandonedPutsAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, _options.PutTimeout.Ticks / 4)), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var put in _puts.Values)
                    if (_time.GetUtcNow() - put.Started > _options.PutTimeout) AbandonPut(put);
                foreach (var expired in _directory.RemoveExpired(_time.GetUtcNow()))
                    Removed(expired, ObjectRemovalReason.Expired);
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task HandleDeleteAsync(FrameConnection client, uint requestId, string key)
    {
        var removed = _directory.Remove(key);
        bool existed = removed is not null && !removed.IsExpired(_time.GetUtcNow());
        if (removed is not null)
        {
            if (existed) Counters.Increment(ProxyCounters.Deletes);
            Removed(removed, existed ? ObjectRemovalReason.Deleted : ObjectRemovalReason.Expired);
        }
        try { await client.WriteFrameAsync(FrameOpcode.Ack, requestId, new AckHeader { Value = existed ? 1 : 0 }, default, _stop.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException) { }
    }

    /// <summary>
    /// Evicts for a full node, one caller at a time. A caller whose store failed before another eviction finished
    /// just retries (that eviction, of objects spread over every node, may have made room here too). The evicted
    /// objects' chunks are deleted before returning, so the retried store finds the memory free.
    /// </summary>
    private async Task MakeRoomOnNodeAsync(string node, long bytes, string exceptKey, long evictionsSeen)
    {
        await _roomLock.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _roomGeneration) != evictionsSeen) return;
            foreach (var victim in _directory.EvictFromNode(node, bytes, exceptKey))
            {
                Counters.Increment(ProxyCounters.Evictions);
                LogEvicted(victim.Key, victim.StoredBytes);
                ObjectRemoved?.Invoke(victim, ObjectRemovalReason.Evicted);
                await DeleteChunksAsync(victim).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _roomGeneration);
        }
        finally
        {
            _roomLock.Release();
        }
    }

    /// <summary>Raised when an object version leaves the directory (its chunks are then deleted in the background).</summary>
    public event Action<ObjectEntry, ObjectRemovalReason>? ObjectRemoved;

    private void Removed(ObjectEntry entry, ObjectRemovalReason reason)
    {
        // Observers hear of the removal before any chunk goes, so a GET that finds chunks missing can tell why.
        ObjectRemoved?.Invoke(entry, reason);
        _ = DeleteChunksAsync(entry);
    }

    private async Task DeleteChunksAsync(ObjectEntry entry)
    {
        var deletions = new Task[entry.TotalShards];
        for (int i = 0; i < entry.TotalShards; i++)
            deletions[i] = _nodes.DeleteChunkAsync(entry.Nodes[i], new ChunkKey { Key = entry.Key, Version = entry.Version, Index = i });
        try { await Task.WhenAll(deletions).ConfigureAwait(false); } catch (Exception) { }
    }

    private static async Task TryReplyErrorAsync(FrameConnection client, uint requestId, ProtocolErrorCode code, string message)
    {
        try { await client.WriteErrorAsync(requestId, code, message).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException) { }
    }

    /// <summary>Requests being served right now.</summary>
    public int InFlightRequests => Volatile.Read(ref _inFlight);

    private async Task Tracked(Task request)
    {
        Interlocked.Increment(ref _inFlight);
        try { await request.ConfigureAwait(false); }
        finally { Interlocked.Decrement(ref _inFlight); }
    }

    /// <summary>
    /// Graceful stop: refuses new client connections, lets the requests in flight finish (up to
    /// <paramref name="drainTimeout"/>), then disposes the proxy, which closes node connections so nodes return.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout, CancellationToken cancellationToken = default)
    {
        _listener?.Dispose();
        // Shutdown deadlines are operational, so they run on the system clock even when the proxy's clock is simulated.
        using var drain = new TimeoutScope(TimeProvider.System, drainTimeout, cancellationToken);
        try
        {
            while (InFlightRequests > 0) await Task.Delay(TimeSpan.FromMilliseconds(10), drain.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener?.Dispose();
        foreach (var client in _clients.Keys) await client.DisposeAsync().ConfigureAwait(false);
        await _repairQueue.DisposeAsync().ConfigureAwait(false);
        await _nodes.DisposeAsync().ConfigureAwait(false);
        Metrics.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy listening for clients on {ClientEndPoint} and nodes on {NodeEndPoint} ({Backend}, {Nodes} functions)")]
    private partial void LogStarted(string clientEndPoint, string nodeEndPoint, string backend, int nodes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {Remote} broke the protocol: {Reason}")]
    private partial void LogClientProtocolError(string? remote, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evicted '{Key}' ({Bytes} bytes) to make room")]
    private partial void LogEvicted(string key, long bytes);

}
