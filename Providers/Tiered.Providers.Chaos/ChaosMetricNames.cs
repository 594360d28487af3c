using System.Diagnostics.Metrics;

namespace Tiered.Chaos;

/// <summary>Names of the <see cref="System.Diagnostics.Metrics"/> instruments chaos publishes: one count per fault injected.</summary>
public static class ChaosMetricNames
{
    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "Tiered.Chaos";

    /// <summary>Counter of faults injected ({fault}); tags: <see cref="FaultTag"/> (one of <see cref="ChaosFaultKinds"/>), <see cref="FunctionTag"/> when known.</summary>
    public const string Faults = "tiered.chaos.faults";

    /// <summary>Counter of bytes that went through a bandwidth cap (By); tags: <see cref="FunctionTag"/>, <see cref="DirectionTag"/>.</summary>
    public const string ThrottledBytes = "tiered.chaos.throttled_bytes";

    /// <summary>Tag: which fault (<see cref="ChaosFaultKinds"/>).</summary>
    public const string FaultTag = "tiered.chaos.fault";

    /// <summary>Tag: the function the fault hit (a relay's name when it is not a function's).</summary>
    public const string FunctionTag = "faas.invoked_name";

    /// <summary>Tag: <c>node_to_proxy</c> or <c>proxy_to_node</c> (a relay's client → upstream or upstream → client).</summary>
    public const string DirectionTag = "tiered.chaos.direction";
}

/// <summary>The values of <see cref="ChaosMetricNames.FaultTag"/>.</summary>
public static class ChaosFaultKinds
{
    /// <summary>An instance reclaimed by <see cref="ChaosReclaimer"/>.</summary>
    public const string Reclaim = "reclaim";
    /// <summary>An invocation failed by <see cref="ChaosFunctionBackend"/>.</summary>
    public const string FailInvocation = "fail_invocation";
    /// <summary>An invocation delayed by <see cref="ChaosFunctionBackend"/>.</summary>
    public const string InvocationLatency = "invocation_latency";
    /// <summary>A dial-back connection closed by a <see cref="ChaosRelay"/> before it reached the proxy.</summary>
    public const string DropDialBack = "drop_dialback";
    /// <summary>A dial-back connection held by a <see cref="ChaosRelay"/> before anything was forwarded.</summary>
    public const string StallDialBack = "stall_dialback";
    /// <summary>A live relayed connection closed on demand.</summary>
    public const string CutConnection = "cut_connection";
    /// <summary>A relayed write delayed by the relay's write latency.</summary>
    public const string WriteLatency = "write_latency";
    /// <summary>A relayed write that had to wait for its bandwidth cap (a straggler).</summary>
    public const string Throttle = "throttle";
    /// <summary>A stored chunk corrupted in place by <see cref="ChunkCorrupter"/>.</summary>
    public const string CorruptChunk = "corrupt_chunk";
    /// <summary>An invocation made slow to start by <see cref="ChaosFunctionHandler"/>.</summary>
    public const string SlowStart = "slow_start";
}
