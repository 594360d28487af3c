namespace Tiered.Nodes;

/// <summary>How a node uses its instance.</summary>
public sealed record FunctionNodeOptions
{
    /// <summary>Share of the instance's memory given to chunks (the rest is the runtime's headroom).</summary>
    public double StorageFraction { get; init; } = 0.8;

    /// <summary>How long before the platform's deadline the node says goodbye and returns.</summary>
    public TimeSpan DeadlineMargin { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for the proxy's welcome after dialling back.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
