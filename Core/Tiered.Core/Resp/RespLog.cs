using System.Net;
using Microsoft.Extensions.Logging;

namespace Tiered.Resp;

/// <summary>The RESP endpoint's log messages.</summary>
internal static partial class RespLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "RESP endpoint listening on {EndPoint}{Auth}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint, string auth);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RESP client {Id} connected from {Remote}")]
    public static partial void Connected(ILogger logger, long id, string remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RESP client {Id} from {Remote} disconnected")]
    public static partial void Disconnected(ILogger logger, long id, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RESP client {Remote} refused: {MaxClients} clients already connected")]
    public static partial void TooManyClients(ILogger logger, string remote, int maxClients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RESP protocol error from {Remote}: {Reason}; closing the connection")]
    public static partial void ProtocolError(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RESP {Command} from {Remote} failed: {Reason}")]
    public static partial void CommandFailed(ILogger logger, string command, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RESP authentication failed for {Remote}")]
    public static partial void AuthFailed(ILogger logger, string remote);

    [LoggerMessage(Level = LogLevel.Error, Message = "RESP connection {Id} from {Remote} failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception error, long id, string remote);

    [LoggerMessage(Level = LogLevel.Error, Message = "RESP accept loop failed")]
    public static partial void AcceptFailed(ILogger logger, Exception error);
}
