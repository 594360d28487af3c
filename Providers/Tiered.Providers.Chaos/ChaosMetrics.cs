using System.Diagnostics.Metrics;

namespace Tiered.Chaos;

/// <summary>The instruments of one chaos component (or of a backend and the relays it made); owns its <see cref="Meter"/> when no <see cref="IMeterFactory"/> was given.</summary>
internal sealed class ChaosMetrics : IDisposable
{
    private readonly bool _ownsMeter;
    private readonly Counter<long> _faults;
    private readonly Counter<long> _throttledBytes;

    public ChaosMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            Meter = new Meter(ChaosMetricNames.MeterName);
            _ownsMeter = true;
        }
        else
        {
            Meter = meterFactory.Create(ChaosMetricNames.MeterName);
        }
        _faults = Meter.CreateCounter<long>(ChaosMetricNames.Faults, "{fault}", "Faults injected by chaos.");
        _throttledBytes = Meter.CreateCounter<long>(ChaosMetricNames.ThrottledBytes, "By", "Bytes relayed under a bandwidth cap.");
    }

    public Meter Meter { get; }

    public void Fault(string kind, string? function, long count = 1)
    {
        if (function is null) _faults.Add(count, new KeyValuePair<string, object?>(ChaosMetricNames.FaultTag, kind));
        else _faults.Add(count, new KeyValuePair<string, object?>(ChaosMetricNames.FaultTag, kind), new KeyValuePair<string, object?>(ChaosMetricNames.FunctionTag, function));
    }

    public void Throttled(string function, RelayDirection direction, long bytes) =>
        _throttledBytes.Add(bytes,
            new KeyValuePair<string, object?>(ChaosMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(ChaosMetricNames.DirectionTag, direction == RelayDirection.ClientToUpstream ? "node_to_proxy" : "proxy_to_node"));

    public void Dispose()
    {
        if (_ownsMeter) Meter.Dispose();
    }
}
