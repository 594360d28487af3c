using System.Globalization;
using Microsoft.Extensions.Options;
using Tiered.Functions;

namespace Tiered.Providers.Local;

/// <summary>
/// Picks how long an instance that has just become idle may stay idle before the platform reclaims it.
/// Called once per idle period (every time an invocation on the instance ends), under the platform's lock (keep it
/// quick and do not call the platform from it), with the platform's seeded <see cref="Random"/>. Return
/// <see cref="Timeout.InfiniteTimeSpan"/> to keep the instance forever; values above
/// <see cref="LocalFunctionOptions.MaxDelay"/> are capped to it. If it throws, the instance is kept.
/// </summary>
/// <param name="instance">The instance that just became idle.</param>
/// <param name="random">The platform's random source (do not keep it; it is only safe to use during the call).</param>
public delegate TimeSpan IdleLifetimeSampler(LocalInstanceInfo instance, Random random);

/// <summary>
/// Picks how long a new instance may live, counted from its creation, whatever it does; then the platform recycles it
/// (<see cref="LocalReclaimReason.Recycled"/>: at once when idle, else when its invocation ends). Called once per instance
/// as it is created, under the platform's lock (keep it quick and do not call the platform from it), with the platform's
/// seeded <see cref="Random"/>. Return <see cref="Timeout.InfiniteTimeSpan"/> for no limit. If it throws, the instance
/// has no limit.
/// </summary>
/// <param name="instance">The instance being created (state <see cref="LocalInstanceState.Starting"/>).</param>
/// <param name="random">The platform's random source (do not keep it; it is only safe to use during the call).</param>
public delegate TimeSpan InstanceLifetimeSampler(LocalInstanceInfo instance, Random random);

/// <summary>Configuration of the <see cref="LocalFunctionPlatform"/>. Every setting has a default.</summary>
public sealed class LocalFunctionOptions
{
    /// <summary>The conventional configuration section for these options.</summary>
    public const string SectionName = "LocalFunctions";

    /// <summary>How many functions the pool has when <see cref="FunctionNames"/> is empty. Default 32.</summary>
    public int FunctionCount { get; set; } = 32;

    /// <summary>
    /// Prefix of generated function names: <c>tiered-node-000</c>, <c>tiered-node-001</c>, … (at least three
    /// digits). Default <c>tiered-node-</c>.
    /// </summary>
    public string FunctionNamePrefix { get; set; } = "tiered-node-";

    /// <summary>Explicit function names; when not empty they replace the generated ones and <see cref="FunctionCount"/> is ignored.</summary>
    public IList<string> FunctionNames { get; set; } = new List<string>();

    /// <summary>Memory of each instance in MiB (what Lambda calls MB). Default 1536.</summary>
    public int MemoryMiB { get; set; } = 1536;

    /// <summary>The longest an invocation may run; at the deadline its token is cancelled and the instance is reset. Default 15 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Instances of one function that may run invocations at once (cold-starting instances count). An invocation
    /// beyond it is refused with <see cref="FunctionThrottledException"/>, never queued. Default 1000.
    /// </summary>
    public int MaxConcurrency { get; set; } = 1000;

    /// <summary>Delay before a new instance runs its first invocation (not billed). Zero is allowed. Default 100 ms.</summary>
    public TimeSpan ColdStartDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long an idle instance keeps its memory before the platform reclaims it, restarted every time an
    /// invocation on it ends; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> keeps idle instances
    /// forever. Ignored when <see cref="IdleLifetimeSampler"/> is set. Default 27 minutes (a placeholder).
    /// </summary>
    public TimeSpan IdleLifetime { get; set; } = TimeSpan.FromMinutes(27);

    /// <summary>A distribution of idle lifetimes; when set it replaces <see cref="IdleLifetime"/> (and the reclaim model's).</summary>
    public IdleLifetimeSampler? IdleLifetimeSampler { get; set; }

