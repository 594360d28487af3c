namespace Tiered.Proxy;

/// <summary>A node could not be reached or refused a chunk request.</summary>
public sealed class NodeRequestException(string nodeId, string message, Exception? inner = null, Tiered.Protocol.ProtocolErrorCode? code = null)
    : Exception($"Node {nodeId}: {message}", inner)
{
    public string NodeId { get; } = nodeId;

    /// <summary>The node's error code when it answered with an error (e.g. <see cref="Tiered.Protocol.ProtocolErrorCode.NodeFull"/>).</summary>
    public Tiered.Protocol.ProtocolErrorCode? Code { get; } = code;
}
