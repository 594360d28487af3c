namespace Tiered.Proxy;

/// <summary>A node could not be reached or refused a chunk request.</summary>
public sealed class NodeRequestException(string nodeId, string message, Exception? inner = null)
    : Exception($"Node {nodeId}: {message}", inner)
{
    public string NodeId { get; } = nodeId;
}
