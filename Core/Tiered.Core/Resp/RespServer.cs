using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tiered.Resp;

/// <summary>
/// The tier's Redis-protocol endpoint (RESP2): any Redis client can GET/SET/DEL/EXISTS/… objects of the tier.
/// Each connection is served on its own task with System.IO.Pipelines; commands of a connection run in order.
/// A client that breaks framing is disconnected; others are unaffected.
/// </summary>
public sealed class RespServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, RespConnection> _connections = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private long _nextId, _totalCommands, _totalConnections, _rejectedConnections;

    public RespServer(RespServerOptions options, IRespStore store, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        Options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        Store = store ?? throw new ArgumentNullException(nameof(store));
        Time = timeProvider ?? TimeProvider.System;
        Logger = (ILogger?)loggerFactory?.CreateLogger<RespServer>() ?? NullLogger.Instance;
        EndPoint = options.EndPoint;
        RunId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
    }

    public RespServerOptions Options { get; }
    public IRespStore Store { get; }
    public TimeProvider Time { get; }
    internal ILogger Logger { get; }

    /// <summary>The bound address (with the actual port once started, when the options asked for port 0).</summary>
    public IPEndPoint EndPoint { get; private set; }

    internal string RunId { get; }
    internal DateTimeOffset StartedAt { get; private set; }
    public int ConnectedClients => _connections.Count;
    public long TotalCommands => Interlocked.Read(ref _totalCommands);
    public long TotalConnections => Interlocked.Read(ref _totalConnections);
    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);
    internal IEnumerable<RespSession> Sessions => _connections.Values.Select(c => c.Session);

    internal void CountCommand() => Interlocked.Increment(ref _totalCommands);

    /// <summary>Binds the port and starts accepting clients.</summary>
    public void Start()
    {
        if (_listener is not null) throw new InvalidOperationException("The RESP endpoint is already started.");
        var listener = new Socket(Options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(Options.EndPoint);
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        StartedAt = Time.GetUtcNow();
        RespLog.Listening(Logger, EndPoint, Options.RequirePass is null ? "" : " (requirepass)");
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }
            catch (Exception e)
            {
                RespLog.AcceptFailed(Logger, e);
                return;
            }
            Interlocked.Increment(ref _totalConnections);
            socket.NoDelay = true;
            long id = Interlocked.Increment(ref _nextId);
            if (_connections.Count >= Options.MaxClients)
            {
                Interlocked.Increment(ref _rejectedConnections);
                RespLog.TooManyClients(Logger, socket.RemoteEndPoint?.ToString() ?? "?", Options.MaxClients);
                _ = RefuseAsync(socket);
                continue;
            }
            var connection = new RespConnection(this, socket, id);
            _connections[id] = connection;
            _ = Task.Run(async () =>
            {
                try
                {
                    await connection.RunAsync(token).ConfigureAwait(false);
                }
                finally
                {
                    _connections.TryRemove(id, out _);
                }
            });
        }
    }

    private static async Task RefuseAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                await socket.SendAsync("-ERR max number of clients reached\r\n"u8.ToArray(), SocketFlags.None).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <summary>Stops accepting, closes every connection and waits for their tasks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        foreach (var connection in _connections.Values) connection.Abort();
        await Task.WhenAll(_connections.Values.Select(c => c.Completion)).ConfigureAwait(false);
        _stop.Dispose();
    }
}
