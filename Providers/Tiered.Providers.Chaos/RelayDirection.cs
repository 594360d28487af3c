namespace Tiered.Chaos;

/// <summary>A direction through a <see cref="ChaosRelay"/>. For a node's dial-back, the client is the node and the upstream is the proxy.</summary>
public enum RelayDirection
{
    /// <summary>From the connecting side (the node) to the upstream (the proxy): chunks a node serves on a GET.</summary>
    ClientToUpstream,
    /// <summary>From the upstream (the proxy) to the connecting side (the node): chunks a PUT stores.</summary>
    UpstreamToClient,
}
