using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Tiered.Functions;

namespace Tiered.Chaos;

/// <summary>
/// A <see cref="ChaosFunctionBackend"/> over a backend that lets its instances be listed and reclaimed: it forwards
/// <see cref="IFunctionInstanceControl"/> to the inner backend, so whoever held the platform as an instance control
/// (a <see cref="ChaosReclaimer"/>, an operator) can hold the decorator instead. <see cref="ChaosFunctionBackend.Create"/>
/// returns one when the inner backend implements the interface.
/// </summary>
public sealed class ChaosControllableFunctionBackend : ChaosFunctionBackend, IFunctionInstanceControl
{
    private readonly IFunctionInstanceControl _control;

    /// <summary>Wraps <paramref name="inner"/>, which must implement <see cref="IFunctionInstanceControl"/>.</summary>
    /// <exception cref="ArgumentException">The inner backend does not implement <see cref="IFunctionInstanceControl"/>.</exception>
    public ChaosControllableFunctionBackend(IFunctionBackend inner, ChaosBackendOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
        : base(inner, options, timeProvider, logger, meterFactory)
    {
        _control = inner as IFunctionInstanceControl
            ?? throw new ArgumentException($"Backend '{inner.Name}' ({inner.GetType().Name}) does not implement IFunctionInstanceControl; use ChaosFunctionBackend.Create.", nameof(inner));
    }

    /// <inheritdoc />
    public IReadOnlyList<FunctionInstanceInfo> GetInstances() => _control.GetInstances();

    /// <inheritdoc />
    public bool Reclaim(string instanceId) => _control.Reclaim(instanceId);
}
