using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tiered.Hosting;

/// <summary>
/// Runs the tier's proxy in the generic host: starts it (listening for clients and nodes) when the host starts, and on
/// shutdown stops gracefully within the host's shutdown timeout (<see cref="TieredRuntime.StopAsync"/>): new requests are
/// refused, requests in flight finish, then the proxy closes its node connections so the nodes' invocations return.
/// </summary>
public sealed partial class TieredProxyHostedService(TieredRuntime runtime, ILogger<TieredProxyHostedService> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            runtime.Start();
        }
        catch (Exception e)
        {
            LogStartFailed(e);
            throw;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The tier could not start")]
    private partial void LogStartFailed(Exception exception);
}
