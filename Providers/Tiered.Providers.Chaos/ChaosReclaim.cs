namespace Tiered.Chaos;

/// <summary>One instance a <see cref="ChaosReclaimer"/> reclaimed.</summary>
/// <param name="FunctionName">Its function.</param>
/// <param name="InstanceId">The instance (its memory is gone).</param>
/// <param name="Trigger">What set the reclaim off.</param>
/// <param name="At">When, on the reclaimer's clock.</param>
public sealed record ChaosReclaim(string FunctionName, string InstanceId, ChaosTrigger Trigger, DateTimeOffset At);
