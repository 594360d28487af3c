using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tiered.Chaos;

/// <summary>
/// A real TCP relay (like Toxiproxy) between clients that connect to it and one upstream endpoint, with faults:
/// drop a new connection (reset, never reaching the upstream), stall it (accept, then forward nothing for a while),
/// add latency to every write, and cap the bandwidth of each direction. <see cref="ChaosFunctionBackend"/> puts one
/// between each node and the proxy by rewriting where the node dials back; it can be used alone too.
/// <para>
/// Each connection copies through two pooled buffers (one per direction, from <see cref="ArrayPool{T}.Shared"/>).
/// An end of stream on one side half-closes the other (the peer still gets every byte); an error on either side
/// closes both. Disposal stops listening, closes every connection and waits for their copies to end, so no socket
/// outlives the relay. Delays (stall, latency, bandwidth) run on the given <see cref="TimeProvider"/>; dialling
/// the upstream is bounded on the system clock.
/// </para>
/// </summary>
public sealed class ChaosRelay : IAsyncDisposable
{
    private readonly ChaosRelayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChaosMetrics _metrics;
    private readonly bool _ownsMetrics;
    private readonly ChaosRandom _random;
    private readonly ConcurrentDictionary<long, RelayConnection> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    // Never disposed (see ReleaseStalls): cancelling it lets every stalled connection go on.
    private CancellationTokenSource _stallRelease = new();
    // Never disposed either: cancelled (and replaced) whenever the faults change, to wake writes waiting on the old ones.
    private CancellationTokenSource _faultsChanged = new();
    private RelayFaults _faults;
    private Socket? _listener;
    private IPEndPoint? _endPoint;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextId, _active;
    private long _accepted, _dropped, _stalled, _cut, _delayedWrites, _throttleWaits, _clientToUpstream, _upstreamToClient, _throttled;
    private int _disposed;

    /// <summary>Creates a relay to <paramref name="upstream"/>; call <see cref="Start"/> to listen.</summary>
    /// <param name="upstream">Where every accepted connection is forwarded.</param>
    /// <param name="faults">The initial faults (none when null); change them any time with <see cref="Faults"/>.</param>
    /// <param name="options">Name, listen endpoint, buffer size, seed.</param>
    /// <param name="timeProvider">The clock of stalls, latency and bandwidth caps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where injected faults are logged.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Chaos</c> meter; when null the relay owns a plain one.</param>
    public ChaosRelay(EndPoint upstream, RelayFaults? faults = null, ChaosRelayOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
        : this(upstream, faults, options, timeProvider, logger, new ChaosMetrics(meterFactory), ownsMetrics: true)
    {
    }

    internal ChaosRelay(EndPoint upstream, RelayFaults? faults, ChaosRelayOptions? options, TimeProvider? timeProvider, ILogger? logger, ChaosMetrics metrics, bool ownsMetrics)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        Upstream = upstream;
        _options = (options ?? new ChaosRelayOptions()).Validate();
        _faults = (faults ?? RelayFaults.None).Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _ownsMetrics = ownsMetrics;
        _random = new ChaosRandom(_options.Seed);
    }

    /// <summary>The relay's name (logs, metrics).</summary>
    public string Name => _options.Name;

    /// <summary>Where connections are forwarded.</summary>
    public EndPoint Upstream { get; }

    /// <summary>Where the relay listens (clients connect here).</summary>
    /// <exception cref="InvalidOperationException">The relay has not started.</exception>
    public IPEndPoint EndPoint => _endPoint ?? throw new InvalidOperationException($"Chaos relay {Name} has not started.");

