using Tiered.Functions;

namespace Tiered.Providers.Local;

/// <summary>
/// What a <see cref="LocalFunctionPlatform"/> has metered since it was created: the inputs of a cost model
/// (billed duration and GB-seconds, invocations of each kind) and what happened to instances.
/// </summary>
/// <param name="Invocations">Invocations that ran (succeeded or failed); throttled ones are not included.</param>
/// <param name="Failed">Invocations that ended with an error (handler exception, timeout, reclaim, disposal).</param>
/// <param name="Throttled">Invocations refused at the concurrency limit.</param>
/// <param name="ColdStarts">Invocations that started a new instance.</param>
/// <param name="InvocationsByKind">Invocations that ran, by kind (every kind present, possibly 0).</param>
/// <param name="BilledDuration">The sum of billed durations.</param>
/// <param name="BilledGbSeconds">The sum of billed GB-seconds (memory in GiB × billed seconds).</param>
/// <param name="BilledGbSecondsByKind">Billed GB-seconds by kind (every kind present).</param>
/// <param name="Reclaims">Instances reclaimed, by reason (every reason present).</param>
public sealed record LocalPlatformUsage(
    long Invocations,
    long Failed,
    long Throttled,
    long ColdStarts,
    IReadOnlyDictionary<InvocationKind, long> InvocationsByKind,
    TimeSpan BilledDuration,
    double BilledGbSeconds,
    IReadOnlyDictionary<InvocationKind, double> BilledGbSecondsByKind,
    IReadOnlyDictionary<LocalReclaimReason, long> Reclaims)
{
    /// <summary>Instances reclaimed for staying idle too long.</summary>
    public long IdleReclaims => Reclaims[LocalReclaimReason.Idle];

    /// <summary>Instances reclaimed by fault injection (on demand, rate or hazard).</summary>
    public long InjectedReclaims => Reclaims[LocalReclaimReason.Injected];

    /// <summary>Instances recycled at the end of their instance lifetime.</summary>
    public long RecycledReclaims => Reclaims[LocalReclaimReason.Recycled];
}

/// <summary>The mutable counters behind <see cref="LocalPlatformUsage"/>.</summary>
internal sealed class LocalUsageAccumulator
{
    private static readonly InvocationKind[] Kinds = Enum.GetValues<InvocationKind>();
    private static readonly LocalReclaimReason[] Reasons = Enum.GetValues<LocalReclaimReason>();

    private readonly Lock _gate = new();
    private long _invocations, _failed, _throttled, _coldStarts, _billedTicks;
    private double _gbSeconds;
    private readonly Dictionary<InvocationKind, long> _byKind = Kinds.ToDictionary(k => k, _ => 0L);
    private readonly Dictionary<InvocationKind, double> _gbSecondsByKind = Kinds.ToDictionary(k => k, _ => 0.0);
    private readonly Dictionary<LocalReclaimReason, long> _reclaims = Reasons.ToDictionary(r => r, _ => 0L);

    public void Invocation(InvocationKind kind, InvocationResult result)
    {
        lock (_gate)
        {
            _invocations++;
            if (!result.Succeeded) _failed++;
            if (result.ColdStart) _coldStarts++;
            _billedTicks += result.BilledDuration.Ticks;
            _gbSeconds += result.BilledGbSeconds;
            _byKind[kind] = _byKind.GetValueOrDefault(kind) + 1;
            _gbSecondsByKind[kind] = _gbSecondsByKind.GetValueOrDefault(kind) + result.BilledGbSeconds;
        }
    }

    public void Throttle()
    {
        lock (_gate) _throttled++;
    }

    public void Reclaim(LocalReclaimReason reason)
    {
        lock (_gate) _reclaims[reason] = _reclaims.GetValueOrDefault(reason) + 1;
    }

    public LocalPlatformUsage Snapshot()
    {
        lock (_gate)
        {
            return new LocalPlatformUsage(
                _invocations, _failed, _throttled, _coldStarts,
                new Dictionary<InvocationKind, long>(_byKind),
                TimeSpan.FromTicks(_billedTicks), _gbSeconds,
                new Dictionary<InvocationKind, double>(_gbSecondsByKind),
                new Dictionary<LocalReclaimReason, long>(_reclaims));
        }
    }
}