    /// <summary>
    /// How long an instance may live from its creation, whatever it does; then it is recycled (at once when idle, else
    /// when its invocation ends). <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> (the default) sets no limit.
    /// Ignored when <see cref="InstanceLifetimeSampler"/> or <see cref="ReclaimModel"/> is set.
    /// </summary>
    public TimeSpan InstanceLifetime { get; set; } = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>A distribution of instance lifetimes, drawn at each instance's creation; when set it replaces <see cref="InstanceLifetime"/> (and the reclaim model's).</summary>
    public InstanceLifetimeSampler? InstanceLifetimeSampler { get; set; }

    /// <summary>
    /// A reclaim model (<see cref="LocalReclaimModel"/>): a name — <c>aws</c> (idle instances reclaimed 10 minutes after
    /// their last invocation; every instance recycled after a lifetime uniform on [0, 4 h], its host's remaining life),
    /// <c>aws-june-2019</c>, <c>none</c> — or a spec such as <c>idle:10m,lifetime:0-4h</c>. When set it replaces
    /// <see cref="IdleLifetime"/> and <see cref="InstanceLifetime"/>; explicit samplers still take precedence. Null (the
    /// default) keeps those two settings, so a platform made without a model never recycles instances on its own.
    /// </summary>
    public string? ReclaimModel { get; set; }

    /// <summary>
    /// Fault injection: instances reclaimed per hour across the whole platform (a Poisson process; each event
    /// picks one live instance, idle or busy, uniformly at random). 0 turns it off. Default 0.
    /// </summary>
    public double ReclaimRatePerHour { get; set; }

    /// <summary>
    /// Fault injection: each instance's hazard of being reclaimed, per hour of its life (its lifetime is
    /// exponentially distributed with this rate). 0 turns it off. Default 0.
    /// </summary>
    public double InstanceReclaimHazardPerHour { get; set; }

    /// <summary>Billed durations are rounded up to a multiple of this, with a minimum of one unit. Default 1 ms (AWS Lambda).</summary>
    public TimeSpan BillingGranularity { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Seed of the platform's random source (fault injection, sampled lifetimes); null seeds from the system.</summary>
    public int? Seed { get; set; }

    /// <summary>The longest delay a timer can take (about 49.7 days); delays, timeouts and lifetimes cannot exceed it.</summary>
    public static TimeSpan MaxDelay { get; } = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    /// <summary>Memory per instance in bytes.</summary>
    public long MemoryBytes => MemoryMiB * 1024L * 1024L;

    /// <summary>The limits these options give every function.</summary>
    public FunctionLimits ToLimits() => new(MemoryBytes, Timeout, MaxConcurrency);

    /// <summary>The function names of the pool, in order: <see cref="FunctionNames"/> or the generated ones.</summary>
    public IReadOnlyList<string> ResolveFunctionNames()
    {
        if (FunctionNames.Count > 0) return FunctionNames.ToArray();
        var digits = Math.Max(3, (Math.Max(FunctionCount, 1) - 1).ToString(CultureInfo.InvariantCulture).Length);
        var names = new string[FunctionCount];
        for (var i = 0; i < names.Length; i++)
            names[i] = FunctionNamePrefix + i.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
        return names;
    }

    /// <summary>Every problem with these options, each naming its key; empty when they are valid.</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        const string p = nameof(LocalFunctionOptions) + ".";
        if (FunctionNames.Count == 0)
        {
            if (FunctionCount <= 0) errors.Add($"{p}{nameof(FunctionCount)} must be positive (was {FunctionCount}).");
            if (FunctionNamePrefix is null) errors.Add($"{p}{nameof(FunctionNamePrefix)} must not be null.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in FunctionNames)
            {
                if (string.IsNullOrWhiteSpace(name)) errors.Add($"{p}{nameof(FunctionNames)} must not contain an empty name.");
                else if (!seen.Add(name)) errors.Add($"{p}{nameof(FunctionNames)} contains '{name}' twice.");
            }
        }
        if (MemoryMiB <= 0) errors.Add($"{p}{nameof(MemoryMiB)} must be positive (was {MemoryMiB}).");
        if (Timeout <= TimeSpan.Zero) errors.Add($"{p}{nameof(Timeout)} must be positive (was {Timeout}).");
        if (Timeout > MaxDelay) errors.Add($"{p}{nameof(Timeout)} must be at most {MaxDelay} (was {Timeout}).");
        if (ColdStartDelay > MaxDelay) errors.Add($"{p}{nameof(ColdStartDelay)} must be at most {MaxDelay} (was {ColdStartDelay}).");
        if (IdleLifetime > MaxDelay) errors.Add($"{p}{nameof(IdleLifetime)} must be at most {MaxDelay} or Timeout.InfiniteTimeSpan (was {IdleLifetime}).");
        if (MaxConcurrency <= 0) errors.Add($"{p}{nameof(MaxConcurrency)} must be positive (was {MaxConcurrency}).");
        if (ColdStartDelay < TimeSpan.Zero) errors.Add($"{p}{nameof(ColdStartDelay)} must not be negative (was {ColdStartDelay}).");
        if (IdleLifetimeSampler is null && IdleLifetime <= TimeSpan.Zero && IdleLifetime != System.Threading.Timeout.InfiniteTimeSpan)
            errors.Add($"{p}{nameof(IdleLifetime)} must be positive or Timeout.InfiniteTimeSpan (was {IdleLifetime}).");
        if (InstanceLifetimeSampler is null && ReclaimModel is null && InstanceLifetime <= TimeSpan.Zero && InstanceLifetime != System.Threading.Timeout.InfiniteTimeSpan)
            errors.Add($"{p}{nameof(InstanceLifetime)} must be positive or Timeout.InfiniteTimeSpan (was {InstanceLifetime}).");
        if (ReclaimModel is not null && !LocalReclaimModel.TryParse(ReclaimModel, out _, out string? modelError))
            errors.Add($"{p}{nameof(ReclaimModel)}: {modelError}");
        if (!(ReclaimRatePerHour >= 0) || double.IsInfinity(ReclaimRatePerHour))
            errors.Add($"{p}{nameof(ReclaimRatePerHour)} must be a finite number ≥ 0 (was {ReclaimRatePerHour.ToString(CultureInfo.InvariantCulture)}).");
        if (!(InstanceReclaimHazardPerHour >= 0) || double.IsInfinity(InstanceReclaimHazardPerHour))
            errors.Add($"{p}{nameof(InstanceReclaimHazardPerHour)} must be a finite number ≥ 0 (was {InstanceReclaimHazardPerHour.ToString(CultureInfo.InvariantCulture)}).");
        if (BillingGranularity <= TimeSpan.Zero) errors.Add($"{p}{nameof(BillingGranularity)} must be positive (was {BillingGranularity}).");
        return errors;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every bad key; returns this when valid.</summary>
    public LocalFunctionOptions Validate()
    {
        var errors = GetValidationErrors();
        if (errors.Count > 0) throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(LocalFunctionOptions), errors);
        return this;
    }

    /// <summary>The reclaim model <see cref="ReclaimModel"/> names, or null when none is set.</summary>
    /// <exception cref="FormatException"><see cref="ReclaimModel"/> is not a model.</exception>
    public LocalReclaimModel? ResolveReclaimModel() => ReclaimModel is null ? null : LocalReclaimModel.Parse(ReclaimModel);

    /// <summary>A copy (the platform keeps its own so later changes to these options do not affect it).</summary>
    public LocalFunctionOptions Clone()
    {
        var copy = (LocalFunctionOptions)MemberwiseClone();
        copy.FunctionNames = new List<string>(FunctionNames);
        return copy;
    }
}
