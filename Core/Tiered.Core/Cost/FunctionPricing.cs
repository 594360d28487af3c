namespace Tiered.Cost;

/// <summary>How a FaaS provider bills function invocations: GB-seconds of configured memory plus a price per invocation.</summary>
/// <param name="Provider">Who charges these prices (shown in reports).</param>
/// <param name="PricePerGbSecond">Dollars per GB-second, GB being 1024³ bytes of configured memory.</param>
/// <param name="PricePerMillionInvocations">Dollars per million invocations (requests).</param>
/// <param name="BillingGranularity">Durations are rounded up to a multiple of this (1 ms on AWS Lambda).</param>
/// <param name="MinimumBilledDuration">The least an invocation is billed for (zero on AWS Lambda).</param>
/// <param name="MemoryGranularityBytes">Configured memory is rounded up to a multiple of this before pricing (1 MiB on AWS Lambda).</param>
public sealed record FunctionPricing(
    string Provider,
    decimal PricePerGbSecond,
    decimal PricePerMillionInvocations,
    TimeSpan BillingGranularity,
    TimeSpan MinimumBilledDuration,
    long MemoryGranularityBytes)
{
    private const double BytesPerGb = 1024.0 * 1024 * 1024;

    /// <summary>
    /// AWS Lambda on x86 (us-east-1 list price, DESIGN §8): $0.0000166667 per GB-s billed at 1 ms granularity,
    /// $0.20 per million invocations; memory configured in 1 MiB steps.
    /// </summary>
    public static FunctionPricing AwsLambda { get; } = new("AWS Lambda (x86)", 0.0000166667m, 0.20m, TimeSpan.FromMilliseconds(1), TimeSpan.Zero, 1024 * 1024);

    /// <summary>
    /// Azure Functions Consumption plan list price: $0.000016 per GB-s and $0.20 per million executions, at least 100 ms
    /// and memory rounded up to 128 MB per execution. Check the current price for your region before relying on it.
    /// </summary>
    public static FunctionPricing AzureFunctionsConsumption { get; } = new("Azure Functions (Consumption)", 0.000016m, 0.20m, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(100), 128L * 1024 * 1024);

    /// <summary>AWS Lambda on Arm (Graviton2), us-east-1 list price: $0.0000133334 per GB-s at 1 ms, $0.20 per million requests.</summary>
    public static FunctionPricing AwsLambdaArm { get; } = new("AWS Lambda (Arm)", 0.0000133334m, 0.20m, TimeSpan.FromMilliseconds(1), TimeSpan.Zero, 1024 * 1024);

    /// <summary>
    /// Azure Functions Flex Consumption, on-demand list price: $0.000026 per GB-s of the instance size (512, 2048 or 4096 MB)
    /// while it executes, rounded up to 100 ms with a minimum of 1,000 ms, and $0.40 per million executions
    /// (docs/platform-azure.md has the billing rule this assumes).
    /// </summary>
    public static FunctionPricing AzureFunctionsFlexConsumption { get; } = new("Azure Functions (Flex Consumption)", 0.000026m, 0.40m, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), 1024 * 1024);

    /// <summary>
    /// Google Cloud Run functions, request-based billing, Tier 1 list price: $0.0000025 per GiB-s of memory plus $0.000024
    /// per vCPU-s, with the 1 vCPU per 2 GiB Cloud Run functions allocates (so $0.0000145 per GiB-s all in), billed in 100 ms
    /// units, and $0.40 per million requests.
    /// </summary>
    public static FunctionPricing CloudRunFunctions { get; } = new("Cloud Run functions", 0.0000145m, 0.40m, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), 1024 * 1024);

    /// <summary>Every built-in platform price by its short name: <c>aws</c>, <c>aws-arm</c>, <c>azure</c>, <c>azure-consumption</c>, <c>gcp</c>.</summary>
    public static IReadOnlyDictionary<string, FunctionPricing> BuiltIn { get; } = new Dictionary<string, FunctionPricing>(StringComparer.OrdinalIgnoreCase)
    {
        ["aws"] = AwsLambda,
        ["aws-arm"] = AwsLambdaArm,
        ["azure"] = AzureFunctionsFlexConsumption,
        ["azure-consumption"] = AzureFunctionsConsumption,
        ["gcp"] = CloudRunFunctions,
    };

    /// <summary>The duration the provider bills for an invocation that ran <paramref name="duration"/>: rounded up to the granularity, at least one granule and at least the minimum.</summary>
    public TimeSpan BilledDuration(TimeSpan duration)
    {
        long granule = BillingGranularity.Ticks;
        long granules = duration.Ticks <= 0 ? 1 : Math.Max(1, (duration.Ticks + granule - 1) / granule);
        return TimeSpan.FromTicks(Math.Max(granules * granule, MinimumBilledDuration.Ticks));
    }

    /// <summary>The memory the provider bills, in GB (1024³ bytes): <paramref name="memoryBytes"/> rounded up to the memory granularity.</summary>
    public double BilledMemoryGb(long memoryBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBytes);
        long steps = (memoryBytes + MemoryGranularityBytes - 1) / MemoryGranularityBytes;
        return steps * MemoryGranularityBytes / BytesPerGb;
    }

    /// <summary>Billed GB-seconds of one invocation.</summary>
    public double BilledGbSeconds(TimeSpan duration, long memoryBytes) => BilledMemoryGb(memoryBytes) * BilledDuration(duration).TotalSeconds;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad price; returns this pricing otherwise.</summary>
    public FunctionPricing Validate()
    {
        if (string.IsNullOrWhiteSpace(Provider)) throw new ArgumentException("the function pricing needs a provider name", nameof(Provider));
        if (PricePerGbSecond < 0) throw new ArgumentException($"PricePerGbSecond must not be negative, not {PricePerGbSecond}", nameof(PricePerGbSecond));
        if (PricePerMillionInvocations < 0) throw new ArgumentException($"PricePerMillionInvocations must not be negative, not {PricePerMillionInvocations}", nameof(PricePerMillionInvocations));
        if (BillingGranularity <= TimeSpan.Zero) throw new ArgumentException($"BillingGranularity must be positive, not {BillingGranularity}", nameof(BillingGranularity));
        if (MinimumBilledDuration < TimeSpan.Zero) throw new ArgumentException($"MinimumBilledDuration must not be negative, not {MinimumBilledDuration}", nameof(MinimumBilledDuration));
        if (MemoryGranularityBytes < 1) throw new ArgumentException($"MemoryGranularityBytes must be at least 1, not {MemoryGranularityBytes}", nameof(MemoryGranularityBytes));
        return this;
    }
}
