namespace Tiered.Providers.Azure;

/// <summary>
/// How an invocation is billed on each plan (what <see cref="Tiered.Functions.InvocationResult.BilledDuration"/> reports).
/// Flex Consumption bills the instance memory for the time an instance is executing, at least 1,000 ms and then rounded
/// up to the next 100 ms (Microsoft's "minimum billable execution period"); with one execution per instance at a time (the
/// deployment guide sets per-instance HTTP concurrency to 1) that is exactly each invocation's own duration so rounded.
/// Premium bills allocated instances per second whether they execute or not, so an invocation adds nothing: zero.
/// </summary>
public static class AzureFunctionsBilling
{
    /// <summary>The least a Flex Consumption execution period is billed for.</summary>
    public static TimeSpan FlexMinimumBilledDuration { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The step Flex Consumption rounds a longer execution period up to.</summary>
    public static TimeSpan FlexBillingGranularity { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The billed duration of an invocation that ran <paramref name="duration"/> on <paramref name="plan"/>.</summary>
    public static TimeSpan BilledDuration(AzureFunctionsPlan plan, TimeSpan duration)
    {
        if (plan == AzureFunctionsPlan.Premium) return TimeSpan.Zero;
        long granule = FlexBillingGranularity.Ticks;
        long rounded = duration.Ticks <= 0 ? 0 : (duration.Ticks + granule - 1) / granule * granule;
        return TimeSpan.FromTicks(Math.Max(rounded, FlexMinimumBilledDuration.Ticks));
    }
}
