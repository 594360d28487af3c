namespace Tiered.Resp;

/// <summary>A request that breaks RESP framing: the client gets <c>-ERR Protocol error: …</c> and the connection closes.</summary>
public sealed class RespProtocolException(string message) : Exception(message);
