using System.Net;
using System.Net.Sockets;

namespace Tiered.Functions;

/// <summary>The HTTP handler the HTTP-based function backends (AWS Lambda, Azure Functions, Cloud Run) invoke through.</summary>
public static class FunctionHttpHandler
{
    /// <summary>
    /// A handler for one pooled client: no connection limit (each call holds its connection while the node serves),
    /// connections recycled every few minutes (front ends' addresses move), TCP keep-alive so a long quiet call survives
    /// NAT and load-balancer idle timeouts.
    /// </summary>
    public static SocketsHttpHandler Create(TimeSpan connectTimeout) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = int.MaxValue,
        ConnectTimeout = connectTimeout,
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = static async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                try
                {
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                    socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
                    socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 15);
                }
                catch (Exception e) when (e is SocketException or PlatformNotSupportedException)
                {
                    // Keep-alive tuning is best effort.
                }
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
