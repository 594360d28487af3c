namespace Tiered.Cost;

/// <summary>Billed use of one kind of invocation.</summary>
/// <param name="Invocations">How many invocations.</param>
/// <param name="BilledDuration">Their billed durations, summed.</param>
/// <param name="GbSeconds">Their billed GB-seconds (billed memory × billed duration), summed.</param>
public readonly record struct InvocationUsage(long Invocations, TimeSpan BilledDuration, double GbSeconds)
{
    /// <summary>The sum of two usages.</summary>
    public static InvocationUsage operator +(InvocationUsage a, InvocationUsage b) =>
        new(a.Invocations + b.Invocations, a.BilledDuration + b.BilledDuration, a.GbSeconds + b.GbSeconds);
}
