namespace Tiered.Hosting;

/// <summary>Where a <see cref="TieredRuntime"/> is in its life.</summary>
public enum TieredRuntimeState
{
    /// <summary>Composed but not listening yet.</summary>
    NotStarted,

    /// <summary>The proxy is listening and serving.</summary>
    Running,

    /// <summary>Shutting down: new in-process requests are refused, requests in flight are finishing.</summary>
    Stopping,

    /// <summary>The proxy is closed and node connections are gone.</summary>
    Stopped,
}
