using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Tiered.Functions;
using Tiered.Nodes;
using Tiered.Protocol;
using Tiered.Time;

namespace Tiered.Proxy;

/// <summary>
/// The proxy's view of its node functions: which are connected, invoking the others and waiting for them to
/// dial back with the one-time token their invocation carried, refusing any other token, and queuing chunk
/// deletions for nodes that are not connected until they next are.
/// </summary>
internal sealed partial class NodePool : IAsyncDisposable
{
    private readonly IFunctionBackend _backend;
    private readonly TierProxyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ProxyCounters _counters;
    private readonly ConcurrentDictionary<string, NodeConnection> _live = new(StringComparer.Ordinal);
    // Lazy, because GetOrAdd may run its factory twice under contention and a second invocation would race the first.
    private readonly ConcurrentDictionary<string, Lazy<Task<NodeConnection>>> _activations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (byte[] Token, TaskCompletionSource<NodeConnection> DialBack)> _awaiting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastActive = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<InvocationResult>> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ChunkKey>> _pendingDeletes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _known;
    private Socket? _listener;
    private IPEndPoint? _endPoint;

    public NodePool(IFunctionBackend backend, TierProxyOptions options, TimeProvider time, ILogger logger, ProxyCounters counters)
    {
        _backend = backend;
        _options = options;
        _time = time;
        _logger = logger;
        _counters = counters;
        _known = new HashSet<string>(backend.Functions, StringComparer.Ordinal);
    }

    public IPEndPoint EndPoint => _endPoint ?? throw new InvalidOperationException("The node listener has not started.");

    /// <summary>
    /// Raised when a node dials back from a different instance than before (the earlier instance's chunks are not
    /// there, unless it is a backup holding a copy), or for the first time holding chunks: the proxy reconciles.
    /// Arguments: the new connection and the instance before (null the first time).
    /// </summary>
    public event Action<NodeConnection, string?>? InstanceChanged;

    /// <summary>The instance that last served as a node's primary, if any.</summary>
    public string? InstanceOf(string nodeId) => _instances.TryGetValue(nodeId, out var id) ? id : null;

    /// <summary>The node's live primary connection, or null when it is not connected.</summary>
    public NodeConnection? LiveOrNull(string nodeId) => _live.TryGetValue(nodeId, out var live) && live.IsOpen ? live : null;

    public IReadOnlyCollection<string> Connected => _live.Where(p => p.Value.IsOpen).Select(p => p.Key).ToArray();

    public void Start()
    {
        _listener = TcpListenerLoop.Listen(_options.NodeEndPoint);
        _endPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _ = TcpListenerLoop.AcceptAsync(_listener, HandshakeAsync, _stop.Token);
        _ = Task.Run(WarmUpLoopAsync);
    }

