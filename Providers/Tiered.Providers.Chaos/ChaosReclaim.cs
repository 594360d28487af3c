namespace Tiered.Chaos;

/// <summary>One instance a <see cref="ChaosReclaimer"/> reclaimed.</summary>
/// <param name="FunctionName">Its function.</param>
/// <param name="InstanceId">The instance (its memory is gone).</param>
/// <param name="Trigger">What set the reclaim off.</param>
/// <param name="At">When, on the reclaimer's clock: the time the event was scheduled for (a fake clock advanced past several events fires them all at once, each with its own time).</param>
public sealed record ChaosReclaim(string FunctionName, string InstanceId, ChaosTrigger Trigger, DateTimeOffset At);
