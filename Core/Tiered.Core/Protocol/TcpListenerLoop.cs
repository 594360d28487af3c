using System.Net;
using System.Net.Sockets;

namespace Tiered.Protocol;

/// <summary>A bound, listening socket whose accepted connections are each handed to a handler on the thread pool.</summary>
public static class TcpListenerLoop
{
    /// <summary>Binds and listens on <paramref name="endPoint"/> (port 0 picks a free one).</summary>
    public static Socket Listen(IPEndPoint endPoint, int backlog = 512)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(backlog);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Accepts until <paramref name="cancellationToken"/> is cancelled or the listener is closed.</summary>
    public static async Task AcceptAsync(Socket listener, Func<Socket, Task> handle, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (cancellationToken.IsCancellationRequested || e is ObjectDisposedException) return;
                continue;
            }
            _ = Task.Run(() => handle(socket), CancellationToken.None);
        }
    }
}