    /// <summary>A connected node, invoking it first (and waiting for its dial-back) when it is not connected.</summary>
    public async Task<NodeConnection> GetAsync(string nodeId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(nodeId, out var live) && live.IsOpen) return live;
        if (!_known.Contains(nodeId)) throw new NodeRequestException(nodeId, "no such function in the backend's pool.");
        var activation = _activations.GetOrAdd(nodeId, id => new Lazy<Task<NodeConnection>>(() => ActivateAsync(id, InvocationKind.Serve, _options.NodeIdleTimeout)));
        try
        {
            return await activation.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (activation.Value.IsCompleted) _activations.TryRemove(KeyValuePair.Create(nodeId, activation));
        }
    }

    /// <summary>Deletes a chunk now if its node is connected, otherwise when it next dials back.</summary>
    public async Task DeleteChunkAsync(string nodeId, ChunkKey key)
    {
        if (_live.TryGetValue(nodeId, out var connection) && connection.IsOpen)
        {
            try
            {
                await connection.DeleteAsync(key, _stop.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is NodeRequestException or OperationCanceledException) { }
        }
        _pendingDeletes.GetOrAdd(nodeId, _ => new ConcurrentQueue<ChunkKey>()).Enqueue(key);
    }

    /// <summary>
    /// Invokes a node's function a second time while its primary is busy, so the platform runs it on another instance
    /// (an idle warm one — the previous backup — or a new one): the delta-sync backup peer. Its connection is handed to the
    /// caller, never used as the node's primary; the instance returns when the caller disposes it.
    /// </summary>
    public Task<NodeConnection> ActivateBackupAsync(string nodeId) =>
        ActivateAsync(nodeId, InvocationKind.Backup, _options.BackupIdleTimeout, backup: true);

    private static string BackupSlot(string nodeId) => nodeId + "\0backup";

    private async Task<NodeConnection> ActivateAsync(string nodeId, InvocationKind kind, TimeSpan idleTimeout, bool backup = false)
    {
        var token = RandomNumberGenerator.GetBytes(16);
        var dialBack = new TaskCompletionSource<NodeConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        string slot = backup ? BackupSlot(nodeId) : nodeId;
        _awaiting[slot] = (token, dialBack);
        var payload = new NodeInvocation
        {
            ProxyHost = _options.AdvertisedNodeHost ?? EndPoint.Address.ToString(),
            ProxyPort = EndPoint.Port,
            NodeId = nodeId,
            Token = token,
            Kind = kind,
            IdleTimeout = idleTimeout,
            SessionLimit = kind == InvocationKind.Serve && _options.SessionJitter > 0
                ? _backend.Limits.Timeout * (1 - _options.SessionJitter * Random.Shared.NextDouble())
                : null,
        }.ToJson();
        _counters.Invocation(kind);
        LogInvoking(nodeId, kind);
        // An invocation that said goodbye may not have returned yet; invoking again now would make the platform
        // start a second, empty instance instead of reusing the warm one that holds the chunks.
        if (!backup && _running.TryGetValue(nodeId, out var previous) && !previous.IsCompleted)
        {
            try { await previous.WaitAsync(_options.DialBackTimeout, TimeProvider.System, _stop.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException or NodeRequestException) { }
            catch (Exception) { }
        }
        var invocation = _backend.InvokeAsync(new FunctionInvocation(nodeId, payload, kind), _stop.Token);
        if (!backup) _running[nodeId] = invocation;
        _ = invocation.ContinueWith(t =>
        {
            string why = t.IsFaulted ? t.Exception!.GetBaseException().Message : t.IsCanceled ? "cancelled" : t.Result.Error ?? "returned";
            dialBack.TrySetException(new NodeRequestException(nodeId, $"the invocation ended before the node dialled back ({why})."));
        }, TaskScheduler.Default);
        try
        {
            return await dialBack.Task.WaitAsync(_options.DialBackTimeout, TimeProvider.System, _stop.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new NodeRequestException(nodeId, $"it did not dial back within {_options.DialBackTimeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            _awaiting.TryRemove(KeyValuePair.Create(slot, (token, dialBack)));
        }
    }

    private async Task HandshakeAsync(Socket socket)
    {
        var connection = FrameConnection.FromSocket(socket, _options.Protocol);
        try
        {
            using var timeout = new TimeoutScope(TimeProvider.System, _options.DialBackTimeout, _stop.Token);
            using var frame = await connection.ReadFrameAsync(timeout.Token).ConfigureAwait(false);
            if (frame is null) { await connection.DisposeAsync().ConfigureAwait(false); return; }
            if (frame.Opcode != FrameOpcode.Hello)
                throw new ProtocolException(ProtocolErrorCode.UnknownOpcode, $"A node must start with Hello, not {frame.Opcode}.");
            await connection.SkipPayloadAsync(timeout.Token).ConfigureAwait(false);
            var hello = frame.ReadHeader<NodeHello>();
            bool backup = false;
            if (!_awaiting.TryGetValue(hello.NodeId, out var expected) || !CryptographicOperations.FixedTimeEquals(expected.Token, hello.Token))
            {
                backup = _awaiting.TryGetValue(BackupSlot(hello.NodeId), out expected) && CryptographicOperations.FixedTimeEquals(expected.Token, hello.Token);
            }
            if (!backup && (expected.Token is null || !CryptographicOperations.FixedTimeEquals(expected.Token, hello.Token)))
            {
                _counters.Increment(ProxyCounters.RefusedNodes);
                LogRefusedToken(hello.NodeId, connection.RemoteEndPoint?.ToString());
                throw new ProtocolException(ProtocolErrorCode.BadToken, $"Node {hello.NodeId} presented a token this proxy did not issue.");
            }
            await connection.WriteFrameAsync(FrameOpcode.Welcome, 0, new NodeWelcome { ProxyId = Environment.MachineName }, default, timeout.Token).ConfigureAwait(false);
            var node = new NodeConnection(hello.NodeId, hello.InstanceId, connection);
            if (backup)
            {
                node.Start();
                LogBackupDialedBack(hello.NodeId, hello.InstanceId, hello.ChunkCount);
                if (!expected.DialBack.TrySetResult(node)) await node.DisposeAsync().ConfigureAwait(false);
                return;
            }
            if (_live.TryGetValue(hello.NodeId, out var previous) && previous != node) await previous.DisposeAsync().ConfigureAwait(false);
            _live[hello.NodeId] = node;
            _lastActive[hello.NodeId] = _time.GetUtcNow();
            string? before = _instances.TryGetValue(hello.NodeId, out var b) ? b : null;
            _instances[hello.NodeId] = hello.InstanceId;
            node.Start();
            _ = node.Closed.ContinueWith(_ => { _lastActive[hello.NodeId] = _time.GetUtcNow(); _live.TryRemove(KeyValuePair.Create(hello.NodeId, node)); }, TaskScheduler.Default);
            LogDialedBack(hello.NodeId, hello.InstanceId, hello.ChunkCount);
            expected.DialBack.TrySetResult(node);
            await FlushPendingDeletesAsync(node).ConfigureAwait(false);
            if (before is null ? hello.ChunkCount > 0 : before != hello.InstanceId) InstanceChanged?.Invoke(node, before);
        }
        catch (ProtocolException e)
        {
            try { await connection.WriteErrorAsync(0, e.Code, e.Message).ConfigureAwait(false); } catch (Exception) { }
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task FlushPendingDeletesAsync(NodeConnection node)
    {
        if (!_pendingDeletes.TryGetValue(node.NodeId, out var queue)) return;
        while (queue.TryDequeue(out var key))
        {
            try { await node.DeleteAsync(key, _stop.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is NodeRequestException or OperationCanceledException) { queue.Enqueue(key); return; }
        }
    }

    /// <summary>Invokes every node that has not been connected for a warm-up interval, so the platform keeps its instance.</summary>
    private async Task WarmUpLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.WarmUpInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = _time.GetUtcNow();
                foreach (string nodeId in _backend.Functions)
                {
                    if (_live.ContainsKey(nodeId) || _activations.ContainsKey(nodeId)) continue;
                    if (_lastActive.TryGetValue(nodeId, out var last) && now - last < _options.WarmUpInterval) continue;
                    _lastActive[nodeId] = now;
                    var warmUp = _activations.GetOrAdd(nodeId, id => new Lazy<Task<NodeConnection>>(() => ActivateAsync(id, InvocationKind.WarmUp, _options.WarmUpIdleTimeout)));
                    _ = warmUp.Value.ContinueWith(t => { _activations.TryRemove(KeyValuePair.Create(nodeId, warmUp)); _ = t.Exception; }, TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener?.Dispose();
        foreach (var node in _live.Values) await node.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Invoking node {NodeId} ({Kind})")]
    private partial void LogInvoking(string nodeId, InvocationKind kind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {NodeId} dialled back from instance {InstanceId} holding {Chunks} chunks")]
    private partial void LogDialedBack(string nodeId, string instanceId, int chunks);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backup peer of node {NodeId} dialled back from instance {InstanceId} holding {Chunks} chunks")]
    private partial void LogBackupDialedBack(string nodeId, string instanceId, int chunks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused node {NodeId} from {Remote}: wrong token")]
    private partial void LogRefusedToken(string nodeId, string? remote);
}