    /// <summary>
    /// The faults now in force. Link faults (latency, bandwidth) apply to live connections from their next write;
    /// drop and stall apply to connections accepted from now on. Setting faults without a stall lets connections
    /// that are stalled right now go on.
    /// </summary>
    public RelayFaults Faults
    {
        get => Volatile.Read(ref _faults);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            CancellationTokenSource changed;
            lock (_gate)
            {
                Volatile.Write(ref _faults, value);
                changed = _faultsChanged;
                _faultsChanged = new CancellationTokenSource();
            }
            changed.Cancel();
            if (value.StallProbability <= 0 || value.StallDuration <= TimeSpan.Zero) ReleaseStalls();
        }
    }

    /// <summary>Connections open right now (stalled or relaying).</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>What the relay has done so far.</summary>
    public ChaosRelayCounts Counts => new(
        Interlocked.Read(ref _accepted), Interlocked.Read(ref _dropped), Interlocked.Read(ref _stalled), Interlocked.Read(ref _cut),
        Interlocked.Read(ref _delayedWrites), Interlocked.Read(ref _throttleWaits), Interlocked.Read(ref _clientToUpstream),
        Interlocked.Read(ref _upstreamToClient), Interlocked.Read(ref _throttled));

    /// <summary>Binds and starts accepting.</summary>
    /// <returns>This relay.</returns>
    public ChaosRelay Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_listener is not null) throw new InvalidOperationException($"Chaos relay {Name} has already started.");
            var listener = new Socket(_options.ListenEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(_options.ListenEndPoint);
                listener.Listen(512);
            }
            catch
            {
                listener.Dispose();
                throw;
            }
            _listener = listener;
            _endPoint = (IPEndPoint)listener.LocalEndPoint!;
            _acceptLoop = AcceptLoopAsync(listener);
        }
        ChaosLog.RelayStarted(_logger, Name, _endPoint.ToString(), Upstream.ToString() ?? "?");
        return this;
    }

    /// <summary>Closes every live connection now (both sides see the connection end), as a network partition would.</summary>
    /// <returns>How many connections were closed.</returns>
    public int CutConnections()
    {
        int cut = 0;
        foreach (var connection in _connections.Values)
        {
            connection.Close();
            cut++;
        }
        if (cut > 0)
        {
            Interlocked.Add(ref _cut, cut);
            _metrics.Fault(ChaosFaultKinds.CutConnection, Name, cut);
            ChaosLog.Cut(_logger, Name, cut);
        }
        return cut;
    }

    /// <summary>Lets every connection that is stalled right now go on (dial the upstream and forward).</summary>
    public void ReleaseStalls()
    {
        CancellationTokenSource released;
        lock (_gate)
        {
            released = _stallRelease;
            _stallRelease = new CancellationTokenSource();
        }
        released.Cancel();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        await Task.Yield();
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested || e is ObjectDisposedException) return;
                continue;
            }
            Interlocked.Increment(ref _active);
            Interlocked.Increment(ref _accepted);
            var connection = new RelayConnection(Interlocked.Increment(ref _nextId), socket);
            _connections[connection.Id] = connection;
            if (Volatile.Read(ref _disposed) != 0) connection.Close();
            _ = Task.Run(() => RunAsync(connection), CancellationToken.None);
        }
    }

    private async Task RunAsync(RelayConnection connection)
    {
        try
        {
            var faults = Faults;
            if (_random.Chance(faults.DropProbability))
            {
                Interlocked.Increment(ref _dropped);
                _metrics.Fault(ChaosFaultKinds.DropDialBack, Name);
                ChaosLog.Dropped(_logger, Name, SafeRemote(connection.Client));
                connection.Close(reset: true);
                return;
            }
            if (faults.StallDuration > TimeSpan.Zero && _random.Chance(faults.StallProbability))
                await StallAsync(connection, faults.StallDuration).ConfigureAwait(false);

            var upstream = Upstream is IPEndPoint ip ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.Token);
                timeout.CancelAfter(_options.ConnectTimeout);
                await upstream.ConnectAsync(Upstream, timeout.Token).ConfigureAwait(false);
                upstream.NoDelay = true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                upstream.Dispose();
                if (!connection.Token.IsCancellationRequested) ChaosLog.UpstreamFailed(_logger, Name, Upstream.ToString() ?? "?", e.Message);
                connection.Close(reset: true);
                return;
            }
            if (!connection.TryAttachUpstream(upstream)) return;
            connection.Client.NoDelay = true;
            await Task.WhenAll(
                PumpAsync(connection.Client, upstream, RelayDirection.ClientToUpstream, connection),
                PumpAsync(upstream, connection.Client, RelayDirection.UpstreamToClient, connection)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The connection was cut, the relay disposed, or a peer went away: nothing more to do than close.
        }
        finally
        {
            connection.Close();
            _connections.TryRemove(connection.Id, out _);
            if (Interlocked.Decrement(ref _active) == 0 && Volatile.Read(ref _disposed) != 0) _drained.TrySetResult();
        }
    }

    private async Task StallAsync(RelayConnection connection, TimeSpan duration)
    {
        Interlocked.Increment(ref _stalled);
        _metrics.Fault(ChaosFaultKinds.StallDialBack, Name);
        ChaosLog.Stalled(_logger, Name, duration);
        CancellationToken release;
        lock (_gate) release = _stallRelease.Token;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(connection.Token, release);
        try
        {
            await Task.Delay(duration, _time, stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!connection.Token.IsCancellationRequested)
        {
            // Released early.
        }
    }

    private async Task PumpAsync(Socket from, Socket to, RelayDirection direction, RelayConnection connection)
    {
        int size = _options.BufferSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        var throttle = new BandwidthThrottle(_time, size);
        var token = connection.Token;
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer.AsMemory(0, size), SocketFlags.None, token).ConfigureAwait(false);
                if (read == 0)
                {
                    // End of stream: pass it on, and let the other direction finish on its own.
                    try { to.Shutdown(SocketShutdown.Send); }
                    catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
                    return;
                }
                var (faults, changed) = CurrentFaults();
                if (faults.WriteLatency > TimeSpan.Zero)
                {
                    Interlocked.Increment(ref _delayedWrites);
                    _metrics.Fault(ChaosFaultKinds.WriteLatency, Name);
                    using var either = CancellationTokenSource.CreateLinkedTokenSource(token, changed);
                    try
                    {
                        await Task.Delay(faults.WriteLatency, _time, either.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!token.IsCancellationRequested)
                    {
                        // The faults changed: the write goes now.
                    }
                }
                for (int offset = 0; offset < read;)
                {
                    int length = read - offset;
                    (faults, changed) = CurrentFaults();
                    long rate = faults.BytesPerSecond(direction);
                    if (rate > 0)
                    {
                        length = Math.Min(length, throttle.SliceFor(rate));
                        var outcome = await throttle.AcquireAsync(length, rate, token, changed).ConfigureAwait(false);
                        if (outcome == ThrottleOutcome.FaultsChanged) continue; // the cap changed: read it again
                        if (outcome == ThrottleOutcome.Waited)
                        {
                            Interlocked.Increment(ref _throttleWaits);
                            _metrics.Fault(ChaosFaultKinds.Throttle, Name);
                        }
                        Interlocked.Add(ref _throttled, length);
                        _metrics.Throttled(Name, direction, length);
                    }
                    await SendAllAsync(to, buffer.AsMemory(offset, length), token).ConfigureAwait(false);
                    offset += length;
                    if (direction == RelayDirection.ClientToUpstream) Interlocked.Add(ref _clientToUpstream, length);
                    else Interlocked.Add(ref _upstreamToClient, length);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // One side broke (or the connection was cut): close both, so the other direction ends too.
            connection.Close();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The faults now, and a token cancelled when they next change.</summary>
    private (RelayFaults Faults, CancellationToken Changed) CurrentFaults()
    {
        lock (_gate) return (_faults, _faultsChanged.Token);
    }

    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            int sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private static string? SafeRemote(Socket socket)
    {
        try { return socket.RemoteEndPoint?.ToString(); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { return null; }
    }

    /// <summary>Stops listening, closes every connection and waits until their copies have ended. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        Socket? listener;
        lock (_gate) listener = _listener;
        listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var connection in _connections.Values) connection.Close();
        ReleaseStalls();
        if (Interlocked.Read(ref _active) > 0) await _drained.Task.ConfigureAwait(false);
        _stop.Dispose();
        ChaosLog.RelayStopped(_logger, Name, Interlocked.Read(ref _accepted));
        if (_ownsMetrics) _metrics.Dispose();
    }
}
