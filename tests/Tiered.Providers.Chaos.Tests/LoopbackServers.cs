using System.Net;
using System.Net.Sockets;

namespace Tiered.Chaos.Tests;

/// <summary>A loopback TCP server that echoes, or swallows and counts, what each connection sends.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _accepted = [];
    private readonly Task _loop;
    private readonly bool _echo;
    private long _received;
    private int _connections;

    private LoopbackServer(bool echo)
    {
        _echo = echo;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        _loop = AcceptAsync();
    }

    public static LoopbackServer Echo() => new(echo: true);
    public static LoopbackServer Sink() => new(echo: false);

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;
    public long Received => Interlocked.Read(ref _received);
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        var handlers = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                lock (_accepted) _accepted.Add(socket);
                handlers.Add(Task.Run(() => ServeAsync(socket)));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
        await Task.WhenAll(handlers);
    }

    private async Task ServeAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) break;
                Interlocked.Add(ref _received, read);
                if (_echo)
                {
                    for (int sent = 0; sent < read;)
                        sent += await socket.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, _stop.Token);
                }
            }
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        lock (_accepted)
            foreach (var socket in _accepted) socket.Dispose();
        await _loop;
    }
}
