using System.Net.Sockets;

namespace Tiered.Chaos;

/// <summary>One connection through a <see cref="ChaosRelay"/>: the accepted client socket, the upstream socket once dialled, and a token that ends both pumps.</summary>
internal sealed class RelayConnection
{
    // Never disposed: a source without a timer holds nothing that needs it, and Close may race the end of the pumps.
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private bool _closed;

    public RelayConnection(long id, Socket client)
    {
        Id = id;
        Client = client;
        Token = _stop.Token;
    }

    public long Id { get; }
    public Socket Client { get; }
    public Socket? Upstream { get; private set; }

    /// <summary>Cancelled when the connection is closed.</summary>
    public CancellationToken Token { get; }

    /// <summary>Attaches the dialled upstream socket; false (and the socket is disposed) when the connection was closed meanwhile.</summary>
    public bool TryAttachUpstream(Socket upstream)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                Upstream = upstream;
                return true;
            }
        }
        upstream.Dispose();
        return false;
    }

    /// <summary>Closes both sockets and cancels the pumps; <paramref name="reset"/> sends the client a RST instead of a FIN. Idempotent.</summary>
    public void Close(bool reset = false)
    {
        Socket? upstream;
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            upstream = Upstream;
        }
        if (reset)
        {
            try { Client.LingerState = new LingerOption(true, 0); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }
        Client.Dispose();
        upstream?.Dispose();
        _stop.Cancel();
    }
}
