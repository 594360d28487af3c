using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tiered.Resp;

namespace Tiered.Hosting.Resp;

/// <summary>
/// Runs the Redis-protocol endpoint (<see cref="RespServer"/>) in the generic host when <c>Tiered:Resp:Enabled</c> is
/// true, on <c>Tiered:Proxy:Host</c>:<c>Tiered:Resp:Port</c>, over the hosted tier's client (so the endpoint runs the
/// codec itself). Registered after <c>AddTiered</c>, it starts after the proxy and stops before it.
/// </summary>
public sealed partial class RespHostedService(
    TieredRuntime runtime, IOptions<TieredOptions> options, ILoggerFactory loggerFactory, ILogger<RespHostedService> logger, TimeProvider? timeProvider = null)
    : IHostedService, IAsyncDisposable
{
    private RespServer? _server;

    /// <summary>The running endpoint (null when disabled or not started).</summary>
    public RespServer? Server => _server;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var resp = options.Value.Resp ?? new TieredRespOptions();
        if (!resp.Enabled) return Task.CompletedTask;
        var address = options.Value.Proxy?.ResolveAddress() ?? IPAddress.Loopback;
        var server = new RespServer(
            new RespServerOptions { EndPoint = new IPEndPoint(address, resp.Port), RequirePass = string.IsNullOrEmpty(resp.RequirePass) ? null : resp.RequirePass },
            new TierClientRespStore(runtime.Client), timeProvider, loggerFactory);
        try
        {
            server.Start();
        }
        catch (Exception e)
        {
            LogStartFailed(e, resp.Port);
            throw;
        }
        _server = server;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var server = Interlocked.Exchange(ref _server, null);
        if (server is not null) await server.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The RESP endpoint could not listen on port {Port} (Tiered:Resp:Port)")]
    private partial void LogStartFailed(Exception exception, int port);
}
