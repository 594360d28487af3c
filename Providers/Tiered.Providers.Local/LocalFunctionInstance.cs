using Tiered.Functions;

namespace Tiered.Providers.Local;

/// <summary>One function of the pool: its live instances and how many of them hold a concurrency slot. Guarded by the platform's lock.</summary>
internal sealed class LocalFunctionSlot(string name)
{
    public string Name { get; } = name;

    /// <summary>Live instances, oldest first.</summary>
    public List<LocalFunctionInstance> Instances { get; } = [];

    /// <summary>Idle instances, least recently used first (the last one is the most recently used).</summary>
    public List<LocalFunctionInstance> Idle { get; } = [];

    /// <summary>Instances starting or busy (they count against the concurrency limit).</summary>
    public int Active { get; set; }
}

/// <summary>One function instance: its handler (its memory) and its state. Mutable fields are guarded by the platform's lock.</summary>
internal sealed class LocalFunctionInstance(LocalFunctionSlot function, string id, DateTimeOffset createdAt)
{
    public LocalFunctionSlot Function { get; } = function;
    public string Id { get; } = id;
    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Cancelled when the instance is reclaimed; the running invocation's token is linked to it.</summary>
    public CancellationTokenSource Lifetime { get; } = new();

    public LocalInstanceState State { get; set; } = LocalInstanceState.Starting;
    public DateTimeOffset? LastUsedAt { get; set; }
    public long InvocationCount { get; set; }
    public IFunctionHandler? Handler { get; set; }
    public ITimer? IdleTimer { get; set; }
    public long IdleGeneration { get; set; }
    public ITimer? HazardTimer { get; set; }
    public ITimer? RecycleTimer { get; set; }
    /// <summary>When its instance lifetime ends; null when it has none.</summary>
    public DateTimeOffset? RecycleAt { get; set; }
    /// <summary>Its lifetime ended while it was starting or busy: it is recycled when its invocation ends.</summary>
    public bool RecycleDue { get; set; }
    public LocalReclaimReason? ReclaimedFor { get; set; }
    public bool IsReclaimed => ReclaimedFor is not null;

    public LocalInstanceInfo Snapshot() => new(Function.Name, Id, State, CreatedAt, LastUsedAt, InvocationCount, RecycleAt);
}

/// <summary>What is left to do, outside the lock, after an instance was reclaimed under it.</summary>
internal readonly record struct LocalReclaimWork(LocalFunctionInstance Instance, LocalInstanceReclaim Event, IFunctionHandler? HandlerToDispose);
