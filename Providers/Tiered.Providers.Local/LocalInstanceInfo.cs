namespace Tiered.Providers.Local;

/// <summary>A snapshot of one function instance.</summary>
/// <param name="FunctionName">The function it belongs to.</param>
/// <param name="InstanceId">Its id, unique for the platform's lifetime (never reused).</param>
/// <param name="State">What it was doing when the snapshot was taken.</param>
/// <param name="CreatedAt">When it was created (its cold start began).</param>
/// <param name="LastUsedAt">When its last invocation ended; null before the first one ended.</param>
/// <param name="InvocationCount">Invocations it has started.</param>
/// <param name="RecycleAt">
/// When its instance lifetime ends (it is then recycled: at once when idle, else when its invocation ends); null when it
/// has none, or before it was drawn (an instance lifetime sampler sees null).
/// </param>
public sealed record LocalInstanceInfo(
    string FunctionName,
    string InstanceId,
    LocalInstanceState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    long InvocationCount,
    DateTimeOffset? RecycleAt = null);

/// <summary>A snapshot of one function and its live instances.</summary>
/// <param name="Name">The function.</param>
/// <param name="Instances">Its live instances, oldest first.</param>
public sealed record LocalFunctionInfo(string Name, IReadOnlyList<LocalInstanceInfo> Instances)
{
    /// <summary>Instances that are idle and warm.</summary>
    public int IdleCount => Instances.Count(i => i.State == LocalInstanceState.Idle);

    /// <summary>Instances that are busy or cold-starting (those count against the concurrency limit).</summary>
    public int ActiveCount => Instances.Count(i => i.State != LocalInstanceState.Idle);
}
