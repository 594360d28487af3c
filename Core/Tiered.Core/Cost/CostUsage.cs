using Tiered.Functions;

namespace Tiered.Cost;

/// <summary>Billed function use by invocation kind (serve, warm-up, backup): the inputs of a <see cref="CostReport"/>.</summary>
public sealed class CostUsage
{
    private readonly Dictionary<InvocationKind, InvocationUsage> _byKind;

    /// <summary>Usage from per-kind figures (kinds not given count as zero).</summary>
    public CostUsage(IEnumerable<KeyValuePair<InvocationKind, InvocationUsage>> byKind)
    {
        ArgumentNullException.ThrowIfNull(byKind);
        _byKind = Enum.GetValues<InvocationKind>().ToDictionary(kind => kind, _ => default(InvocationUsage));
        foreach ((InvocationKind kind, InvocationUsage usage) in byKind)
        {
            if (usage.Invocations < 0 || usage.BilledDuration < TimeSpan.Zero || !(usage.GbSeconds >= 0) || double.IsInfinity(usage.GbSeconds))
                throw new ArgumentException($"usage of {kind} invocations must be finite and not negative, not {usage}", nameof(byKind));
            _byKind[kind] += usage;
        }
    }

    /// <summary>No usage at all.</summary>
    public static CostUsage None { get; } = new([]);

    /// <summary>Usage of each kind (every kind present).</summary>
    public IReadOnlyDictionary<InvocationKind, InvocationUsage> ByKind => _byKind;

    /// <summary>Usage of one kind.</summary>
    public InvocationUsage this[InvocationKind kind] => _byKind.GetValueOrDefault(kind);

    /// <summary>All kinds together.</summary>
    public InvocationUsage Total => _byKind.Values.Aggregate(default(InvocationUsage), (sum, usage) => sum + usage);
}
